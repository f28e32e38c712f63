import CLatentMPI
import Foundation
import LatentNN

/// The ranks of an `mpirun` launch, on Open MPI: `MPI_Allreduce` on the gradients (Open MPI picks
/// the algorithm: ring, recursive doubling, …, by message size and rank count), `MPI_Bcast` for
/// checkpoints and settings.
///
/// Made once per process (`start()`), before any optimiser; `finish()` (MPI_Finalize) at a normal
/// exit. Every call is made from the thread that started MPI (MPI_THREAD_FUNNELED): Latent's
/// kernel threads never touch MPI.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let tally = CommunicationTally()
    /// MPI_COMM_WORLD (an opaque global of Open MPI's, fetched per call: a pointer is not Sendable).
    private var world: MPI_Comm? { latent_mpi_comm_world() }

    /// Whether this process was started by Open MPI's `mpirun` (its environment says so).
    public static var launchedByMPIRun: Bool {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] != nil
    }

    /// Initialises MPI and joins `MPI_COMM_WORLD`.
    public static func start() throws(DistributedError) -> MPICommunicator {
        var provided: Int32 = 0
        let status = MPI_Init_thread(nil, nil, latent_mpi_thread_funneled(), &provided)
        guard status == latent_mpi_success() else { throw .mpi("MPI_Init_thread failed: \(errorText(status))") }
        let world = latent_mpi_comm_world()
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(world, &rank)
        MPI_Comm_size(world, &size)
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        tally.measure(bytes: values.count * 4) { allReduce(values, as: latent_mpi_float()) }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        tally.measure(bytes: values.count * 8) { allReduce(values, as: latent_mpi_double()) }
    }

    /// In-place sum over the ranks of `values`, whose elements are MPI's `type`. An empty buffer
    /// (a step that reported no figures) still takes part in the collective, with count 0.
    private func allReduce<T>(_ values: UnsafeMutableBufferPointer<T>, as type: MPI_Datatype?) {
        forEachChunk(values.count) { offset, count in
            _ = MPI_Allreduce(latent_mpi_in_place(), values.baseAddress.map { $0 + offset }, count, type, latent_mpi_sum(), world)
        }
    }

    public func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] {
        var length = Int64(bytes.count)
        _ = MPI_Bcast(&length, 1, latent_mpi_long_long(), Int32(root), world)
        var out = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
        out.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            forEachChunk(p.count) { offset, count in
                _ = MPI_Bcast(base + offset, count, latent_mpi_byte(), Int32(root), world)
            }
        }
        return out
    }

    public func abort(code: Int32) -> Never {
        _ = MPI_Abort(world, code)
        exit(code)
    }

    /// MPI_Finalize: the end of a run that went well. Open MPI's `mpirun` reports a rank that exits
    /// without it as a failure.
    public func finish() {
        _ = MPI_Finalize()
    }

    /// Splits `count` elements into pieces an `Int32` count can describe.
    private func forEachChunk(_ count: Int, _ body: (Int, Int32) -> Void) {
        var offset = 0
        repeat {
            let n = Swift.min(count - offset, Int(Int32.max))
            body(offset, Int32(n))
            offset += n
        } while offset < count
    }

    private static func errorText(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(latent_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        _ = MPI_Error_string(code, &buffer, &length)
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
