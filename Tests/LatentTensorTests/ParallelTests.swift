import Synchronization
import Testing
@testable import LatentTensor

/// `parallelFor`'s two ways of running chunks (OpenMP teams, Dispatch's pool) cover the range
/// once, with the same chunk boundaries, also when nested.
@Suite struct ParallelTests {
    static func chunks(_ run: (Int, Int, (Range<Int>) -> Void) -> Void, count: Int, chunks: Int) -> [Range<Int>] {
        let seen = Mutex<[Range<Int>]>([])
        run(count, chunks) { range in seen.withLock { $0.append(range) } }
        return seen.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
    }

    @Test func bothPoolsRunEveryChunkOnceWithTheSameBoundaries() {
        for (count, n) in [(10, 2), (1_000, 3), (7, 7), (5, 8)] {
            let openMP = Self.chunks({ runChunksOnOpenMP(count: $0, chunks: $1, $2) }, count: count, chunks: n)
            let dispatch = Self.chunks({ runChunksOnDispatch(count: $0, chunks: $1, $2) }, count: count, chunks: n)
            #expect(openMP == dispatch, "\(count) in \(n)")
            #expect(openMP.flatMap { Array($0) } == Array(0..<count), "\(count) in \(n)")
        }
    }

    @Test func nestedTeamsStillRunEveryChunk() {
        let total = Atomic<Int>(0)
        runChunksOnOpenMP(count: 4, chunks: 2) { outer in
            for _ in outer {
                runChunksOnOpenMP(count: 100, chunks: 4) { inner in total.add(inner.count, ordering: .relaxed) }
            }
        }
        #expect(total.load(ordering: .relaxed) == 400)
    }
}
