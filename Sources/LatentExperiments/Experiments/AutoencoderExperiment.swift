import Foundation
import LatentIO
import LatentModels
import LatentNN

/// Everything that defines an autoencoder run; `run.json` in its folder (the field names of the
/// runs made before this type existed, so they still resume).
public struct AutoencoderRunSettings: RunSettingsFile, Equatable {
    public static let command = "train autoencoder"
    /// The network.
    public var model: Autoencoder.Config
    /// The optimisation.
    public var training: TrainingConfig
    /// The images it learns from and is tested on.
    public var data: MNISTSource
    /// The DBN whose unrolled stack gives the starting weights (nil: random initialisation).
    public var initFrom: String?

    /// The settings of a run of `model` under `training` on `data`.
    public init(model: Autoencoder.Config, training: TrainingConfig, data: MNISTSource, initFrom: String? = nil) {
        self.model = model
        self.training = training
        self.data = data
        self.initFrom = initFrom
    }
}

/// The final figures of an autoencoder run (top level of its `metrics.json`): the last epoch's
/// test figures and the code statistics, which exist only for the kinds that report them.
public struct AutoencoderResults: Codable, Sendable {
    /// Squared error per test image, summed over pixels, clean input.
    public var testSquaredError: Double?
    /// The reconstruction term of the configured loss on the clean test images.
    public var testLoss: Double?
    /// Denoising: the squared error of corrupted test inputs against the clean images.
    public var testSquaredErrorNoisy: Double?
    /// Sparse or non-linear codes: the mean code activation on the test images.
    public var codeMeanActivation: Double?
    /// Sparse or non-linear codes: the share of test code values below 0.05.
    public var codeNearZeroFraction: Double?
    /// Trainable parameters of the model.
    public var parameters: Int

    enum CodingKeys: String, CodingKey {
        case testSquaredError = "test_squared_error", testLoss = "test_loss",
             testSquaredErrorNoisy = "test_squared_error_noisy", codeMeanActivation = "code_mean_activation",
             codeNearZeroFraction = "code_near_zero_fraction", parameters
    }

    /// The results in the last entry of a run's history.
    init(last: [String: Double], parameters: Int) {
        testSquaredError = last["test_squared_error"]
        testLoss = last["test_loss"]
        testSquaredErrorNoisy = last["test_squared_error_noisy"]
        codeMeanActivation = last["code_mean_activation"]
        codeNearZeroFraction = last["code_near_zero_fraction"]
        self.parameters = parameters
    }
}

/// What an autoencoder run leaves behind.
public struct AutoencoderReport {
    /// Where the run wrote its files.
    public let folder: RunFolder
    /// The trained model.
    public let model: Autoencoder
    /// What the run was asked to do.
    public let settings: AutoencoderRunSettings
    /// Per-epoch figures (see `AutoencoderTraining.run`).
    public let history: [[String: Double]]
    /// The final figures, as in `metrics.json`.
    public let results: AutoencoderResults
    /// Wall-clock time from the loaded data to the written files.
    public let seconds: Double

    /// The summary people read.
    public var summary: [(String, String)] {
        var rows: [(String, String)] = [
            ("model", settings.model.summary + ", \(results.parameters) parameters"),
            ("epochs", "\(settings.training.epochs)"),
            ("final train loss", formatFigure(history.last?["train_loss"] ?? .nan)),
            ("test squared error", formatFigure(results.testSquaredError ?? .nan) + " per image (sum over 784 pixels)"),
        ]
        if let noisy = results.testSquaredErrorNoisy { rows.append(("test error, noisy input", formatFigure(noisy))) }
        if let near = results.codeNearZeroFraction {
            rows.append(("code sparsity", String(format: "%.1f %% of code values < 0.05, mean activation %.3f",
                                                 near * 100, results.codeMeanActivation ?? .nan)))
        }
        return rows + [("time", formatDuration(seconds)), ("output", folder.path)]
    }
}

/// Training an autoencoder into a run folder: the data, the loop, `metrics.json`, `loss.png`,
/// `reconstructions.png` and `filters.png`.
public enum AutoencoderExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: AutoencoderRunSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> AutoencoderReport {
        let (train, test, source) = try settings.data.load()
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        // A resumed run takes its weights from the checkpoint; a fresh one from the DBN.
        let initial = try settings.initFrom.flatMap { resume ? nil : try DBN.load(path: $0).unrolledAutoencoder() }
        let (model, loop) = try AutoencoderTraining.run(model: settings.model, training: settings.training, train: train,
                                                        test: test, runDirectory: folder.path, resume: resume,
                                                        initial: initial, onEvent: log.event)
        let results = AutoencoderResults(last: loop.history.last ?? [:], parameters: model.parameterCount)
        try MetricsFile.write(RunMetrics(command: AutoencoderRunSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        // The two curves measure different things when training adds a penalty or corrupts its
        // inputs; the legend says so, or a sparse model's train curve would look like overfitting.
        var trainName = "train objective"
        if settings.model.sparsity != .none { trainName += " (with sparsity penalty)" }
        if settings.model.corruption != .none { trainName += " (corrupted inputs)" }
        try TrainingCurves.write(loop.history, keys: ["train_loss", "test_loss"],
                                 names: ["train_loss": trainName, "test_loss": "test reconstruction loss"],
                                 title: "Autoencoder loss per image: \(settings.model.summary)", to: folder.file("loss.png"))
        try AutoencoderPictures.write(model, test: test.inputs, to: folder.path)
        return AutoencoderReport(folder: folder, model: model, settings: settings, history: loop.history,
                                 results: results, seconds: Date().timeIntervalSince(started))
    }
}
