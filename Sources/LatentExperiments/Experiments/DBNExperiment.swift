import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// Everything that defines a DBN run; `run.json` in its folder.
public struct DBNRunSettings: RunSettingsFile, Equatable {
    public static let command = "train dbn"
    public var model: DBN.Config
    /// Each layer's training (its seed offset by the layer index).
    public var training: RBMTrainingConfig
    /// The learning rate of layers with Gaussian or linear units.
    public var linearLearningRate: Float
    public var data: RBMData

    public init(model: DBN.Config, training: RBMTrainingConfig, linearLearningRate: Float = 0.001, data: RBMData) {
        self.model = model
        self.training = training
        self.linearLearningRate = linearLearningRate
        self.data = data
    }
}

/// The final figures of a DBN run: each layer's last test figures.
public struct DBNResults: Codable, Sendable {
    public struct Layer: Codable, Sendable {
        public var summary: String
        public var testReconstructionError: Double?
        public var testPseudoLikelihood: Double?
        public var trainSeconds: Double

        enum CodingKeys: String, CodingKey {
            case summary, testReconstructionError = "test_reconstruction_error",
                 testPseudoLikelihood = "test_pseudo_likelihood", trainSeconds = "train_seconds"
        }
    }

    public var layers: [Layer]
    public var trainSeconds: Double
    public var parameters: Int

    enum CodingKeys: String, CodingKey { case layers, trainSeconds = "train_seconds", parameters }
}

/// What a DBN run leaves behind.
public struct DBNReport {
    public let folder: RunFolder
    public let dbn: DBN
    public let settings: DBNRunSettings
    public let results: DBNResults

    /// The summary people read.
    public var summary: [(String, String)] {
        var rows = [("model", dbn.summary + ", \(results.parameters) parameters")]
        for (i, layer) in results.layers.enumerated() {
            rows.append(("layer \(i + 1)", layer.summary + ": test reconstruction error "
                         + formatFigure(layer.testReconstructionError ?? .nan) + ", " + formatDuration(layer.trainSeconds)))
        }
        return rows + [("train time", formatDuration(results.trainSeconds)), ("output", folder.path),
                       ("next", "latent train autoencoder --init-from \(folder.modelPath)  (or train classifier)")]
    }
}

/// Greedy layer-wise training of a DBN into a run folder: `rbm-1/`, `rbm-2/`, … (each an RBM
/// run with checkpoints), `model.safetensors` (the stack), `metrics.json` and `filters.png`.
public enum DBNExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: DBNRunSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> DBNReport {
        let (train, test, source) = try settings.data.load()
        let layers = settings.model.layers
        guard layers.first == train.inputs.shape[1] else {
            throw ExperimentError("the layer list \(layers.map(String.init).joined(separator: ",")) does not chain: it starts at \(layers.first ?? 0) but the data has \(train.inputs.shape[1]) values per row")
        }
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let result = try DBNTraining.run(model: settings.model, training: settings.training,
                                         linearLearningRate: settings.linearLearningRate, train: train, test: test,
                                         runDirectory: folder.path, resume: resume,
                                         onLayer: { log.note("layer \($0 + 1): " + settings.model.rbm($0).summary) },
                                         onEvent: log.event)
        let layerResults = zip(result.dbn.machines, result.histories).map { rbm, history in
            DBNResults.Layer(summary: rbm.config.summary, testReconstructionError: history.last?["test_reconstruction_error"],
                             testPseudoLikelihood: history.last?["test_pseudo_likelihood"],
                             trainSeconds: history.reduce(0) { $0 + ($1["train_seconds"] ?? 0) })
        }
        let results = DBNResults(layers: layerResults, trainSeconds: layerResults.reduce(0) { $0 + $1.trainSeconds },
                                 parameters: result.dbn.parameterCount)
        try MetricsFile.write(RunMetrics(command: DBNRunSettings.command, settings: settings,
                                         epochs: result.histories.enumerated().flatMap { i, h in h.map { $0.merging(["layer": Double(i + 1)]) { a, _ in a } } },
                                         results: results), to: folder.file("metrics.json"))
        if let first = result.dbn.machines.first, RBMPictures.side(first.visibleCount) != nil {
            let filters = first.weight.value.rows(0..<Swift.min(100, first.hiddenCount))
            let title = PictureTitle.filters(shown: filters.shape[0], of: first.hiddenCount, units: "first-layer hidden units")
            try ImageGrid.filters(filters, columns: 10, title: title)
                .writePNG(to: URL(fileURLWithPath: folder.file("filters.png")))
        }
        return DBNReport(folder: folder, dbn: result.dbn, settings: settings, results: results)
    }
}
