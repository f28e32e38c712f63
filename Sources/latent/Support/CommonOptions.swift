import ArgumentParser
import Foundation
import Latent

/// Flags every command that computes takes.
struct ComputeOptions: ParsableArguments {
    @Option(help: "Threads for Latent's kernels and BLAS (default: all cores; under mpirun, the cores shared among the host's ranks).")
    var threads: Int?

    @Option(help: "Seed for every random choice; the same seed gives the same numbers.")
    var seed: UInt64 = 1

    func validate() throws {
        try FlagBounds.check("--threads", threads, in: InputLimits.threads)
    }

    /// Puts the thread count into force.
    func apply() { Threads.set(threads ?? Self.defaultThreads) }

    /// All cores, divided among the ranks mpirun started on this host (more threads than cores
    /// would only make the ranks wait for each other).
    static var defaultThreads: Int {
        let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap { Int($0) } ?? 1
        return Swift.max(1, Threads.defaultCount / Swift.max(local, 1))
    }
}

/// Where MNIST comes from: a directory the user names, or the 10k test set shipped in `Data/`.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Directory with the MNIST IDX files (gz or raw). Default: the 10,000 test images shipped in Data/mnist, split into train and test.", valueName: "dir"))
    var data: String?

    @Option(help: "Use at most this many images of each split (as --limit of embed and serve).")
    var limit: Int?

    @Option(help: "Use at most this many training images (default: --limit).")
    var trainLimit: Int?

    @Option(help: "Use at most this many test images (default: --limit).")
    var testLimit: Int?

    func validate() throws {
        if let n = limit, n < 1 { throw ValidationError("--limit must be positive, got \(n).") }
        if let n = trainLimit, n < 1 { throw ValidationError("--train-limit must be positive, got \(n).") }
        if let n = testLimit, n < 1 { throw ValidationError("--test-limit must be positive, got \(n).") }
    }

    /// The data these flags select.
    var source: MNISTSource { MNISTSource(data: data, trainLimit: trainLimit ?? limit, testLimit: testLimit ?? limit) }

    /// Loads the train and test sets.
    func load() throws -> (train: Dataset, test: Dataset, source: String) { try source.load() }
}

/// Where a training run writes, and how to continue one.
struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Output folder (default: runs/<model>-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @Option(help: "Data-parallel training: auto (MPI when started by mpirun), mpi or none.")
    var distributed: DistributedMode = .auto

    @Flag(help: "Under mpirun: batch norm uses the statistics of the whole global batch (default: each rank's shard, as PyTorch DDP).")
    var syncBatchNorm = false

    /// The flags typed on the command line that describe the run (all but those saying how to
    /// run it): with --resume, they must agree with the run's saved settings.
    var givenSettingFlags: [String] {
        let howToRun: Set = ["--resume", "--quiet", "--threads", "--distributed", "--sync-batch-norm"]
        let flags = CommandLine.arguments.dropFirst().filter { $0.hasPrefix("--") }
            .map { String($0.prefix { $0 != "=" }) }
        return flags.filter { !howToRun.contains($0) }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    func validate() throws {
        if resume != nil && out != nil { throw ValidationError("--resume continues in its own folder; do not pass --out with it.") }
    }
}

/// Commands that train, and can therefore run as ranks of `mpirun`.
protocol TrainingCommand: ParsableCommand {
    var output: RunOptions { get }
}
