import LatentIO
import LatentNN
import LatentTensor

/// A classifier made of an autoencoder's encoder and a linear head on its code: the simplest form
/// of self-supervised pretraining. Start from a trained encoder (frozen, or fine-tuned with the
/// head) or, for comparison, from a randomly initialised one of the same shape.
public final class EncoderClassifier: Module, LabelPredictor, SavedModel {
    /// Shape of the encoder, number of classes, and whether the encoder is trained.
    public struct Config: Codable, Sendable, Equatable {
        public var autoencoder: Autoencoder.Config
        public var classes = 10
        public var freezeEncoder = false
        /// The autoencoder checkpoint the encoder started from (nil: random initialisation).
        public var pretrained: String?
        public var seed: UInt64 = 1

        public init(autoencoder: Autoencoder.Config, classes: Int = 10, freezeEncoder: Bool = false, seed: UInt64 = 1) {
            self.autoencoder = autoencoder
            self.classes = classes
            self.freezeEncoder = freezeEncoder
            self.seed = seed
        }
    }

    /// The kind tag stored in its checkpoints.
    public static let kind = "encoder-classifier"

    public private(set) var config: Config
    public let encoder: Sequential
    public let head: Linear

    /// A classifier with a randomly initialised encoder.
    public init(_ config: Config) throws(ModelError) {
        if config.classes < 2 { throw .invalidConfig("need at least 2 classes, got \(config.classes)") }
        self.config = config
        encoder = try Autoencoder(config.autoencoder).encoder
        var rng = RandomGenerator(seed: config.seed &+ 7)
        head = Linear(config.autoencoder.codeWidth, config.classes, rng: &rng)
        super.init()
        if config.freezeEncoder { encoder.freeze() }
    }

    /// A classifier on the encoder of a trained autoencoder (its weights are copied).
    public convenience init(pretrained: Autoencoder, path pretrainedPath: String? = nil, classes: Int = 10,
                            freezeEncoder: Bool, seed: UInt64 = 1) throws {
        try self.init(Config(autoencoder: pretrained.config, classes: classes, freezeEncoder: freezeEncoder, seed: seed))
        self.config.pretrained = pretrainedPath
        let prefix = "encoder."
        var state: [String: Tensor] = [:]
        for (name, tensor) in pretrained.stateDict() where name.hasPrefix(prefix) { state[String(name.dropFirst(prefix.count))] = tensor }
        try encoder.load(state)
        if freezeEncoder { encoder.freeze() }
    }

    public var classCount: Int { config.classes }
    public var inputSize: Int { config.autoencoder.inputSize }

    /// The shape in a few words.
    public var summary: String {
        "encoder of \(config.autoencoder.summary) + linear head" + (config.pretrained == nil ? " (random init)" : " (pretrained)")
            + (config.freezeEncoder ? ", encoder frozen" : "")
    }

    public func callAsFunction(_ input: Variable) -> Variable { head(encoder(input)) }

    /// The encoder's weights (half an untied autoencoder's) and the head's.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        if config.classes < 2 { throw ModelError.invalidConfig("need at least 2 classes, got \(config.classes)") }
        let autoencoder = try Autoencoder.minimumWeightCount(config.autoencoder)
        let encoder = config.autoencoder.tiedWeights ? autoencoder : autoencoder / 2
        return InputLimits.sum(encoder, InputLimits.product(config.autoencoder.codeWidth, config.classes))
    }
}
