import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// Where an RBM's data comes from and how it is prepared; part of the run's settings.
public struct RBMData: Codable, Sendable, Equatable {
    /// MNIST (ignored when `trainNPY` is set).
    public var mnist: MNISTSource
    /// Rows `[N, D]` of an .npy file instead of MNIST, and optionally a test set of the same width
    /// (without one, the last tenth of the rows is held out).
    public var trainNPY: String?
    public var testNPY: String?
    /// Pixels > 0.5 become 1, the rest 0 (the `rbm` benchmark's data).
    public var binarize = false
    /// Each column standardised to mean 0 and variance 1 over the training rows (what Gaussian
    /// visible units with unit variance assume).
    public var standardize = false

    public init(mnist: MNISTSource = MNISTSource(), trainNPY: String? = nil, testNPY: String? = nil,
                binarize: Bool = false, standardize: Bool = false) {
        self.mnist = mnist
        self.trainNPY = trainNPY
        self.testNPY = testNPY
        self.binarize = binarize
        self.standardize = standardize
    }

    /// The prepared train and test rows, and where they came from.
    public func load() throws -> (train: Dataset, test: Dataset, source: String) {
        var train: Tensor, test: Tensor, source: String
        if let trainNPY {
            let rows = try Self.matrix(trainNPY)
            if let testNPY {
                train = rows
                test = try Self.matrix(testNPY)
                guard test.shape[1] == train.shape[1] else {
                    throw ExperimentError("\(testNPY): rows of \(test.shape[1]) values, the training rows (\(trainNPY)) have \(train.shape[1])")
                }
            } else {
                let held = Swift.max(1, rows.shape[0] / 10)
                guard rows.shape[0] > held else { throw ExperimentError("\(trainNPY): \(rows.shape[0]) rows, too few to hold out a test set") }
                train = rows.rows(0..<(rows.shape[0] - held))
                test = rows.rows((rows.shape[0] - held)..<rows.shape[0])
            }
            source = trainNPY + (testNPY.map { ", test " + $0 } ?? " (last tenth held out)")
        } else {
            let (mnistTrain, mnistTest, mnistSource) = try mnist.load()
            (train, test, source) = (mnistTrain.inputs, mnistTest.inputs, mnistSource)
        }
        // Checked before any arithmetic, so the message names the file's own row.
        for (rows, name) in [(train, trainNPY ?? "the training data"), (test, testNPY ?? trainNPY ?? "the test data")] {
            if let bad = rows.scalars.firstIndex(where: { !$0.isFinite }) {
                throw ExperimentError("\(name): row \(bad / rows.shape[1]), column \(bad % rows.shape[1]) is \(rows.scalars[bad]); values must be finite")
            }
        }
        if binarize {
            train = train.map { $0 > 0.5 ? 1 : 0 }
            test = test.map { $0 > 0.5 ? 1 : 0 }
        }
        if standardize {
            let mean = train.mean(axis: 0)
            let spread = (train - mean).map { $0 * $0 }.mean(axis: 0).map { Swift.max($0.squareRoot(), 1e-3) }
            train = (train - mean) / spread
            test = (test - mean) / spread
        }
        return (Dataset(inputs: train), Dataset(inputs: test), source)
    }

    /// A 2-D float array from an .npy file; anything else is an error naming the file.
    static func matrix(_ path: String) throws -> Tensor {
        let array = try NPY.read(path: path)
        guard array.tensor.rank == 2, array.tensor.shape[0] > 0, array.tensor.shape[1] > 0 else {
            throw ExperimentError("\(path): an array of shape \(array.shape); an RBM needs rows [N, D]")
        }
        return array.tensor
    }
}

/// Everything that defines an RBM run; `run.json` in its folder.
public struct RBMRunSettings: RunSettingsFile, Equatable {
    public static let command = "train rbm"
    public var model: RBM.Config
    public var training: RBMTrainingConfig
    public var data: RBMData
    /// Annealed importance sampling after training (binary units only; nil: none).
    public var ais: RBMAnnealedImportanceSampling.Settings?
    /// Gibbs steps of the fantasy particles in `samples.png`.
    public var sampleSteps = 1000

    public init(model: RBM.Config, training: RBMTrainingConfig, data: RBMData,
                ais: RBMAnnealedImportanceSampling.Settings? = nil, sampleSteps: Int = 1000) {
        self.model = model
        self.training = training
        self.data = data
        self.ais = ais
        self.sampleSteps = sampleSteps
    }
}

extension RBMAnnealedImportanceSampling {
    /// The AIS settings a run stores.
    public struct Settings: Codable, Sendable, Equatable {
        public var runs: Int
        public var steps: Int

        public init(runs: Int = 100, steps: Int = 14_500) {
            self.runs = runs
            self.steps = steps
        }
    }
}

/// The final figures of an RBM run (top level of its `metrics.json`).
public struct RBMResults: Codable, Sendable {
    public var testReconstructionError: Double?
    public var testFreeEnergy: Double?
    public var testPseudoLikelihood: Double?
    /// log Z by AIS, its standard error, and the test log-likelihood it gives.
    public var logPartition: Double?
    public var logPartitionStandardError: Double?
    public var testLogLikelihood: Double?
    /// log Z by enumerating the hidden states (small hidden layers only).
    public var exactLogPartition: Double?
    public var trainSeconds: Double
    public var parameters: Int

    enum CodingKeys: String, CodingKey {
        case testReconstructionError = "test_reconstruction_error", testFreeEnergy = "test_free_energy",
             testPseudoLikelihood = "test_pseudo_likelihood", logPartition = "log_z_ais",
             logPartitionStandardError = "log_z_ais_standard_error", testLogLikelihood = "test_log_likelihood",
             exactLogPartition = "log_z_exact", trainSeconds = "train_seconds", parameters
    }
}

/// What an RBM run leaves behind.
public struct RBMReport {
    public let folder: RunFolder
    public let rbm: RBM
    public let settings: RBMRunSettings
    public let history: [[String: Double]]
    public let results: RBMResults

    /// The summary people read.
    public var summary: [(String, String)] {
        let t = settings.training
        var rows = [("model", rbm.summary + ", \(results.parameters) parameters"),
                    ("training", (t.persistent ? "PCD" : "CD") + "-\(t.gibbsSteps), \(t.epochs) epochs, batch \(t.batchSize), lr \(t.learningRate)")]
        if let r = results.testReconstructionError { rows.append(("test reconstruction error", formatFigure(r) + " per example")) }
        if let p = results.testPseudoLikelihood { rows.append(("test pseudo-likelihood", formatFigure(p))) }
        if let ll = results.testLogLikelihood, let z = results.logPartition, let se = results.logPartitionStandardError {
            rows.append(("test log-likelihood (AIS)", formatFigure(ll) + String(format: " nats (log Z %.2f ± %.2f)", z, se)))
        }
        if let z = results.exactLogPartition { rows.append(("log Z exact", formatFigure(z))) }
        return rows + [("train time", formatDuration(results.trainSeconds)), ("output", folder.path)]
    }
}

/// Training an RBM into a run folder: `metrics.json`, `curves.png`, `filters.png`,
/// `reconstructions.png`, `samples.png`, and the model file.
public enum RBMExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: RBMRunSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> RBMReport {
        let (train, test, source) = try settings.data.load()
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        var model = settings.model
        model.visible = train.inputs.shape[1]
        let (rbm, loop) = try RBMTraining.run(model: model, training: settings.training, train: train, test: test,
                                              runDirectory: folder.path, resume: resume, onEvent: log.event)
        let last = loop.history.last ?? [:]
        var results = RBMResults(testReconstructionError: last["test_reconstruction_error"], testFreeEnergy: last["test_free_energy"],
                                 testPseudoLikelihood: last["test_pseudo_likelihood"],
                                 trainSeconds: loop.history.reduce(0) { $0 + ($1["train_seconds"] ?? 0) },
                                 parameters: rbm.parameterCount)
        results.exactLogPartition = rbm.exactLogPartition()
        if let ais = settings.ais {
            log.note("annealed importance sampling: \(ais.runs) runs × \(ais.steps) steps")
            let sampler = RBMAnnealedImportanceSampling(runs: ais.runs, steps: ais.steps, seed: settings.training.seed)
            if let estimate = sampler.estimate(rbm, data: train.inputs) {
                results.logPartition = estimate.logPartition
                results.logPartitionStandardError = estimate.standardError
                results.testLogLikelihood = rbm.meanLogLikelihood(test.inputs, logPartition: estimate.logPartition)
            }
        }
        try MetricsFile.write(RunMetrics(command: RBMRunSettings.command, settings: settings, epochs: loop.history, results: results),
                              to: folder.file("metrics.json"))
        try TrainingCurves.write(loop.history, keys: ["test_reconstruction_error", "reconstruction_error"],
                                 names: ["reconstruction_error": "train (CD's first step)", "test_reconstruction_error": "test"],
                                 title: "RBM reconstruction error per example", yLabel: "squared error", to: folder.file("curves.png"))
        try RBMPictures.write(rbm, test: test.inputs, gibbsSteps: settings.sampleSteps, seed: settings.training.seed, to: folder.path)
        return RBMReport(folder: folder, rbm: rbm, settings: settings, history: loop.history, results: results)
    }
}
