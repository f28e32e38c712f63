import Foundation
import LatentIO
import LatentModels
import LatentNN

/// Everything that defines a VAE run; `run.json` in its folder (the field names of the runs made
/// before this type existed, so they still resume).
public struct VAERunSettings: RunSettingsFile, Equatable {
    public static let command = "train vae"
    /// The network and its prior.
    public var model: VAE.Config
    /// The optimisation.
    public var training: TrainingConfig
    /// The images it learns from and is tested on.
    public var data: MNISTSource
    /// Samples per test image for the importance-weighted NLL (0 skips it).
    public var iwaeSamples: Int
    /// Estimate the importance-weighted NLL on at most this many test images.
    public var iwaeLimit: Int?

    /// The settings of a run of `model` under `training` on `data`.
    public init(model: VAE.Config, training: TrainingConfig, data: MNISTSource, iwaeSamples: Int = 100,
                iwaeLimit: Int? = nil) {
        self.model = model
        self.training = training
        self.data = data
        self.iwaeSamples = iwaeSamples
        self.iwaeLimit = iwaeLimit
    }
}

/// The final figures of a VAE run (top level of its `metrics.json`), in nats per test image.
public struct VAEResults: Codable, Sendable {
    /// Images trained on and tested on.
    public var trainSamples: Int, testSamples: Int
    /// Trainable parameters of the model.
    public var parameters: Int
    /// Wall-clock time of the training loop (test evaluations and checkpoints included), and
    /// that time per epoch.
    public var trainSeconds: Double, secondsPerEpoch: Double
    /// The last epoch's test figures (one seeded code per image).
    public var testNegativeELBO: Double?, testReconstruction: Double?, testKL: Double?
    /// Latent dimensions whose posterior mean varies across the test images.
    public var activeUnits: Int
    /// The importance-weighted NLL of the first `iwaeImages` test images with `iwaeSamples`
    /// samples each; nil when skipped.
    public var iwaeNLL: Double?, iwaeSamples: Int?, iwaeImages: Int?
    /// Wall-clock time of the importance-weighted NLL (it can take longer than training).
    public var iwaeSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case trainSamples = "train_samples", testSamples = "test_samples", parameters, trainSeconds = "train_seconds",
             secondsPerEpoch = "seconds_per_epoch", testNegativeELBO = "test_negative_elbo",
             testReconstruction = "test_reconstruction", testKL = "test_kl", activeUnits = "active_units",
             iwaeNLL = "iwae_nll", iwaeSamples = "iwae_samples", iwaeImages = "iwae_images",
             iwaeSeconds = "iwae_seconds"
    }
}

/// What a VAE run leaves behind.
public struct VAEReport {
    /// Where the run wrote its files.
    public let folder: RunFolder
    /// The trained model.
    public let model: VAE
    /// What the run was asked to do.
    public let settings: VAERunSettings
    /// Per-epoch figures (see `VAETraining`).
    public let history: [[String: Double]]
    /// The final figures, as in `metrics.json`.
    public let results: VAEResults
    /// Wall-clock time from reading the data to the written files.
    public let seconds: Double

    /// The whole wall time, then where it went: training, the IWAE pass, and the rest (data,
    /// active units, pictures).
    var timeLine: String {
        let r = results, iwae = r.iwaeSeconds ?? 0
        var parts = ["\(formatDuration(r.trainSeconds)) training (\(String(format: "%.2f", r.secondsPerEpoch)) s/epoch)"]
        if r.iwaeSeconds != nil { parts.append("\(formatDuration(iwae)) IWAE") }
        parts.append("\(formatDuration(max(seconds - r.trainSeconds - iwae, 0))) data and pictures")
        return "\(formatDuration(seconds)): " + parts.joined(separator: ", ")
    }

    /// The summary people read.
    public var summary: [(String, String)] {
        let r = results
        var rows: [(String, String)] = [
            ("model", "\(settings.model.summary), \(r.parameters) parameters"),
            ("epochs", "\(settings.training.epochs)"),
            ("test −ELBO", String(format: "%.2f nats (reconstruction %.2f + KL %.2f)", r.testNegativeELBO ?? .nan,
                                  r.testReconstruction ?? .nan, r.testKL ?? .nan)),
        ]
        if let nll = r.iwaeNLL {
            rows.append(("test NLL (IWAE)", String(format: "%.2f nats, k = %d, %d images", nll, r.iwaeSamples ?? 0, r.iwaeImages ?? 0)))
        }
        return rows + [("active units", "\(r.activeUnits) of \(settings.model.latentSize)"),
                       ("time", timeLine),
                       ("output", folder.path)]
    }
}

/// Training a VAE into a run folder: the data, the loop, the active units and the
/// importance-weighted NLL, `metrics.json`, `loss.png` and the pictures of `VAEPictures`.
public enum VAEExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: VAERunSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> VAEReport {
        let began = Date()
        let (train, test, source) = try settings.data.load()
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        let (model, loop) = try VAETraining.run(model: settings.model, training: settings.training, train: train, test: test,
                                                runDirectory: folder.path, resume: resume, onEvent: log.event)
        let trainSeconds = Date().timeIntervalSince(started)
        let last = loop.history.last ?? [:]
        var results = VAEResults(
            trainSamples: train.count, testSamples: test.count, parameters: model.parameterCount, trainSeconds: trainSeconds,
            secondsPerEpoch: trainSeconds / Double(max(loop.history.count, 1)), testNegativeELBO: last["test_negative_elbo"],
            testReconstruction: last["test_reconstruction"], testKL: last["test_kl"],
            activeUnits: model.activeUnits(test.inputs).count)
        if settings.iwaeSamples > 0 {
            let n = min(settings.iwaeLimit ?? test.count, test.count)
            log.note("importance-weighted NLL: \(settings.iwaeSamples) samples × \(n) test images…")
            let iwaeStarted = Date()
            results.iwaeNLL = model.importanceWeightedNLL(test.inputs.rows(0..<n), samples: settings.iwaeSamples)
            results.iwaeSeconds = Date().timeIntervalSince(iwaeStarted)
            results.iwaeSamples = settings.iwaeSamples
            results.iwaeImages = n
        }
        try MetricsFile.write(RunMetrics(command: VAERunSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        try TrainingCurves.write(loop.history, keys: ["train_negative_elbo", "test_negative_elbo", "test_reconstruction", "test_kl"],
                                 names: ["train_negative_elbo": "train −ELBO", "test_negative_elbo": "test −ELBO",
                                         "test_reconstruction": "test reconstruction", "test_kl": "test KL"],
                                 title: "VAE: negative ELBO per image (nats)", yLabel: "nats", to: folder.file("loss.png"))
        try VAEPictures.write(model, test: test, seed: settings.model.seed, to: folder.path)
        return VAEReport(folder: folder, model: model, settings: settings, history: loop.history, results: results,
                         seconds: Date().timeIntervalSince(began))
    }
}
