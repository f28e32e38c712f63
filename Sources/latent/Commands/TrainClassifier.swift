import ArgumentParser
import Foundation
import Latent

/// `latent train classifier`: an MLP on MNIST (default 784-256-10, Adam 1e-3, batch 128).
struct TrainClassifier: ParsableCommand {
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

    @Option(help: "Hidden layer sizes, comma-separated (e.g. 512,256).")
    var hidden: String = "256"

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

    @Option(help: ArgumentHelp("Output folder (default: runs/classifier-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if hiddenSizes() == nil { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'.") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
        if let n = labels, n < 1 { throw ValidationError("--labels must be positive, got \(n).") }
        if (freezeEncoder || randomEncoder) && initFrom == nil { throw ValidationError("--freeze-encoder and --random-encoder need --init-from.") }
        if resume != nil && out != nil { throw ValidationError("--resume continues in its own folder; do not pass --out with it.") }
    }

    func hiddenSizes() -> [Int]? {
        let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: quiet)
        let settings: RunSettings<ClassifierModelConfig>
        let dir: String
        if let resume {
            // The run's own settings win: they are what the checkpoint was made with.
            settings = try RunSettings.read(runDirectory: resume, command: "train classifier")
            dir = resume
        } else {
            settings = RunSettings(model: try modelConfig(), training: training.config(seed: compute.seed),
                                   data: dataOptions.source, labels: labels)
            dir = try RunDirectory.make(out, name: "classifier")
        }
        var (train, test, source) = try settings.data.load()
        train = train.randomSubset(settings.labels, seed: settings.training.seed)
        progress.note("data: \(source): \(train.count) train, \(test.count) test")
        try settings.write(runDirectory: dir)
        let started = Date()
        let model: any LabelPredictor
        let trainer: TrainingLoop
        switch settings.model {
        case .mlp(let config):
            (model, trainer) = try ClassifierTraining.run(model: config, training: settings.training, train: train, test: test,
                                                          runDirectory: dir, resume: resume != nil, onEvent: progress.update)
        case .encoder(let config):
            let m = try encoderClassifier(config, resuming: resume != nil)
            model = m
            trainer = try ClassifierTraining.fit(m, training: settings.training,
                                                 train: train, test: test, runDirectory: dir, resume: resume != nil,
                                                 onEvent: progress.update)
        }
        let accuracy = trainer.history.last?["test_accuracy"] ?? model.accuracy(test.inputs, labels: test.labels ?? [])
        try RunReport.writeMetrics(command: "train classifier", settings: settings, history: trainer.history,
                                   final: ["test_accuracy": accuracy, "train_samples": Double(train.count),
                                           "test_samples": Double(test.count), "parameters": Double(model.parameterCount)],
                                   to: dir)
        try RunReport.writeLossPlot(history: trainer.history, keys: ["train_loss"], title: "Classifier training loss", to: dir + "/loss.png")
        print(summaryTable([
            ("model", settings.model.summary + ", \(model.parameterCount) parameters"),
            ("labelled images", "\(train.count)"),
            ("epochs", "\(settings.training.epochs)"),
            ("final train loss", format(trainer.history.last?["train_loss"] ?? .nan)),
            ("test accuracy", String(format: "%.2f %%", accuracy * 100)),
            ("time", duration(Date().timeIntervalSince(started))),
            ("output", dir),
        ]))
    }

    /// The model the flags describe.
    func modelConfig() throws -> ClassifierModelConfig {
        if let initFrom {
            let autoencoder = try Autoencoder.load(path: initFrom)
            guard autoencoder.config.inputSize == 784 else {
                throw CLIError("\(initFrom): its encoder takes \(autoencoder.config.inputSize) inputs, MNIST has 784")
            }
            var config = EncoderClassifier.Config(autoencoder: autoencoder.config, classes: 10,
                                                  freezeEncoder: freezeEncoder, seed: compute.seed)
            config.pretrained = randomEncoder ? nil : initFrom
            return .encoder(config)
        }
        var config = Classifier.Config(inputSize: 784, hidden: hiddenSizes() ?? [256], classes: 10)
        config.activation = activation
        config.dropout = dropout
        config.initializer = initializer
        config.seed = compute.seed
        return .mlp(config)
    }

    /// An encoder classifier: pretrained weights from `config.pretrained` (unless resuming, when
    /// the checkpoint supplies every weight), random otherwise.
    func encoderClassifier(_ config: EncoderClassifier.Config, resuming: Bool) throws -> EncoderClassifier {
        guard let path = config.pretrained, !resuming else { return try EncoderClassifier(config) }
        return try EncoderClassifier(pretrained: try Autoencoder.load(path: path), path: path, classes: config.classes,
                                     freezeEncoder: config.freezeEncoder, seed: config.seed)
    }
}

/// The two classifier shapes `latent train classifier` makes.
enum ClassifierModelConfig: Codable {
    case mlp(Classifier.Config)
    case encoder(EncoderClassifier.Config)

    var summary: String {
        switch self {
        case .mlp(let c): "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-")
        case .encoder(let c):
            "encoder of \(c.autoencoder.summary) + linear head" + (c.pretrained == nil ? " (random init)" : " (pretrained)")
                + (c.freezeEncoder ? ", encoder frozen" : "")
        }
    }
}
