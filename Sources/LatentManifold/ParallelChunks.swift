import Dispatch
import LatentTensor

/// Runs `body(chunk, range)` on `chunks` contiguous pieces of `0..<count` concurrently (inline when
/// there is one chunk). Unlike `parallelFor` the chunk index is passed, so each chunk can own a
/// slot of per-thread scratch or partial sums that the caller reduces in a fixed order, which keeps
/// results reproducible for a given thread count.
func parallelChunks(_ count: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
    let chunks = Swift.max(1, Swift.min(chunks, count))
    if chunks == 1 {
        if count > 0 { body(0, 0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            shared.value(c, (count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }
}

/// Carries a pointer or closure into concurrent chunks that write disjoint memory.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
