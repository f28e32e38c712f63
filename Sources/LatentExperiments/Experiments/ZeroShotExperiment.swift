import Foundation
import LatentIO
import LatentManifold
import LatentModels
import LatentNN
import LatentTensor
import LatentText

/// Everything that defines a `latent zeroshot` run; `run.json` in its folder.
public struct ZeroShotSettings: RunSettingsFile, Equatable {
    public static let command = "zeroshot"

    /// What describes each class.
    public enum SideInformation: Codable, Sendable, Equatable {
        /// A class × attribute CSV table (`ClassSignatures`).
        case attributes(String)
        /// Word vectors (word2vec text or binary) of the class names, `names[label]`.
        case wordVectors(String, names: [String])
    }

    /// What the zero-shot model reads of each image.
    public enum Features: Codable, Sendable, Equatable {
        /// The pixels.
        case pixels
        /// The first k principal components of the pixels, fitted on the seen training images.
        case pca(Int)
        /// The trunk output of a saved model with an encoder (see `ClassifierModelConfig.transferSources`).
        case model(String)
    }

    public var data: MNISTSource
    public var unseen: [Int]
    public var side: SideInformation
    public var features: Features
    public var model: ZeroShotModel.Config
    /// Choose the ridges by class-disjoint validation on the seen classes (`ZeroShotModelSelection`)
    /// instead of taking `model`'s.
    public var selectRidges: Bool

    public init(data: MNISTSource, unseen: [Int], side: SideInformation, features: Features, model: ZeroShotModel.Config,
                selectRidges: Bool = true) {
        self.data = data
        self.unseen = unseen
        self.side = side
        self.features = features
        self.model = model
        self.selectRidges = selectRidges
    }

    /// English names of the digits: the words DeViSE-style zero-shot looks up.
    public static let digitNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
}

/// The figures of a zero-shot run (top level of its `metrics.json`).
public struct ZeroShotResults: Codable, Sendable {
    public var seen: [Int]
    public var unseen: [Int]
    public var trainSamples: Int
    public var testSamples: Int
    public var featureWidth: Int
    public var evaluation: ZeroShotEvaluation
    /// The ridges used, and the validation accuracy that chose them (when chosen).
    public var featureRidge: Float
    public var signatureRidge: Float
    public var validationAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case seen = "seen_classes", unseen = "unseen_classes", trainSamples = "train_samples", testSamples = "test_samples"
        case featureWidth = "feature_width", evaluation, featureRidge = "feature_ridge", signatureRidge = "signature_ridge"
        case validationAccuracy = "validation_accuracy"
    }
}

/// What a zero-shot run leaves behind.
public struct ZeroShotReport {
    public let folder: RunFolder
    public let settings: ZeroShotSettings
    public let results: ZeroShotResults
    public let seconds: Double
    /// Warnings about the setup (features from a model that saw the unseen images).
    public let warnings: [String]

    /// The summary people read.
    public var summary: [(String, String)] {
        let e = results.evaluation
        let ridges = "γ \(results.featureRidge), λ \(results.signatureRidge)"
            + (results.validationAccuracy.map { " (chosen on held-out seen classes: \(formatPercent($0)))" } ?? "")
        return [("method", settings.model.method.rawValue), ("features", "\(results.featureWidth) per image"),
                ("ridges", ridges),
                ("seen classes", results.seen.map(String.init).joined(separator: ",")),
                ("unseen classes", results.unseen.map(String.init).joined(separator: ",")),
                ("unseen accuracy", formatPercent(e.unseenAccuracy) + " (chance \(formatPercent(1 / Double(results.unseen.count))))"),
                ("generalised: seen", formatPercent(e.generalizedSeen)),
                ("generalised: unseen", formatPercent(e.generalizedUnseen)),
                ("generalised: harmonic mean", formatPercent(e.harmonicMean)),
                ("time", formatDuration(seconds)), ("output", folder.path)]
    }
}

/// Zero-shot classification of MNIST digits: fit on the seen classes' training images, score
/// the unseen classes' test images through their side information.
public enum ZeroShotExperiment {
    /// Checks everything, fits, evaluates, and only then writes `run.json`, `metrics.json` and
    /// `unseen.png` into `out` (so bad input leaves nothing behind).
    public static func run(_ settings: ZeroShotSettings, out: String?, log: ExperimentLog = .silent) throws -> ZeroShotReport {
        let started = Date()
        let (train, test, source) = try settings.data.load()
        let classes = train.labelSet
        if let missing = settings.unseen.first(where: { !classes.contains($0) }) {
            throw ExperimentError("--unseen: class \(missing) is not in the data (its classes: \(list(classes)))")
        }
        let seen = classes.filter { !settings.unseen.contains($0) }
        guard seen.count >= 2 else {
            throw ExperimentError("--unseen \(list(settings.unseen)) leaves \(seen.count) seen class\(seen.count == 1 ? "" : "es") of \(list(classes)); zero-shot learning needs at least 2 to train on")
        }
        let signatures = try sideInformation(settings.side, classes: classes)
        _ = try signatures.rows(for: classes)
        var warnings: [String] = []
        let seenTrain = train.restricted(to: seen)
        // Back to the original labels: restricted(to:) numbers the classes by position.
        let seenLabels = (seenTrain.labels ?? []).map { seen[$0] }
        log.note("data: \(source): \(seenTrain.count) training images of seen classes, \(test.count) test images")
        let extract = try featureExtractor(settings.features, seenImages: seenTrain.inputs, unseen: settings.unseen,
                                           warnings: &warnings)
        for w in warnings { log.note("warning: " + w) }
        let trainFeatures = try extract(seenTrain.inputs), testFeatures = try extract(test.inputs)
        var config = settings.model, validation: Double?
        if settings.selectRidges {
            (config, validation) = try ZeroShotModelSelection.select(features: trainFeatures, labels: seenLabels,
                                                                     signatures: signatures, config: config)
            log.note("ridges γ \(config.featureRidge), λ \(config.signatureRidge) chosen on held-out seen classes")
        }
        let model = try ZeroShotModel(features: trainFeatures, labels: seenLabels, signatures: signatures, config: config)
        let testLabels = test.labels ?? []
        let evaluation = try ZeroShotEvaluation(model, features: testFeatures, labels: testLabels, seen: seen, unseen: settings.unseen)
        let results = ZeroShotResults(seen: seen, unseen: settings.unseen, trainSamples: seenTrain.count, testSamples: test.count,
                                      featureWidth: trainFeatures.shape[1], evaluation: evaluation,
                                      featureRidge: config.featureRidge, signatureRidge: config.signatureRidge,
                                      validationAccuracy: validation)
        let folder = try RunFolder(out, name: "zeroshot")
        try settings.write(to: folder)
        try MetricsFile.write(RunMetrics(command: ZeroShotSettings.command, settings: settings, epochs: [], results: results),
                              to: folder.file("metrics.json"))
        try writeUnseenPicture(model, test: test, features: testFeatures, unseen: settings.unseen, to: folder.file("unseen.png"))
        return ZeroShotReport(folder: folder, settings: settings, results: results,
                              seconds: Date().timeIntervalSince(started), warnings: warnings)
    }

    /// The class signatures `side` describes, with a row for each of `classes`.
    static func sideInformation(_ side: ZeroShotSettings.SideInformation, classes: [Int]) throws -> ClassSignatures {
        switch side {
        case .attributes(let path):
            return try ClassSignatures.read(csv: path)
        case .wordVectors(let path, let names):
            let vectors = try KeyedVectors.read(path)
            var rows: [Float] = []
            for c in classes {
                guard c < names.count else { throw ExperimentError("--class-names: no name for class \(c) (\(names.count) names given)") }
                do { rows += try vectors.vector(names[c]) } catch {
                    throw ExperimentError("\(path): no vector for '\(names[c])' (the name of class \(c))")
                }
            }
            let width = rows.count / Swift.max(classes.count, 1)
            return try ClassSignatures(classes: classes, attributeNames: (1...Swift.max(width, 1)).map { "dim\($0)" },
                                       values: Tensor(shape: [classes.count, width], scalars: rows), source: path)
        }
    }

    /// A function from images to features, fitted (PCA) on the seen training images only.
    static func featureExtractor(_ features: ZeroShotSettings.Features, seenImages: Tensor, unseen: [Int],
                                 warnings: inout [String]) throws -> (Tensor) throws -> Tensor {
        switch features {
        case .pixels:
            return { $0 }
        case .pca(let k):
            let pca = try PCA.fit(seenImages, config: PCA.Config(components: k))
            return { try pca.transform($0) }
        case .model(let path):
            try checkNotTrainedOnUnseen(path, unseen: unseen, warnings: &warnings)
            let config = try ClassifierModelConfig.pretrained(path, inputSize: seenImages.shape[1], classes: 2,
                                                              freezeEncoder: false, random: false, seed: 1)
            let network = try config.build(resuming: false)
            return { network.features($0) }
        }
    }

    /// Refuses features from a classifier that was trained with labels of an unseen class (its
    /// run's `run.json` says which classes; without one, a classifier is taken to have seen every
    /// label of its data); warns for unsupervised models, which saw unseen-class images unlabelled.
    static func checkNotTrainedOnUnseen(_ path: String, unseen: [Int], warnings: inout [String]) throws {
        let kind = try ModelFile(path: path).kind
        let supervised = [Classifier.kind, ConvClassifier.kind, EncoderClassifier.kind, DomainAdversarialNetwork.kind]
        guard supervised.contains(kind) else {
            warnings.append("\(path) (\(Checkpoint.withArticle(kind))) learned without labels; if its training images included the unseen classes, the test is transductive, not strictly zero-shot")
            return
        }
        let runDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard let settings = try? ClassifierRunSettings.read(runDirectory: runDirectory), let trained = settings.classes else {
            throw ExperimentError("\(path): a classifier trained on every label of its data has seen the unseen classes \(list(unseen)); train it with --classes listing the seen ones only")
        }
        if let leaked = unseen.first(where: { trained.contains($0) }) {
            throw ExperimentError("\(path): trained with labels of unseen class \(leaked) (its --classes \(list(trained))); features for zero-shot must come from the seen classes only")
        }
    }

    /// Up to 12 unseen-class test images per row, one row per class the model predicted.
    static func writeUnseenPicture(_ model: ZeroShotModel, test: Dataset, features: Tensor, unseen: [Int], to path: String) throws {
        let labels = test.labels ?? []
        let rows = labels.indices.filter { unseen.contains(labels[$0]) }
        guard !rows.isEmpty, test.inputs.shape[1] == 784 else { return }
        let predicted = try model.predict(features.gatherRows(rows), candidates: unseen)
        let columns = 12
        var picked: [Int] = [], names: [String] = []
        for c in unseen {
            let mine = zip(rows, predicted).filter { $0.1 == c }.map(\.0).prefix(columns)
            picked += mine
            // Pad short rows with blank images.
            picked += Array(repeating: -1, count: columns - mine.count)
            names.append("as \(c)")
        }
        let blank = Tensor(shape: [1, 784])
        let images = Tensor.concat(picked.map { $0 < 0 ? blank : test.inputs.rows($0..<($0 + 1)) }, axis: 0)
        try GridPicture.write(images, columns: columns, rowLabels: names,
                              title: "Unseen test digits, one row per predicted class", to: path)
    }

    static func list(_ classes: [Int]) -> String { classes.map(String.init).joined(separator: ",") }
}

extension EmbeddedData {
    /// The class × attribute table of the digits shipped in `Data/digit-attributes.csv`.
    public static func digitAttributes() throws -> String {
        try directory(".", marker: "digit-attributes.csv") + "/digit-attributes.csv"
    }
}
