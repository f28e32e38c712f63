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

    @Option(help: ArgumentHelp("Output folder (default: runs/classifier-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if hiddenSizes() == nil { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'.") }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
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
        var modelConfig = Classifier.Config(inputSize: 784, hidden: hiddenSizes() ?? [256], classes: 10)
        modelConfig.activation = activation
        modelConfig.dropout = dropout
        modelConfig.initializer = initializer
        modelConfig.seed = compute.seed
        var trainingConfig = training.config(seed: compute.seed)
        var dataSource = dataOptions.source
        let dir: String
        if let resume {
            // The run's own settings win: they are what the checkpoint was made with.
            let saved = try RunSettings.read(runDirectory: resume)
            modelConfig = saved.model
            trainingConfig = saved.training
            dataSource = saved.data
            dir = resume
        } else {
            dir = try RunDirectory.make(out, name: "classifier")
        }
        let (train, test, source) = try dataSource.load()
        progress.note("data: \(source): \(train.count) train, \(test.count) test")
        let settings = RunSettings(model: modelConfig, training: trainingConfig, data: dataSource)
        try settings.write(runDirectory: dir)
        let started = Date()
        let (model, trainer) = try ClassifierTraining.run(
            model: modelConfig, training: trainingConfig, train: train, test: test, runDirectory: dir,
            resume: resume != nil, onEvent: progress.update)
        let accuracy = trainer.history.last?["test_accuracy"] ?? model.accuracy(test.inputs, labels: test.labels!)
        try RunReport.writeMetrics(command: "train classifier", settings: settings, history: trainer.history,
                                   final: ["test_accuracy": accuracy, "train_samples": Double(train.count),
                                           "test_samples": Double(test.count), "parameters": Double(model.parameterCount)],
                                   to: dir)
        try RunReport.writeLossPlot(history: trainer.history, keys: ["train_loss"], title: "Classifier training loss", to: dir + "/loss.png")
        print(summaryTable([
            ("model", "MLP \(([modelConfig.inputSize] + modelConfig.hidden + [modelConfig.classes]).map(String.init).joined(separator: "-")), \(model.parameterCount) parameters"),
            ("epochs", "\(trainingConfig.epochs)"),
            ("final train loss", format(trainer.history.last?["train_loss"] ?? .nan)),
            ("test accuracy", String(format: "%.2f %%", accuracy * 100)),
            ("time", duration(Date().timeIntervalSince(started))),
            ("output", dir),
        ]))
    }
}

/// Everything needed to rebuild a classifier run: written to `run.json` in the run folder.
struct RunSettings: Codable {
    var model: Classifier.Config
    var training: TrainingConfig
    var data: MNISTSource

    func write(runDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(String(decoding: try encoder.encode(self), as: UTF8.self), to: runDirectory + "/run.json")
    }

    static func read(runDirectory: String) throws -> RunSettings {
        let path = runDirectory + "/run.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("\(path): missing; --resume needs a run folder made by `latent train classifier`")
        }
        do { return try JSONDecoder().decode(RunSettings.self, from: data) } catch {
            throw CLIError("\(path): unreadable run settings: \(error)")
        }
    }
}
