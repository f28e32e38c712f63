import CLatentBLAS
import CLatentDNNL
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How many threads Latent's own kernels and OpenBLAS may use.
///
/// One process-wide setting: the CLI sets it from `--threads` before any work. Kernels that split
/// work with `parallelFor` run BLAS single-threaded inside their workers, so the two never
/// oversubscribe the cores.
public enum Threads {
    private static let current = Atomic<Int>(defaultCount)

    /// The most threads a run may use (`--threads`, `OMP_NUM_THREADS`, `OPENBLAS_NUM_THREADS`):
    /// each costs OpenMP and OpenBLAS per-thread buffers; libgomp crashed at 100,000 and
    /// reserved 1.47 GB at 20,000. `InputLimits.threads` is derived from it.
    public static let maximum = 1024

    /// The number of cores this process may run on.
    public static var defaultCount: Int { Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The thread count in force.
    public static var count: Int { current.load(ordering: .relaxed) }

    /// Sets the thread count for Latent's kernels and for OpenBLAS.
    public static func set(_ n: Int) {
        let n = Swift.max(1, n)
        current.store(n, ordering: .relaxed)
        openblas_set_num_threads(Int32(n))
    }

    /// Whether `parallelFor` runs on Dispatch's pool instead of OpenMP teams: set by
    /// `LATENT_PARALLEL=dispatch` in the environment, for machines shared with other busy
    /// processes (see `runChunks`). `BLASEnvironment.prepare` refuses values other than
    /// `dispatch` and `openmp`.
    public static let dispatchPool: Bool = getenv("LATENT_PARALLEL").map { String(cString: $0) } == "dispatch"

    private static let blasInsideWorkers = Atomic<Bool>(false)

    /// Threads a BLAS call may use: `count`, or 1 inside `withSingleThreadedBLAS`.
    public static var blasCount: Int { blasInsideWorkers.load(ordering: .relaxed) ? 1 : count }

    /// Runs `body`, whose own parallel workers call BLAS, with BLAS single-threaded, so the cores
    /// are not oversubscribed. Not reentrant, and not for use from two threads at once.
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        let threads = count
        guard threads > 1 else { return try body() }
        blasInsideWorkers.store(true, ordering: .relaxed)
        openblas_set_num_threads(1)
        defer {
            openblas_set_num_threads(Int32(threads))
            blasInsideWorkers.store(false, ordering: .relaxed)
        }
        return try body()
    }
}

/// Splits `0..<count` into contiguous chunks and runs `body` on each, across `Threads.count`
/// threads. Work smaller than `minChunk` per thread runs inline on the caller's thread, so small
/// tensors pay no dispatch cost. Chunk boundaries depend only on `count`, `minChunk` and the
/// thread count, so results that are reduced per chunk are reproducible for a given thread count.
@inlinable
public func parallelFor(_ count: Int, minChunk: Int = 32_768, _ body: (Range<Int>) -> Void) {
    let threads = Threads.count
    let chunks = Swift.min(threads, Swift.max(1, count / Swift.max(1, minChunk)))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    runChunks(count: count, chunks: chunks, body)
}

/// Runs the `chunks` chunks of `0..<count` on an OpenMP team: the threads oneDNN's GEMM uses,
/// which spin for a while after each region, so a kernel that follows a GEMM starts in about a
/// microsecond instead of waking a second pool of threads (Dispatch's) that then competes with
/// the spinning ones for the cores (the `rbm` benchmark: 1.96 s for 3 epochs against 2.81 s
/// through Dispatch). Inside another team (nested) the team has one thread, which runs every
/// chunk. The cost: a team ends at a barrier every thread must reach, so when other processes
/// keep a worker off the cores the region waits for it (the same benchmark beside a busy
/// process: 5.3 s against Dispatch's 2.7 s). `LATENT_PARALLEL=dispatch` chooses Dispatch.
@usableFromInline
func runChunks(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
    if Threads.dispatchPool {
        runChunksOnDispatch(count: count, chunks: chunks, body)
    } else {
        runChunksOnOpenMP(count: count, chunks: chunks, body)
    }
}

func runChunksOnOpenMP(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
    withoutActuallyEscaping(body) { body in
        let region = ParallelRegion(count: count, chunks: chunks, body: body)
        GOMP_parallel({ raw in
            guard let raw else { return }
            Unmanaged<ParallelRegion>.fromOpaque(raw).takeUnretainedValue().work()
        }, Unmanaged.passUnretained(region).toOpaque(), UInt32(chunks), 0)
        withExtendedLifetime(region) {}
    }
}

func runChunksOnDispatch(count: Int, chunks: Int, _ body: (Range<Int>) -> Void) {
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = chunk(c, of: chunks, count: count)
            if !range.isEmpty { shared.value(range) }
        }
    }
}

/// Chunk `c` of `chunks` contiguous chunks of `0..<count`: the boundaries both pools use.
func chunk(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
    (count * c / chunks)..<(count * (c + 1) / chunks)
}

/// The chunks of one `runChunks` call. Each thread of the team claims the next chunk until none
/// is left, so a thread the scheduler has not run yet leaves its share to the others (what
/// Dispatch's `concurrentPerform` does) instead of holding the region up.
final class ParallelRegion: @unchecked Sendable {
    let count: Int
    let chunks: Int
    let body: (Range<Int>) -> Void
    let next = Atomic<Int>(0)

    init(count: Int, chunks: Int, body: @escaping (Range<Int>) -> Void) {
        self.count = count
        self.chunks = chunks
        self.body = body
    }

    func work() {
        while true {
            let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard c < chunks else { return }
            let range = chunk(c, of: chunks, count: count)
            if !range.isEmpty { body(range) }
        }
    }
}

/// Carries a value into `concurrentPerform`'s closure. Only for kernels whose chunks write
/// disjoint memory, which is what makes the sharing safe.
@usableFromInline
struct UncheckedSendable<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}
