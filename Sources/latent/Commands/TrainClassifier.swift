import ArgumentParser
import Foundation
import Latent

/// `latent train classifier`: an MLP on MNIST (default 784-256-10, Adam 1e-3, batch 128).
struct TrainClassifier: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train an MLP classifier on MNIST.",
        discussion: """
            Writes into --out: model.safetensors (the weights, PyTorch names, config in metadata), \
            checkpoint.safetensors (everything needed for --resume), metrics.json and loss.png. \
            After a crash or kill, `latent train classifier --resume DIR` continues from the last \
            finished epoch and ends with the same weights as an uninterrupted run.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: "Hidden layer sizes, comma-separated (e.g. 512,256).")
    var hidden = ListArgument([256])

    @Option(help: "Hidden activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: Activation = .relu

    @Option(help: "Dropout probability after each hidden layer.")
    var dropout: Float = 0

    @Option(help: "Weight initialisation: \(Initializer.allCases.map(\.rawValue).joined(separator: ", ")).")
    var initializer: Initializer = .pytorchDefault

    @Option(help: ArgumentHelp("Start from the encoder of this trained autoencoder (model.safetensors of `latent train autoencoder`) with a linear head on its code.", valueName: "checkpoint"))
    var initFrom: String?

    @Flag(help: "With --init-from: train only the head, keep the encoder fixed.")
    var freezeEncoder = false

    @Flag(help: "With --init-from's shape but random weights: the baseline that shows what pretraining adds.")
    var randomEncoder = false

    @Option(help: "Train on only this many labelled images (a seeded random subset).")
    var labels: Int?

    func validate() throws {
        if !hidden.allPositive { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden.defaultValueDescription)'.") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
        if let n = labels, n < 1 { throw ValidationError("--labels must be positive, got \(n).") }
        if (freezeEncoder || randomEncoder) && initFrom == nil { throw ValidationError("--freeze-encoder and --random-encoder need --init-from.") }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try ClassifierRunSettings.start(
            fresh: ClassifierRunSettings(model: try modelConfig(), training: training.config(seed: compute.seed),
                                         data: dataOptions.source, labels: labels),
            out: output.out, resume: output.resume, name: "classifier")
        let report = try ClassifierExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }

    /// The model the flags describe.
    func modelConfig() throws -> ClassifierModelConfig {
        if let initFrom {
            return try .pretrained(initFrom, inputSize: 784, classes: 10, freezeEncoder: freezeEncoder,
                                   random: randomEncoder, seed: compute.seed)
        }
        var config = Classifier.Config(inputSize: 784, hidden: hidden.values, classes: 10)
        config.activation = activation
        config.dropout = dropout
        config.initializer = initializer
        config.seed = compute.seed
        return .mlp(config)
    }
}
