import Foundation
import LatentIO
import LatentModels
import LatentNN

/// Everything that defines a GAN run; `run.json` in its folder (the field names of the runs made
/// before this type existed, so they still resume).
public struct GANRunSettings: RunSettingsFile, Equatable {
    public static let command = "train gan"
    /// The two networks.
    public var model: GAN.Config
    /// The adversarial optimisation.
    public var training: GANTrainingConfig
    /// The real images (the training set) and the images samples are compared with (the test set).
    public var data: MNISTSource
    /// The classifier whose features measure the samples; nil: train `MeasuringClassifier`'s
    /// recipe into the run's `classifier` folder (the run then records its path here).
    public var classifier: String?
    /// Samples measured after each epoch.
    public var evalSamples: Int

    /// The settings of a run of `model` under `training` on `data`.
    public init(model: GAN.Config, training: GANTrainingConfig, data: MNISTSource, classifier: String? = nil,
                evalSamples: Int = 10_000) {
        self.model = model
        self.training = training
        self.data = data
        self.classifier = classifier
        self.evalSamples = evalSamples
    }
}

/// The final figures of a GAN run (top level of its `metrics.json`); the Fréchet figures exist
/// when the run was measured.
public struct GANResults: Codable, Sendable {
    /// Trainable parameters of each network.
    public var generatorParameters: Int, discriminatorParameters: Int
    /// The Fréchet distance at initialisation and after the last epoch.
    public var initialFrechetDistance: Double?, finalFrechetDistance: Double?
    /// Initial over final Fréchet distance.
    public var frechetImprovement: Double?
    /// The smallest share of any digit among the last epoch's samples.
    public var finalMinClassShare: Double?

    enum CodingKeys: String, CodingKey {
        case generatorParameters = "generator_parameters", discriminatorParameters = "discriminator_parameters",
             initialFrechetDistance = "initial_frechet_distance", finalFrechetDistance = "final_frechet_distance",
             frechetImprovement = "frechet_improvement", finalMinClassShare = "final_min_class_share"
    }

    /// The results of a finished run.
    init(_ run: GANTraining.Run) {
        generatorParameters = run.gan.generator.parameterCount
        discriminatorParameters = run.gan.discriminator.parameterCount
        if let first = run.history.first?["frechet_distance"], let last = run.history.last?["frechet_distance"] {
            initialFrechetDistance = first
            finalFrechetDistance = last
            frechetImprovement = first / last
        }
        finalMinClassShare = run.history.last?["min_class_share"]
    }
}

/// What a GAN run leaves behind.
public struct GANReport {
    /// Where the run wrote its files.
    public let folder: RunFolder
    /// The trained networks, their step function and loop.
    public let run: GANTraining.Run
    /// The settings, with the classifier the run was measured with.
    public let settings: GANRunSettings
    /// The final figures, as in `metrics.json`.
    public let results: GANResults
    /// Wall-clock time from the loaded data to the written files.
    public let seconds: Double

    /// Per-epoch figures (entry 0: at initialisation).
    public var history: [[String: Double]] { run.history }

    /// The summary people read.
    public var summary: [(String, String)] {
        let t = settings.training
        let first = history.first?["frechet_distance"] ?? .nan, last = history.last?["frechet_distance"] ?? .nan
        return [
            ("model", run.gan.summary),
            ("parameters", "generator \(results.generatorParameters), discriminator \(results.discriminatorParameters)"),
            ("epochs", "\(t.epochs) (k = \(t.discriminatorSteps), m = \(t.generatorSteps), \(t.loss.rawValue) loss)"),
            ("Fréchet distance", String(format: "%.3f at initialisation → %.3f (%.1f× lower; classifier features)", first, last, first / last)),
            ("digit shares", GANReport.shares(history.last ?? [:])),
            ("time", formatDuration(seconds)),
            ("output", folder.path),
        ]
    }

    /// One line per epoch for people: losses, the discriminator's accuracy, the measurements.
    public static func line(_ f: [String: Double], epochs: Int) -> String {
        let epoch = Int(f["epoch"] ?? 0)
        var parts = [epoch == 0 ? "initialisation" : "epoch \(epoch)/\(epochs)"]
        if let d = f["d_loss"], let g = f["g_loss"] { parts.append(String(format: "d_loss %.4f  g_loss %.4f", d, g)) }
        if let r = f["d_accuracy_real"], let k = f["d_accuracy_fake"] { parts.append(String(format: "D acc real %.3f fake %.3f", r, k)) }
        if let fd = f["frechet_distance"] { parts.append(String(format: "Fréchet %.3f", fd)) }
        if let m = f["min_class_share"] { parts.append(String(format: "min class share %.1f %%", m * 100)) }
        if let t = f["train_seconds"] { parts.append("[\(formatDuration(t))]") }
        return parts.joined(separator: "  ")
    }

    /// "0: 9.8  1: 11.2 … %" from an epoch's class shares.
    public static func shares(_ f: [String: Double]) -> String {
        (0..<10).compactMap { k in f["class_share_\(k)"].map { String(format: "%d: %.1f", k, $0 * 100) } }
            .joined(separator: "  ") + " %"
    }
}

/// Training a GAN into a run folder, measured after every epoch: the measuring classifier, the
/// loop, `metrics.json`, `loss.png`, `frechet.png` and the pictures of `GANPictures`.
public enum GANExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`, and rewrites
    /// its `run.json` with the classifier it is measured with. Sample pictures are recorded at
    /// initialisation, after the last epoch and after every `picturesEvery`-th.
    public static func run(_ settings: GANRunSettings, in folder: RunFolder, resume: Bool = false, picturesEvery: Int = 1,
                           log: ExperimentLog = .silent) throws -> GANReport {
        let (train, test, source) = try settings.data.load()
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        var settings = settings
        let classifier = try MeasuringClassifier.path(given: settings.classifier, trainingInto: try folder.subfolder("classifier"),
                                                      data: settings.data, seed: settings.model.seed, log: log)
        settings.classifier = classifier
        try settings.write(to: folder)
        let quality = try SampleQuality(classifier: try Classifier.load(path: classifier), realImages: test.inputs)
        let pictures = try GANPictures(folder: folder)
        let epochs = settings.training.epochs
        let run = try GANTraining.run(
            model: settings.model, training: settings.training, train: train, quality: quality,
            evaluationSamples: settings.evalSamples, runDirectory: folder.path, resume: resume,
            afterEpoch: { epoch, run in
                if epoch == 0 || epoch == epochs || epoch % max(picturesEvery, 1) == 0 { try pictures.record(epoch: epoch, run: run) }
                if let figures = run.history.last { log.note(GANReport.line(figures, epochs: epochs)) }
            },
            // The epoch's line above replaces the generic end-of-epoch summary.
            onEvent: { if $0.epochSummary == nil { log.event($0) } })
        let results = GANResults(run)
        try MetricsFile.write(RunMetrics(command: GANRunSettings.command, settings: settings, epochs: run.history,
                                         results: results), to: folder.file("metrics.json"))
        try TrainingCurves.write(run.history, keys: ["d_loss", "g_loss"], names: ["d_loss": "discriminator", "g_loss": "generator"],
                                 title: "GAN losses per epoch", to: folder.file("loss.png"))
        try TrainingCurves.write(run.history, keys: ["frechet_distance"], names: ["frechet_distance": "Fréchet distance"],
                                 title: "Fréchet distance (classifier features)", yLabel: "distance", logY: true,
                                 to: folder.file("frechet.png"))
        return GANReport(folder: folder, run: run, settings: settings, results: results, seconds: Date().timeIntervalSince(started))
    }
}
