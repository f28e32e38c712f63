import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// The classifier shapes `latent train classifier` makes.
public enum ClassifierModelConfig: Codable, Sendable, Equatable {
    case mlp(Classifier.Config)
    case conv(ConvClassifier.Config)
    /// A convolutional classifier starting from the weights of a saved one (a `conv-classifier`
    /// or a DANN's network); with `freezeFeatures`, only its fully connected layers train.
    case convPretrained(ConvClassifier.Config, path: String, freezeFeatures: Bool)
    case encoder(EncoderClassifier.Config)
    /// An MLP classifier whose hidden layers start from a saved MLP classifier's; with
    /// `freezeFeatures`, only its last layer trains.
    case mlpPretrained(Classifier.Config, path: String, freezeFeatures: Bool)
    /// An MLP with logistic hidden layers starting from the DBN saved in `path` (the stack plus a
    /// fresh softmax layer).
    case dbnPretrained(Classifier.Config, path: String, freezeFeatures: Bool = false)

    /// The kinds of saved model `pretrained` reuses, with the part reused.
    public static let transferSources = [
        (Classifier.kind, "hidden layers"), (ConvClassifier.kind, "convolutions and hidden layers"),
        (DomainAdversarialNetwork.kind, "feature extractor and hidden layers"), (Autoencoder.kind, "encoder"),
        (EncoderClassifier.kind, "encoder"), (VAE.kind, "encoder (the mean of q(z|x))"),
        (DBN.kind, "stack of RBMs, as logistic hidden layers"),
    ]

    /// A classifier for `classes` classes on the trunk of the model saved in `path`, whichever
    /// kind with an encoder it is (`transferSources`): the same layers with the saved weights, and
    /// a last layer for the new task (`random`: the same shape, randomly initialised: the baseline
    /// that shows what pretraining adds). The one place a new kind of encoder joins transfer
    /// (a DBN: its stacked RBMs as the hidden layers of an MLP `Classifier`, and a case here and
    /// in `transferState`).
    /// `dropout` after each hidden layer is for a DBN's stack (its weights are copied layer by
    /// layer) and for the random baseline; the other trunks keep their source's layers, so it is
    /// refused there.
    public static func pretrained(_ path: String, inputSize: Int, classes: Int, freezeEncoder: Bool, random: Bool,
                                  seed: UInt64, dropout: Float = 0) throws -> ClassifierModelConfig {
        let kind = try ModelFile(path: path).kind
        if dropout > 0 && !random && kind != DBN.kind {
            throw ExperimentError("--dropout with --init-from works on a DBN's stack; \(Checkpoint.withArticle(kind))'s trunk keeps its own layers (use --random-encoder for the baseline)")
        }
        switch kind {
        case Classifier.kind:
            var config = try Classifier.load(path: path).config
            try check(path, takes: config.inputSize, data: inputSize)
            config.classes = classes
            config.seed = seed
            if random { config.dropout = dropout }
            return random ? .mlp(config) : .mlpPretrained(config, path: path, freezeFeatures: freezeEncoder)
        case ConvClassifier.kind, DomainAdversarialNetwork.kind:
            var config = kind == ConvClassifier.kind ? try ConvClassifier.load(path: path).config
                                                     : try DomainAdversarialNetwork.load(path: path).network.config
            try check(path, takes: config.inputSize, data: inputSize)
            config.classes = classes
            config.seed = seed
            if random { config.dropout = dropout }
            return random ? .conv(config) : .convPretrained(config, path: path, freezeFeatures: freezeEncoder)
        case Autoencoder.kind, EncoderClassifier.kind, VAE.kind:
            if dropout > 0 { throw ExperimentError("--dropout: an encoder with a linear head has no hidden layer to drop out") }
            var config: EncoderClassifier.Config
            switch kind {
            case Autoencoder.kind: config = EncoderClassifier.Config(autoencoder: try Autoencoder.load(path: path).config)
            case VAE.kind: config = try EncoderClassifier.Config(vae: try VAE.load(path: path).config)
            default: config = try EncoderClassifier.load(path: path).config
            }
            try check(path, takes: config.inputSize, data: inputSize)
            config.classes = classes
            config.freezeEncoder = freezeEncoder
            config.seed = seed
            config.pretrained = random ? nil : path
            return .encoder(config)
        case DBN.kind:
            let dbn = try DBN.load(path: path)
            try check(path, takes: dbn.config.layers[0], data: inputSize)
            let config = try dbn.unrolledClassifier(classes: classes, seed: seed, dropout: dropout).config
            return random ? .mlp(config) : .dbnPretrained(config, path: path, freezeFeatures: freezeEncoder)
        default:
            let accepted = transferSources.map { Checkpoint.withArticle($0.0) }.joined(separator: ", ")
            throw ExperimentError("\(path): \(Checkpoint.withArticle(kind)) has no encoder to reuse; --init-from takes \(accepted)")
        }
    }

    private static func check(_ path: String, takes width: Int, data inputSize: Int) throws {
        guard width == inputSize else {
            throw ExperimentError("\(path): its network takes \(width) inputs, the data has \(inputSize)")
        }
    }

    /// The tensors of the saved model in `path` under the names its trunk has in the classifier
    /// `pretrained` builds on it.
    static func transferState(_ path: String) throws -> [String: Tensor] {
        let kind = try ModelFile(path: path).kind
        let state: [(String, Tensor)]
        switch kind {
        case Classifier.kind: state = try Classifier.load(path: path).stateDict()
        case ConvClassifier.kind: state = try ConvClassifier.load(path: path).stateDict()
        case DomainAdversarialNetwork.kind: state = try DomainAdversarialNetwork.load(path: path).network.stateDict()
        case Autoencoder.kind: state = try Autoencoder.load(path: path).stateDict()
        case EncoderClassifier.kind: state = try EncoderClassifier.load(path: path).stateDict()
        case VAE.kind: state = EncoderClassifier.encoderState(of: try VAE.load(path: path))
        default: throw ExperimentError("\(path): \(Checkpoint.withArticle(kind)) has no encoder to reuse")
        }
        return Dictionary(state, uniquingKeysWith: { first, _ in first })
    }

    /// The model, freshly built: the trunk's weights from the pretrained model unless `resuming`
    /// (then the checkpoint supplies every weight), and its last layer too when `keepHead` (the
    /// same classes: a warm start on a new domain).
    func build(resuming: Bool, keepHead: Bool = false) throws -> any TransferableClassifier {
        switch self {
        case .mlp(let c): return try Classifier(c)
        case .conv(let c): return try ConvClassifier(c)
        case .convPretrained(let c, let path, let freeze):
            return try Self.reuse(try ConvClassifier(c), from: path, freeze: freeze, resuming: resuming, keepHead: keepHead)
        case .mlpPretrained(let c, let path, let freeze):
            return try Self.reuse(try Classifier(c), from: path, freeze: freeze, resuming: resuming, keepHead: keepHead)
        case .dbnPretrained(let c, let path, let freeze):
            // Resuming, the checkpoint supplies every weight and the frozen flags.
            guard !resuming else { return try Classifier(c) }
            let model = try DBN.load(path: path).unrolledClassifier(classes: c.classes, seed: c.seed, dropout: c.dropout)
            guard model.config == c else { throw ExperimentError("\(path): the DBN no longer matches the run's classifier \(model.summary)") }
            if freeze { model.freezeTrunk() }
            return model
        case .encoder(let c):
            var fresh = c
            fresh.freezeEncoder = false
            let model = try EncoderClassifier(fresh)
            guard let path = c.pretrained else {
                if c.freezeEncoder { model.freezeTrunk() }
                return model
            }
            return try Self.reuse(model, from: path, freeze: c.freezeEncoder, resuming: resuming, keepHead: keepHead)
        }
    }

    private static func reuse<M: TransferableClassifier>(_ model: M, from path: String, freeze: Bool, resuming: Bool,
                                                         keepHead: Bool) throws -> M {
        if !resuming {
            let state = try transferState(path)
            do {
                try model.loadTrunk(state)
            } catch {
                throw ExperimentError("\(path): its encoder does not fit the classifier built on it: \(error)")
            }
            if keepHead { try? model.load(state, strict: false) }
        }
        if freeze { model.freezeTrunk() }
        return model
    }

    /// Whether the trunk starts from a saved model's weights.
    public var isPretrained: Bool {
        switch self {
        case .mlp, .conv: false
        case .convPretrained, .mlpPretrained, .dbnPretrained: true
        case .encoder(let c): c.pretrained != nil
        }
    }

    /// The shape in a few words.
    public var summary: String {
        switch self {
        case .mlp(let c): "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-")
        case .conv(let c): c.summary
        case .convPretrained(let c, _, let freeze): c.summary + " (pretrained" + (freeze ? ", features frozen)" : ")")
        case .mlpPretrained(let c, _, let freeze):
            "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-")
                + " (pretrained" + (freeze ? ", hidden layers frozen)" : ")")
        case .dbnPretrained(let c, _, _): "MLP " + ([c.inputSize] + c.hidden + [c.classes]).map(String.init).joined(separator: "-") + ", sigmoid (DBN-pretrained)"
        case .encoder(let c):
            "encoder of \(c.sourceSummary) + linear head" + (c.pretrained == nil ? " (random init)" : " (pretrained)")
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
    /// Train and test on these labels only, in this order (the model's class k is `classes[k]`).
    public var classes: [Int]?
    /// Train on at most this many labelled examples of each class (a seeded random choice).
    public var labelsPerClass: Int?
    /// Unfreezing schedule and learning-rate scale of a reused trunk.
    public var transfer: TransferTraining?

    public init(model: ClassifierModelConfig, training: TrainingConfig, data: MNISTSource, labels: Int? = nil,
                adversarial: AdversarialTraining? = nil, classes: [Int]? = nil, labelsPerClass: Int? = nil,
                transfer: TransferTraining? = nil) {
        self.model = model
        self.training = training
        self.data = data
        self.labels = labels
        self.adversarial = adversarial
        self.classes = classes
        self.labelsPerClass = labelsPerClass
        self.transfer = transfer
    }

    /// The train and test sets these settings describe: restricted to `classes` (an error names a
    /// class the data lacks), then subsampled; and where they came from.
    public func loadData() throws -> (train: Dataset, test: Dataset, source: String) {
        var (train, test, source) = try data.load()
        if let classes {
            let present = Set(train.labelSet)
            if let missing = classes.first(where: { !present.contains($0) }) {
                let names = train.labelSet.map(String.init).joined(separator: ",")
                throw ExperimentError("--classes: label \(missing) is not in the training data (its labels: \(names))")
            }
            train = train.restricted(to: classes)
            test = test.restricted(to: classes)
        }
        train = train.balancedSubset(perClass: labelsPerClass, seed: training.seed)
        train = train.randomSubset(labels, seed: training.seed)
        return (train, test, source)
    }

    /// The name of the model's class k in the data (the original digit with `classes`).
    public func className(_ k: Int) -> String {
        guard let classes, classes.indices.contains(k) else { return String(k) }
        return String(classes[k])
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
    /// Test accuracy of each class, by its name in the data (the original digit with `--classes`).
    public var perClassAccuracy: [String: Double]?
    /// Parameters of the reused trunk (runs that start from a saved model).
    public var reusedParameters: Int?

    enum CodingKeys: String, CodingKey {
        case testAccuracy = "test_accuracy", trainSamples = "train_samples", testSamples = "test_samples", parameters
        case testAdversarialAccuracy = "test_adversarial_accuracy", perClassAccuracy = "per_class_accuracy"
        case reusedParameters = "reused_parameters"
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
        if let classes = settings.classes { lines.append(("classes", classes.map(String.init).joined(separator: ","))) }
        if let transfer = settings.transfer { lines.append(("transfer", transfer.summary)) }
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
        let (train, test, source) = try settings.loadData()
        log.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        let model = try settings.model.build(resuming: resume, keepHead: settings.classes == nil)
        let loop = try ClassifierTraining.fit(model, training: settings.training, train: train, test: test,
                                              runDirectory: folder.path, resume: resume, adversarial: settings.adversarial,
                                              transfer: settings.transfer, onEvent: log.event)
        let testLabels = test.labels ?? []
        let score = model.score(test.inputs, labels: testLabels)
        let results = ClassifierResults(
            testAccuracy: loop.history.last?["test_accuracy"] ?? model.accuracy(test.inputs, labels: testLabels),
            trainSamples: train.count, testSamples: test.count, parameters: model.parameterCount,
            testAdversarialAccuracy: loop.history.last?["test_adversarial_accuracy"],
            perClassAccuracy: Dictionary(uniqueKeysWithValues: score.perClass.map { (settings.className($0.key), $0.value) }),
            reusedParameters: settings.model.isPretrained ? model.trunkParameterCount : nil)
        try MetricsFile.write(RunMetrics(command: ClassifierRunSettings.command, settings: settings, epochs: loop.history,
                                         results: results), to: folder.file("metrics.json"))
        try TrainingCurves.write(loop.history, keys: ["train_loss"],
                                 title: (settings.adversarial == nil ? "Classifier training loss: " : "Adversarial training loss: ")
                                     + PictureTitle.withoutDirectories(settings.model.summary),
                                 to: folder.file("loss.png"))
        return ClassifierReport(folder: folder, model: model, settings: settings, history: loop.history,
                                results: results, seconds: Date().timeIntervalSince(started))
    }
}
