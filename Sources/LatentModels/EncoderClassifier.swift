import LatentIO
import LatentNN
import LatentTensor

/// A classifier made of an autoencoder's (or a VAE's) encoder and a linear head on its code: the
/// simplest form of self-supervised pretraining. Start from a trained encoder (frozen, or
/// fine-tuned with the head) or, for comparison, from a randomly initialised one of the same shape.
/// A VAE's encoder ends with its mean layer μ(x), so the head reads the posterior mean.
public final class EncoderClassifier: Module, LabelPredictor, SavedModel {
    /// Shape of the encoder, number of classes, and whether the encoder is trained.
    public struct Config: Codable, Sendable, Equatable {
        /// The autoencoder whose encoder this is (unused when `vae` is set).
        public var autoencoder: Autoencoder.Config
        /// The VAE whose encoder and mean layer this is, when the encoder comes from a VAE.
        public var vae: VAE.Config?
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

        /// An encoder classifier on a VAE's encoder and mean layer.
        public init(vae: VAE.Config, classes: Int = 10, freezeEncoder: Bool = false, seed: UInt64 = 1) throws(ModelError) {
            try vae.validate()
            self.init(autoencoder: Autoencoder.Config(), classes: classes, freezeEncoder: freezeEncoder, seed: seed)
            self.vae = vae
        }

        /// Features per input.
        public var inputSize: Int { vae?.inputSize ?? autoencoder.inputSize }
        /// Width of the code the head reads.
        public var codeWidth: Int { vae?.latentSize ?? autoencoder.codeWidth }
        /// The model the encoder comes from, in a few words.
        public var sourceSummary: String { vae.map { "VAE " + $0.summary } ?? autoencoder.summary }
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
        if let vae = config.vae {
            let source = try VAE(vae)
            encoder = Sequential(source.encoder.layers + [source.mu])
        } else {
            encoder = try Autoencoder(config.autoencoder).encoder
        }
        var rng = RandomGenerator(seed: config.seed &+ 7)
        head = Linear(config.codeWidth, config.classes, rng: &rng)
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

    /// A VAE's encoder and mean layer under the names `EncoderClassifier.encoder` gives them
    /// (`encoder.<i>.…`, the mean layer last).
    public static func encoderState(of vae: VAE) -> [(String, Tensor)] {
        let layers = vae.encoder.layers.count
        return vae.encoder.namedParameters(prefix: "encoder.").map { ($0.0, $0.1.value) }
            + vae.encoder.namedBuffers(prefix: "encoder.").map { ($0.0, $0.1.value) }
            + vae.mu.namedParameters(prefix: "encoder.\(layers).").map { ($0.0, $0.1.value) }
    }

    public var classCount: Int { config.classes }
    public var inputSize: Int { config.inputSize }

    /// The shape in a few words.
    public var summary: String {
        "encoder of \(config.sourceSummary) + linear head" + (config.pretrained == nil ? " (random init)" : " (pretrained)")
            + (config.freezeEncoder ? ", encoder frozen" : "")
    }

    public func callAsFunction(_ input: Variable) -> Variable { head(encoder(input)) }

    /// The encoder's weights (half an untied autoencoder's) and the head's.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        if config.classes < 2 { throw ModelError.invalidConfig("need at least 2 classes, got \(config.classes)") }
        let head = InputLimits.product(config.codeWidth, config.classes)
        if let vae = config.vae {
            // The mean layer alone (a lower bound: the encoder's layers come on top).
            try vae.validate()
            return InputLimits.sum(head, InputLimits.product(vae.latentSize, vae.network == .mlp ? (vae.hidden.last ?? vae.inputSize) : 1))
        }
        let autoencoder = try Autoencoder.minimumWeightCount(config.autoencoder)
        let encoder = config.autoencoder.tiedWeights ? autoencoder : autoencoder / 2
        return InputLimits.sum(encoder, head)
    }
}
