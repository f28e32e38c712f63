import Foundation
import LatentIO
import LatentManifold
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// A folder of labelled images in MNIST's file layout (grey IDX3 or colour IDX4), and how much
/// of it to use.
public struct ImageFolderSource: Codable, Sendable, Equatable {
    public var directory: String
    public var trainLimit: Int?
    public var testLimit: Int?

    public init(directory: String, trainLimit: Int? = nil, testLimit: Int? = nil) {
        self.directory = directory
        self.trainLimit = trainLimit
        self.testLimit = testLimit
    }

    /// The train and test splits.
    public func load() throws -> (train: ImageSet, test: ImageSet) {
        let train = try ImageSet.load(directory: directory, split: .train).prefix(trainLimit)
        let test = try ImageSet.load(directory: directory, split: .test).prefix(testLimit)
        guard (train.channels, train.height, train.width) == (test.channels, test.height, test.width) else {
            throw ExperimentError("\(directory): training images are \(train.channels)×\(train.height)×\(train.width), test images \(test.channels)×\(test.height)×\(test.width)")
        }
        return (train, test)
    }
}

/// Everything that defines a domain-adaptation run (`latent train dann`); `run.json`.
public struct DomainAdaptationSettings: RunSettingsFile, Equatable {
    public static let command = "train dann"
    public var mode: DomainAdaptationMode
    /// The networks; its input shape is taken from the images.
    public var model: DomainAdversarialNetwork.Config
    public var training: TrainingConfig
    /// Labelled source domain.
    public var source: ImageFolderSource
    /// Target domain (its training labels are read only by `target-only`).
    public var target: ImageFolderSource

    public init(mode: DomainAdaptationMode, model: DomainAdversarialNetwork.Config, training: TrainingConfig,
                source: ImageFolderSource, target: ImageFolderSource) {
        self.mode = mode
        self.model = model
        self.training = training
        self.source = source
        self.target = target
    }
}

/// The final figures of a domain-adaptation run (top level of its `metrics.json`).
public struct DomainAdaptationResults: Codable, Sendable {
    public var mode: DomainAdaptationMode
    public var targetAccuracy: Double
    public var sourceAccuracy: Double
    public var domainAccuracy: Double?
    public var sourceTrain: Int
    public var targetTrain: Int
    public var parameters: Int

    enum CodingKeys: String, CodingKey {
        case mode, targetAccuracy = "target_accuracy", sourceAccuracy = "source_accuracy", domainAccuracy = "domain_accuracy"
        case sourceTrain = "source_train", targetTrain = "target_train", parameters
    }
}

/// What a domain-adaptation run leaves behind.
public struct DomainAdaptationReport {
    public let folder: RunFolder
    public let model: DomainAdversarialNetwork
    public let settings: DomainAdaptationSettings
    public let history: [[String: Double]]
    public let results: DomainAdaptationResults
    public let seconds: Double

    public var summary: [(String, String)] {
        var lines = [("mode", settings.mode.rawValue), ("model", model.summary + ", \(results.parameters) parameters"),
                     ("source", "\(settings.source.directory) (\(results.sourceTrain) training images)"),
                     ("target", "\(settings.target.directory) (\(results.targetTrain) training images"
                        + (settings.mode == .targetOnly ? ", labelled)" : ", labels unused)")),
                     ("epochs", "\(settings.training.epochs)"),
                     ("target test accuracy", formatPercent(results.targetAccuracy)),
                     ("source test accuracy", formatPercent(results.sourceAccuracy))]
        if let d = results.domainAccuracy { lines.append(("domain classifier", formatPercent(d) + " (50 % = domains indistinguishable)")) }
        lines += [("time", formatDuration(seconds)), ("output", folder.path)]
        return lines
    }
}

/// Domain-adversarial training and its baselines into a run folder: `metrics.json`, the model,
/// accuracy curves and a t-SNE of the features of both domains (Ganin & Lempitsky's figure).
public enum DomainAdaptationExperiment {
    /// Test images per domain in the t-SNE picture.
    public static let pictureExamples = 500

    /// Loads both domains and checks they fit one network: the same image size; grey images are
    /// replicated to the other domain's channels.
    public static func loadDomains(_ settings: DomainAdaptationSettings)
        throws -> (source: (ImageSet, ImageSet), target: (ImageSet, ImageSet)) {
        var source = try settings.source.load(), target = try settings.target.load()
        guard (source.train.height, source.train.width) == (target.train.height, target.train.width) else {
            throw ExperimentError("\(settings.target.directory): target images are \(target.train.height)×\(target.train.width), the source's (\(settings.source.directory)) \(source.train.height)×\(source.train.width); both domains must have one size")
        }
        let channels = max(source.train.channels, target.train.channels)
        do {
            source = (try source.train.withChannels(channels), try source.test.withChannels(channels))
            target = (try target.train.withChannels(channels), try target.test.withChannels(channels))
        } catch {
            throw ExperimentError("\(settings.source.directory) has \(source.train.channels)-channel images, \(settings.target.directory) \(target.train.channels)-channel ones: only grey images can be widened")
        }
        return ((source.train, source.test), (target.train, target.test))
    }

    /// The mean of each channel over both domains' images, each domain weighing half whatever its
    /// size (the paper centres the inputs on the mean of both domains; the target's images, not
    /// its labels, are what adaptation may read).
    public static func sharedChannelMean(_ source: ImageSet, _ target: ImageSet) -> [Float] {
        let plane = source.height * source.width
        func channelMeans(_ set: ImageSet) -> [Double] {
            var sums = [Double](repeating: 0, count: set.channels)
            set.images.withUnsafeBufferPointer { values in
                for row in 0..<set.labels.count {
                    for c in 0..<set.channels {
                        let start = row * set.pixels + c * plane
                        var s: Float = 0
                        for p in start..<(start + plane) { s += values[p] }
                        sums[c] += Double(s)
                    }
                }
            }
            return sums.map { $0 / Double(Swift.max(set.labels.count * plane, 1)) }
        }
        return zip(channelMeans(source), channelMeans(target)).map { Float(($0 + $1) / 2) }
    }

    /// The model config for images of `set`'s shape.
    public static func fitted(_ config: DomainAdversarialNetwork.Config, to set: ImageSet) -> DomainAdversarialNetwork.Config {
        var c = config
        c.network.channels = set.channels
        c.network.height = set.height
        c.network.width = set.width
        return c
    }

    public static func run(_ settings: DomainAdaptationSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> DomainAdaptationReport {
        let (source, target) = try loadDomains(settings)
        log.note("source: \(settings.source.directory): \(source.0.labels.count) train, \(source.1.labels.count) test, \(source.0.channels)×\(source.0.height)×\(source.0.width)")
        log.note("target: \(settings.target.directory): \(target.0.labels.count) train, \(target.1.labels.count) test")
        var config = fitted(settings.model, to: source.0)
        // Both domains centred on one mean, in every mode, so the three runs see the same inputs.
        if config.inputMean == nil { config.inputMean = sharedChannelMean(source.0, target.0) }
        if let bad = (source.0.labels + source.1.labels + target.1.labels + (settings.mode == .targetOnly ? target.0.labels : []))
            .first(where: { $0 < 0 || $0 >= config.network.classes }) {
            throw ExperimentError("label \(bad) is not one of the network's \(config.network.classes) classes")
        }
        let started = Date()
        let model = try DomainAdversarialNetwork(config)
        let loop = try DomainAdaptation.fit(model, mode: settings.mode, training: settings.training,
                                            source: source.0.dataset, target: target.0.dataset,
                                            sourceTest: source.1.dataset, targetTest: target.1.dataset,
                                            runDirectory: folder.path, resume: resume, onEvent: log.event)
        let last = loop.history.last ?? [:]
        let results = DomainAdaptationResults(
            mode: settings.mode, targetAccuracy: last["test_target_accuracy"] ?? .nan, sourceAccuracy: last["test_source_accuracy"] ?? .nan,
            domainAccuracy: last["test_domain_accuracy"], sourceTrain: source.0.labels.count, targetTrain: target.0.labels.count,
            parameters: model.parameterCount)
        try MetricsFile.write(RunMetrics(command: DomainAdaptationSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        try TrainingCurves.write(loop.history, keys: ["test_target_accuracy", "test_source_accuracy"],
                                 title: "Test accuracy per domain (\(settings.mode.rawValue))", yLabel: "accuracy",
                                 to: folder.file("accuracy.png"))
        try writeFeatureMap(model, source: source.1, target: target.1, seed: settings.training.seed,
                            title: "t-SNE of the features, \(settings.mode.rawValue)",
                            to: folder.file("features-tsne.png"))
        return DomainAdaptationReport(folder: folder, model: model, settings: settings, history: loop.history,
                                      results: results, seconds: Date().timeIntervalSince(started))
    }

    /// t-SNE of the features of the first test images of both domains, coloured by domain: the
    /// clouds overlap when the features no longer tell the domains apart.
    public static func writeFeatureMap(_ model: DomainAdversarialNetwork, source: ImageSet, target: ImageSet, seed: UInt64,
                                       title: String, to path: String) throws {
        let n = min(pictureExamples, source.labels.count, target.labels.count)
        guard n >= 10 else { return }
        let features = Tensor.concat([DomainAdaptation.features(model, source.images.rows(0..<n)),
                                      DomainAdaptation.features(model, target.images.rows(0..<n))], axis: 0)
        var config = TSNE.Config()
        config.seed = seed
        config.perplexity = Double(min(30, (2 * n - 1) / 3))
        let embedding = try TSNE.fit(features, config: config)
        var plot = ScatterPlot(points: embedding.coordinates, labels: [Int](repeating: 0, count: n) + [Int](repeating: 1, count: n),
                               title: title)
        plot.labelNames = ["source", "target"]
        plot.showAxes = false
        try plot.writePNG(to: URL(fileURLWithPath: path))
    }
}
