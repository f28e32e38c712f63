import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentPlot

/// The classifier shapes `latent train classifier` makes.
public enum ClassifierModelConfig: Codable, Sendable, Equatable {
    case mlp(Classifier.Config)
    case conv(ConvClassifier.Config)
    /// A convolutional classifier starting from the weights of a saved one (a `conv-classifier`
    /// or a DANN's network); with `freezeFeatures`, only its fully connected layers train.
    case convPretrained(ConvClassifier.Config, path: String, freezeFeatures: Bool)
    case encoder(EncoderClassifier.Config)
    /// An MLP with logistic hidden layers starting from the DBN saved in `path` (the stack plus a
    /// fresh softmax layer).
    case dbnPretrained(Classifier.Config, path: String)

    /// An encoder classifier on the autoencoder saved in `path`: its trained encoder (`random`:
    /// the same shape, randomly initialised: the baseline that shows what pretraining adds).
    public static func pretrained(_ path: String, inputSize: Int, classes: Int, freezeEncoder: Bool, random: Bool,
                                  seed: UInt64) throws -> ClassifierModelConfig {
        let kind = try ModelFile(path: path).kind
        if kind == ConvClassifier.kind || kind == DomainAdversarialNetwork.kind {
            let config = kind == ConvClassifier.kind ? try ConvClassifier.load(path: path).config
                                                     : try DomainAdversarialNetwork.load(path: path).config.network
            guard config.inputSize == inputSize else {
                throw ExperimentError("\(path): its network takes \(config.inputSize) inputs, the data has \(inputSize)")
            }
            guard config.classes == classes else {
                throw ExperimentError("\(path): its network has \(config.classes) classes, the data \(classes)")
            }
            return random ? .conv(config) : .convPretrained(config, path: path, freezeFeatures: freezeEncoder)
        }
        if kind == DBN.kind {
            let dbn = try DBN.load(path: path)
            guard dbn.config.layers[0] == inputSize else {
                throw ExperimentError("\(path): its stack takes \(dbn.config.layers[0]) inputs, the data has \(inputSize)")
            }
            if freezeEncoder { throw ExperimentError("--freeze-encoder is for autoencoder and convolutional models; a DBN's stack is fine-tuned whole") }
            let config = try dbn.unrolledClassifier(classes: classes, seed: seed).config
            return random ? .mlp(config) : .dbnPretrained(config, path: path)
        }
        let autoencoder = try Autoencoder.load(path: path)
        guard autoencoder.config.inputSize == inputSize else {
            throw ExperimentError("\(path): its encoder takes \(autoencoder.config.inputSize) inputs, the data has \(inputSize)")
        }
        var config = EncoderClassifier.Config(autoencoder: autoencoder.config, classes: classes,
                                              freezeEncoder: freezeEncoder, seed: seed)
        config.pretrained = random ? nil : path
        return .encoder(config)
    }

    /// The model, freshly built: pretrained weights from `pretrained` unless `resuming` (then the
    /// checkpoint supplies every weight).
    func build(resuming: Bool) throws -> any LabelPredictor & SavedModel {
        switch self {
        case .mlp(let c): return try Classifier(c)
        case .conv(let c): return try ConvClassifier(c)
        case .convPretrained(let c, let path, let freeze):
            let model = try ConvClassifier(c)
            if !resuming {
                let kind = try ModelFile(path: path).kind
                let source = kind == ConvClassifier.kind ? try ConvClassifier.load(path: path)
                                                         : try DomainAdversarialNetwork.load(path: path).network
                try model.load(Dictionary(uniqueKeysWithValues: source.stateDict()))
            }
            if freeze { model.features.freeze() }
            return model
        case .dbnPretrained(let c, let path):
            guard !resuming else { return try Classifier(c) }
            let model = try DBN.load(path: path).unrolledClassifier(classes: c.classes, seed: c.seed)
            guard model.config == c else { throw ExperimentError("\(path): the DBN no longer matches the run's classifier \(model.summary)") }
            return model
        case .encoder(let c):
            guard let path = c.pretrained, !resuming else { return try EncoderClassifier(c) }
            return try EncoderClassifier(pretrained: try Autoencoder.load(path: path), path: path, classes: c.classes,
                                         freezeEncoder: c.freezeEncoder, seed: c.seed)
        }
    }

    /// The shape in a few words.
    public var summary: String {
        switch self {
        case .mlp(let c): "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-")
        case .conv(let c): c.summary
        case .convPretrained(let c, _, let freeze): c.summary + " (pretrained" + (freeze ? ", features frozen)" : ")")
        case .dbnPretrained(let c, _): "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-") + ", sigmoid (DBN-pretrained)"
        case .encoder(let c):
            "encoder of \(c.autoencoder.summary) + linear head" + (c.pretrained == nil ? " (random init)" : " (pretrained)")
                + (c.freezeEncoder ? ", encoder frozen" : "")
        }
    }
}

/// Everything that defines a classifier run; `run.json` in its folder.
public struct ClassifierRunSettings: RunSettingsFile, Equatable {
    public static let command = "train classifier"
    public var model: ClassifierModelConfig
    public var training: TrainingConfig
    public var data: MNISTSource
    /// Train on only this many labelled examples (a seeded random subset).
    public var labels: Int?
    /// Adversarial training: each batch's adversarial examples, made by attacking the model.
    public var adversarial: AdversarialTraining?

    public init(model: ClassifierModelConfig, training: TrainingConfig, data: MNISTSource, labels: Int? = nil,
                adversarial: AdversarialTraining? = nil) {
        self.model = model
        self.training = training
        self.data = data
        self.labels = labels
        self.adversarial = adversarial
    }
}

/// The final figures of a classifier run (top level of its `metrics.json`).
public struct ClassifierResults: Codable, Sendable {
    public var testAccuracy: Double
    public var trainSamples: Int
    public var testSamples: Int
    public var parameters: Int
    /// Accuracy under the training attack (adversarially trained runs).
    public var testAdversarialAccuracy: Double?

    enum CodingKeys: String, CodingKey {
        case testAccuracy = "test_accuracy", trainSamples = "train_samples", testSamples = "test_samples", parameters
        case testAdversarialAccuracy = "test_adversarial_accuracy"
    }
}

/// What a classifier run leaves behind.
public struct ClassifierReport {
    public let folder: RunFolder
    public let model: any LabelPredictor & SavedModel
    public let settings: ClassifierRunSettings
    public let history: [[String: Double]]
    public let results: ClassifierResults
    public let seconds: Double

    /// The summary people read.
    public var summary: [(String, String)] {
        var lines = [("model", settings.model.summary + ", \(results.parameters) parameters"),
                     ("labelled images", "\(results.trainSamples)")]
        if let adversarial = settings.adversarial { lines.append(("adversarial training", adversarial.summary)) }
        lines += [("epochs", "\(settings.training.epochs)"),
                  ("final train loss", formatFigure(history.last?["train_loss"] ?? .nan)),
                  ("test accuracy", formatPercent(results.testAccuracy))]
        if let robust = results.testAdversarialAccuracy {
            let checked = Swift.min(ClassifierTraining.adversarialCheckExamples, results.testSamples)
            lines.append(("under that attack", formatPercent(robust) + " (first \(checked) test images)"))
        }
        lines += [("time", formatDuration(seconds)), ("output", folder.path)]
        return lines
    }
}

/// Training a classifier into a run folder: the data, the loop, `metrics.json` and `loss.png`.
public enum ClassifierExperiment {
    /// Trains (or, with `resume`, continues) the run `settings` describe in `folder`.
    public static func run(_ settings: ClassifierRunSettings, in folder: RunFolder, resume: Bool = false,
                           log: ExperimentLog = .silent) throws -> ClassifierReport {
        var (train, test, source) = try settings.data.load()
        train = train.randomSubset(settings.labels, seed: settings.training.seed)
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        let model = try settings.model.build(resuming: resume)
        let loop = try ClassifierTraining.fit(model, training: settings.training, train: train, test: test,
                                              runDirectory: folder.path, resume: resume, adversarial: settings.adversarial,
                                              onEvent: log.event)
        let results = ClassifierResults(
            testAccuracy: loop.history.last?["test_accuracy"] ?? model.accuracy(test.inputs, labels: test.labels ?? []),
            trainSamples: train.count, testSamples: test.count, parameters: model.parameterCount,
            testAdversarialAccuracy: loop.history.last?["test_adversarial_accuracy"])
        try MetricsFile.write(RunMetrics(command: ClassifierRunSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        try TrainingCurves.write(loop.history, keys: ["train_loss"],
                                 title: settings.adversarial == nil ? "Classifier training loss" : "Adversarial training loss", to: folder.file("loss.png"))
        return ClassifierReport(folder: folder, model: model, settings: settings, history: loop.history,
                                results: results, seconds: Date().timeIntervalSince(started))
    }
}
