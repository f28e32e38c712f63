import Synchronization

/// Freed tensor buffers too large for glibc's heap, kept for the next allocation of about the
/// same size.
///
/// glibc serves every allocation above its largest mmap threshold (32 MiB) with a fresh `mmap`
/// and returns it with `munmap` on free. The kernel then zero-fills each of its pages again on
/// first touch. Convolutions over a batch of 1,000 images build im2col buffers of hundreds of
/// megabytes, once per batch; in a profile of a convolutional classifier scoring its test set,
/// 40 % of the time went to those page faults. Keeping a few such buffers in the process turns
/// every allocation after the first into a reuse, as PyTorch's caching allocators do.
///
/// Only buffers of at least `minimumBytes` are cached, at most `capacityBytes` of them in all;
/// the oldest are released first. A cached buffer serves a request of at least four fifths of
/// its size, so a smaller tensor does not pin a much larger block. Contents
/// are not cleared: like `malloc`'s, the buffer is uninitialised.
final class LargeBufferCache: Sendable {
    /// Smallest size cached: glibc's largest mmap threshold, below which its heap already reuses.
    static let minimumBytes = 32 << 20

    /// A buffer owned by the cache while it sits in `blocks`, by one storage once handed out.
    private struct Block: @unchecked Sendable {
        var pointer: UnsafeMutableRawPointer
        var bytes: Int
    }

    private struct State {
        var blocks: [Block] = []
        var cachedBytes = 0
    }

    let capacityBytes: Int
    private let state = Mutex(State())

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// The process-wide cache used by `TensorStorage`: up to 1 GiB of freed large buffers.
    static let shared = LargeBufferCache(capacityBytes: 1 << 30)

    /// A buffer of at least `bytes` bytes, aligned to 64, and its actual size.
    func allocate(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        let reused: Block? = state.withLock { state in
            // The smallest cached block that fits without wasting more than a quarter of it.
            var best: Int?
            for (i, block) in state.blocks.enumerated() where block.bytes >= bytes && block.bytes * 4 <= bytes * 5 {
                if best.map({ block.bytes < state.blocks[$0].bytes }) ?? true { best = i }
            }
            guard let best else { return nil }
            let block = state.blocks.remove(at: best)
            state.cachedBytes -= block.bytes
            return block
        }
        if let reused { return (reused.pointer, reused.bytes) }
        return (UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64), bytes)
    }

    /// Takes back a buffer from `allocate`; frees the oldest cached buffers beyond the capacity.
    func release(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes <= capacityBytes else {
            pointer.deallocate()
            return
        }
        let evicted: [Block] = state.withLock { state in
            state.blocks.append(Block(pointer: pointer, bytes: bytes))
            state.cachedBytes += bytes
            var evicted: [Block] = []
            while state.cachedBytes > capacityBytes, !state.blocks.isEmpty {
                let oldest = state.blocks.removeFirst()
                state.cachedBytes -= oldest.bytes
                evicted.append(oldest)
            }
            return evicted
        }
        for block in evicted { block.pointer.deallocate() }
    }

    /// Bytes held by the cache now (for tests).
    var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// Frees every cached buffer.
    func purge() {
        let blocks = state.withLock { state in
            defer { state.blocks.removeAll(); state.cachedBytes = 0 }
            return state.blocks
        }
        for block in blocks { block.pointer.deallocate() }
    }
}
