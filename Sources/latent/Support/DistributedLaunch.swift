import ArgumentParser
import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#endif

/// How a training command finds its fellow ranks.
enum DistributedMode: String, ExpressibleByArgument, CaseIterable {
    /// MPI when the process was started by mpirun, a plain run otherwise.
    case auto
    /// MPI (a single rank when not started by mpirun).
    case mpi
    /// A plain run, even under mpirun (every rank trains alone: only for debugging).
    case none
}

/// Starts and ends MPI around a command, and makes an error on one rank end every rank.
enum DistributedLaunch {
    nonisolated(unsafe) private static var mpi: MPICommunicator?

    /// This process's rank as mpirun's environment tells it (before MPI is initialised).
    static var environmentRank: Int? {
        ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"].flatMap { Int($0) }
    }

    /// Joins the MPI run if `mode` asks for it. Ranks other than 0 write nothing: their standard
    /// output is discarded (progress is already quiet there) and their run folder is a scratch
    /// folder removed at exit.
    static func start(_ options: RunOptions) throws {
        let mode = options.distributed
        guard mode == .mpi || (mode == .auto && MPICommunicator.launchedByMPIRun) else { return }
        let communicator = try MPICommunicator.start()
        mpi = communicator
        DataParallel.start(communicator, syncBatchNorm: options.syncBatchNorm)
        if !communicator.isPrimary {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, 1); close(null) }
        }
    }

    /// Errors that every rank finds at the same point (they compare what all ranks share).
    static func seenByEveryRank(_ error: Error) -> Bool {
        switch error as? DistributedError {
        case .disagreement, .unsplittable: true
        default: false
        }
    }

    /// A normal end: MPI_Finalize on every rank.
    static func finish() {
        RunFolder.removeScratchFolders()
        RunFolder.releaseLocks()
        mpi?.finish()
    }

    /// An error: printed once (by rank 0 when every rank saw it, by the failing rank otherwise)
    /// and the whole run ended, so no rank waits for it forever.
    static func fail(_ error: Error) -> Never {
        RunFolder.removeScratchFolders()
        RunFolder.removeFailedFreshRuns()
        guard let mpi, mpi.size > 1 else { LatentCommand.exit(withError: error) }
        let message = LatentCommand.message(for: error)
        if case DistributedError.peerFailed = error {
            // Rank 0 prints its error and ends the run (MPI_Abort); wait for it here.
            mpi.finish()
            Foundation.exit(1)
        }
        if Self.seenByEveryRank(error) {
            // Every rank found it at the same point of the run: one message, a clean end.
            if mpi.isPrimary { FileHandle.standardError.write(Data("Error: \(message)\n".utf8)) }
            mpi.finish()
            Foundation.exit(1)
        }
        FileHandle.standardError.write(Data("Error (rank \(mpi.rank) of \(mpi.size)): \(message)\n".utf8))
        mpi.abort(code: 1)
    }
}
