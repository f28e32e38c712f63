// LatentBench: the standard workloads of ../shared/BENCHMARKS.md, run through Latent's public API.
//
//   swift run -c release LatentBench <workload> [--threads N] [--repeats R] [--data DIR] [...]
//   swift run -c release LatentBench help <workload>      # the flags of one workload
//
// One subcommand per workload; gemm, mlp, train-step, deep-ae and conv-ae are declared here and
// the others beside their code. Each prints human-readable lines and ends with one
// `RESULT {json}` line for scripts (scripts/bench.sh reads it). Benchmarks print figures; they
// never fail on speed. A bad flag or value is an error that names the flag.

import ArgumentParser
import Foundation
import Latent

struct LatentBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "LatentBench",
        abstract: "The standard workloads of ../shared/BENCHMARKS.md, run through Latent's public API.",
        discussion: """
            Each workload prints human-readable lines; gemm, mlp, train-step, deep-ae, conv-ae, vae \
            and dcgan end with one line `RESULT {json}` for scripts/bench.sh, while pca, tsne-*, \
            affinity and w2v print JSON lines and conv-layers a table. See Benchmarks/README.md for \
            what each measures.
            """,
        subcommands: [GemmCommand.self, MLPCommand.self, TrainStepCommand.self, DeepAutoencoderCommand.self,
                      ConvAutoencoderCommand.self, VAECommand.self, DCGANCommand.self, PCACommand.self,
                      TSNE10kCommand.self, TSNE70kCommand.self, AffinityCommand.self, W2VCommand.self, D2VCommand.self,
                      ConvLayersCommand.self, AllReduceCommand.self, UMAPCommand.self, TextureCommand.self,
                      RBMCommand.self, RBMFeaturesCommand.self])
}

// MARK: Flags shared by several workloads

/// `--threads`, which every workload takes.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Threads for Latent and the BLAS libraries.")
    var threads = 2

    func validate() throws { try require(threads, atLeast: 1, "--threads") }
}

/// `--data`, the MNIST directory.
struct MNISTOption: ParsableArguments {
    @Option(help: ArgumentHelp("MNIST directory.", valueName: "dir"))
    var data = "../shared/data/mnist"
}

/// Throws a `ValidationError` naming `flag` unless `value` is at least `minimum`.
func require(_ value: Int, atLeast minimum: Int, _ flag: String) throws {
    if value < minimum { throw ValidationError("\(flag) must be at least \(minimum), got \(value).") }
}

/// Throws a `ValidationError` naming `flag` unless `value` lies in `range`.
func require(_ value: Int, in range: ClosedRange<Int>, _ flag: String) throws {
    if !range.contains(value) {
        throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value).")
    }
}

extension Autoencoder.Config.Loss: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension Initializer: ExpressibleByArgument {}

/// The settings of the workloads declared in this file (gemm, mlp, train-step, deep-ae and
/// conv-ae); each reads what it needs.
struct Options {
    var threads = 2
    /// Number of timed repeats; nil means the workload's own default.
    var repeats: Int?
    var data = "../shared/data/mnist"
    /// mlp: epochs to train.
    var epochs = 5
    /// train-step: timed steps per repeat.
    var steps = 20
    /// train-step: batch size.
    var batch = 256
    /// gemm: matrix sizes.
    var sizes = [512, 1024, 2048]
    var seed: UInt64 = 1
    /// train-step: run the steps only (no reference GEMMs), for profilers.
    var profile = false
    /// deep-ae / conv-ae: reconstruction loss, schedule and initialisation.
    var loss = Autoencoder.Config.Loss.mse
    var schedule = LearningRateSchedule.constant
    var initializer = Initializer.pytorchDefault

    /// Sets the threads, prints the workload's first line and runs it.
    func run(_ workload: String, _ body: (Options) throws -> Void) throws {
        Threads.set(threads)
        print("LatentBench \(workload): \(threads) threads, \(loadLine())")
        try body(self)
    }
}

// MARK: gemm, mlp, train-step, deep-ae, conv-ae

struct GemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "float32 square sgemm through Tensor.matmul and raw gemm: GFLOP/s.")

    @OptionGroup var threads: ThreadsOption
    @Option(help: "Timed repeats.") var repeats = 7
    @Option(help: ArgumentHelp("Matrix sizes, separated by commas (default: 512,1024,2048).", valueName: "n,n,…"), transform: GemmCommand.sizes)
    var sizes = [512, 1024, 2048]
    @Option(help: "Seed of the random matrices.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Not read by gemm; accepted so scripts can pass every workload the same flags.",
                               valueName: "dir"))
    var data = "../shared/data/mnist"

    static func sizes(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--sizes needs positive integers separated by commas, got '\(text)'.")
        }
        return parts.map { $0! }
    }

    func validate() throws { try require(repeats, atLeast: 1, "--repeats") }

    func run() throws {
        try Options(threads: threads.threads, repeats: repeats, sizes: sizes, seed: seed).run("gemm", GemmBench.run)
    }
}

struct MLPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlp",
        abstract: "784-256-10 classifier, Adam 1e-3, batch 128, on MNIST: s/epoch and test accuracy.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Epochs to train.") var epochs = 5
    @Option(help: "Epochs to train (the older name; wins over --epochs).") var repeats: Int?
    @Option(help: "Seed of the weights and the shuffling.") var seed: UInt64 = 1

    func validate() throws {
        try require(epochs, atLeast: 1, "--epochs")
        if let repeats { try require(repeats, atLeast: 1, "--repeats") }
    }

    func run() throws {
        try Options(threads: threads.threads, repeats: repeats, data: mnist.data, epochs: epochs, seed: seed)
            .run("mlp", MLPBench.run)
    }
}

struct TrainStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-step",
        abstract: "One training step of the deep autoencoder 784-1000-500-250-30-250-500-1000-784.",
        discussion: "GFLOP/s of the step and its ratio to sgemm on the same shapes.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Timed repeats.") var repeats = 7
    @Option(help: "Steps per repeat.") var steps = 20
    @Option(help: "Batch size.") var batch = 256
    @Option(help: "Seed of the weights, the batches and the reference GEMMs.") var seed: UInt64 = 1
    @Flag(help: "Time the steps only, no reference GEMMs (for perf or callgrind).") var profile = false

    func validate() throws {
        try require(repeats, atLeast: 1, "--repeats")
        try require(steps, atLeast: 1, "--steps")
        try require(batch, atLeast: 1, "--batch")
    }

    func run() throws {
        try Options(threads: threads.threads, repeats: repeats, data: mnist.data, steps: steps, batch: batch, seed: seed,
                    profile: profile).run("train-step", TrainStepBench.run)
    }
}

/// The flags of deep-ae and conv-ae.
struct AutoencoderFlags: ParsableArguments {
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Epochs to train.") var epochs = 5
    @Option(help: "Epochs to train (the older name; wins over --epochs).") var repeats: Int?
    @Option(help: "Seed of the weights and the shuffling.") var seed: UInt64 = 1
    @Option(help: "Reconstruction loss.") var loss = Autoencoder.Config.Loss.mse
    @Option(help: "Learning-rate schedule.") var schedule = LearningRateSchedule.constant
    @Option(help: "Weight initialisation.") var initializer = Initializer.pytorchDefault

    /// Validates, with `minimumEpochs` the fewest epochs the workload can run.
    func validate(minimumEpochs: Int) throws {
        try require(epochs, atLeast: minimumEpochs, "--epochs")
        if let repeats { try require(repeats, atLeast: minimumEpochs, "--repeats") }
    }

    var options: Options {
        Options(threads: threads.threads, repeats: repeats, data: mnist.data, epochs: epochs, seed: seed, loss: loss,
                schedule: schedule, initializer: initializer)
    }
}

struct DeepAutoencoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deep-ae",
        abstract: "The deep autoencoder of BENCHMARKS.md: s/epoch and test squared error per image.",
        discussion: "Also PCA with 30 components on the same metric; --epochs 0 runs that baseline alone.")

    @OptionGroup var flags: AutoencoderFlags

    func validate() throws { try flags.validate(minimumEpochs: 0) }

    func run() throws { try flags.options.run("deep-ae") { try AutoencoderBench.run($0, kind: .deep) } }
}

struct ConvAutoencoderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv-ae",
        abstract: "The convolutional autoencoder of BENCHMARKS.md: s/epoch and test squared error per image.")

    @OptionGroup var flags: AutoencoderFlags

    func validate() throws { try flags.validate(minimumEpochs: 1) }

    func run() throws { try flags.options.run("conv-ae") { try AutoencoderBench.run($0, kind: .conv) } }
}

BLASEnvironment.prepare()
LatentBench.main()
