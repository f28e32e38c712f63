import LatentIO
import LatentNN
import LatentTensor

/// A generative adversarial network (Goodfellow et al., 2014): a `Generator` that maps noise to
/// data and a `Discriminator` that tells data from generated examples, trained against each
/// other by `GANStep` (a step function on `TrainingLoop`).
///
/// Two architectures:
/// - `.mlp`: fully connected, for flat data of any width (images, or points in the plane);
/// - `.dcgan`: the `dcgan` workload of BENCHMARKS.md for 28×28 images — generator
///   z → Linear → (128, 7, 7) BN ReLU → ConvT(128→64, k4, s2, p1) BN ReLU → ConvT(64→1, k4, s2, p1) tanh;
///   discriminator Conv(1→64, k4, s2, p1) LeakyReLU(0.2) → Conv(64→128, k4, s2, p1) BN
///   LeakyReLU(0.2) → Linear(6272→1). Weights start from N(0, 0.02), as in Radford et al. (2016).
///   The batch norm and ReLU after the projection follow Radford et al.'s rule that every
///   generator layer but the output has both: without them the Linear and the first ConvT
///   compose into one linear map, leaving the generator a single nonlinearity.
///
/// Images are expected in [−1, 1] (the generator ends in tanh); `GAN.toImages` and
/// `GAN.fromImages` convert from and to Latent's usual [0, 1] pixels. The state dict holds both
/// networks, as `generator.…` and `discriminator.…`.
public final class GAN: Module, SavedModel {
    /// The two architectures.
    public enum Kind: String, Codable, Sendable, CaseIterable { case mlp, dcgan }

    /// What the generator's last layer applies.
    public enum OutputActivation: String, Codable, Sendable, CaseIterable {
        /// tanh: for data scaled to [−1, 1] (images).
        case tanh
        /// None: for unbounded data (e.g. points in the plane).
        case identity
    }

    /// The shape of both networks; stored in checkpoints.
    public struct Config: Codable, Sendable, Equatable {
        public var kind = Kind.mlp
        /// Width of the noise vector z ~ N(0, I).
        public var latentSize = 64
        /// Width of one example (784 for MNIST; `.dcgan` requires 784 = 1×28×28).
        public var dataSize = 784
        /// MLP generator hidden widths (ReLU).
        public var generatorHidden = [256, 512]
        /// MLP discriminator hidden widths (LeakyReLU 0.2).
        public var discriminatorHidden = [512, 256]
        public var outputActivation = OutputActivation.tanh
        /// How many examples the discriminator judges at once (PacGAN, Lin et al. 2018): it
        /// sees `pack` real or `pack` generated examples side by side and gives one logit for
        /// the group, so a generator whose samples look alike is easier to catch. nil or 1: one.
        public var pack: Int?
        /// `pack`, with nil read as 1.
        public var packSize: Int { pack ?? 1 }
        /// Seed of the initial weights.
        public var seed: UInt64 = 1

        public init() {}
        public init(kind: Kind, latentSize: Int = 64) {
            self.kind = kind
            self.latentSize = latentSize
        }

        /// Rejects shapes that cannot make the networks.
        public func validate() throws(ModelError) {
            if latentSize < 1 { throw .invalidConfig("latent size must be positive, got \(latentSize)") }
            if dataSize < 1 { throw .invalidConfig("data size must be positive, got \(dataSize)") }
            if let pack, !(1...64).contains(pack) { throw .invalidConfig("pack must be between 1 and 64, got \(pack)") }
            if kind == .dcgan && dataSize != 784 {
                throw .invalidConfig("the dcgan architecture generates 28×28 images (784 values), got data size \(dataSize)")
            }
            if kind == .mlp {
                if let h = (generatorHidden + discriminatorHidden).first(where: { $0 < 1 }) {
                    throw .invalidConfig("hidden layer sizes must be positive, got \(h)")
                }
            }
        }
    }

    public let config: Config
    public let generator: Generator
    public let discriminator: Discriminator

    /// Freshly initialised networks.
    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        switch config.kind {
        case .mlp:
            generator = GAN.mlpGenerator(config, rng: &rng)
            discriminator = Discriminator(inputSize: config.dataSize, hidden: config.discriminatorHidden,
                                          pack: config.packSize, rng: &rng)
        case .dcgan:
            generator = GAN.dcganGenerator(config, rng: &rng)
            discriminator = GAN.dcganDiscriminator(pack: config.packSize, rng: &rng)
            // Radford et al.: every conv/linear weight from N(0, 0.02), batch-norm scale from
            // N(1, 0.02), biases zero. PyTorch's default (uniform ±1/√fan-in) trains too.
            for net in [generator as Module, discriminator] {
                for (name, p) in net.namedParameters() {
                    if name.hasSuffix("bias") {
                        p.value = Tensor(shape: p.shape)
                    } else if p.shape.count == 1 {
                        p.value = Tensor.normal(p.shape, mean: 1, std: 0.02, using: &rng)
                    } else {
                        p.value = Tensor.normal(p.shape, std: 0.02, using: &rng)
                    }
                }
            }
        }
    }

    private static func mlpGenerator(_ config: Config, rng: inout RandomGenerator) -> Generator {
        var layers = MLP.layers([config.latentSize] + config.generatorHidden + [config.dataSize], activation: { ReLU() }, rng: &rng)
        if config.outputActivation == .tanh { layers.append(Tanh()) }
        return Generator(latentSize: config.latentSize, dataSize: config.dataSize, network: Sequential(layers))
    }

    private static func dcganGenerator(_ config: Config, rng: inout RandomGenerator) -> Generator {
        var layers: [any Layer] = [
            Linear(config.latentSize, 128 * 7 * 7, rng: &rng), Reshape([128, 7, 7]), BatchNorm(128), ReLU(),
            ConvTranspose2d(128, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng), BatchNorm(64), ReLU(),
            ConvTranspose2d(64, 1, kernelSize: 4, stride: 2, padding: 1, rng: &rng),
        ]
        if config.outputActivation == .tanh { layers.append(Tanh()) }
        layers.append(Flatten())
        return Generator(latentSize: config.latentSize, dataSize: 784, network: Sequential(layers))
    }

    /// With `pack` > 1 the group's images enter as `pack` channels of one image.
    private static func dcganDiscriminator(pack: Int, rng: inout RandomGenerator) -> Discriminator {
        Discriminator(network: Sequential {
            Pack(pack, into: [pack, 28, 28])
            Conv2d(pack, 64, kernelSize: 4, stride: 2, padding: 1, rng: &rng); LeakyReLU(0.2)
            Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, rng: &rng); BatchNorm(128); LeakyReLU(0.2)
            Flatten()
            Linear(128 * 7 * 7, 1, rng: &rng)
        })
    }

    /// A one-line description of both networks, for summaries.
    public var summary: String {
        let packing = config.packSize > 1 ? ", judging \(config.packSize) samples at once" : ""
        switch config.kind {
        case .mlp:
            let g = ([config.latentSize] + config.generatorHidden + [config.dataSize]).map(String.init).joined(separator: "-")
            let d = ([config.dataSize] + config.discriminatorHidden + [1]).map(String.init).joined(separator: "-")
            return "MLP GAN: generator \(g), discriminator \(d)" + packing
        case .dcgan:
            return "DCGAN: generator z(\(config.latentSize))→Linear→128×7×7→ConvT 64→ConvT 1, discriminator Conv 64→Conv 128→Linear 1" + packing
        }
    }

    /// Pixels in [0, 1] → [−1, 1], the range of the generator's tanh.
    public static func fromImages(_ pixels: Tensor) -> Tensor { pixels.map { $0 * 2 - 1 } }

    /// Generated values in [−1, 1] → pixels in [0, 1] (clamped).
    public static func toImages(_ samples: Tensor) -> Tensor { samples.map { Swift.min(Swift.max(($0 + 1) / 2, 0), 1) } }

    /// The kind tag stored in GAN checkpoints.
    public static let kind = "gan"

    /// Loads the generator and the discriminator separately, so an error says which network
    /// does not fit the stored config.
    public func loadWeights(_ tensors: [String: Tensor], path: String) throws {
        var parts: [String: [String: Tensor]] = ["generator": [:], "discriminator": [:]]
        for (name, t) in tensors {
            let prefix = name.prefix { $0 != "." }
            guard parts[String(prefix)] != nil, name.count > prefix.count + 1 else {
                throw CheckpointError.mismatch(path, "tensor '\(name)' belongs to neither the generator nor the discriminator")
            }
            parts[String(prefix)]![String(name.dropFirst(prefix.count + 1))] = t
        }
        for (name, net) in [("generator", generator as Module), ("discriminator", discriminator)] {
            do {
                try net.load(parts[name]!)
            } catch {
                throw GANError.networkMismatch(path, network: name, kind: config.kind, detail: error.description)
            }
        }
    }
}

/// Bad input specific to GANs.
public enum GANError: Error, CustomStringConvertible, Equatable {
    /// Codes of the wrong width for the generator.
    case latentSize(expected: Int, got: Int)
    /// One of the two networks in a file does not fit the config stored with it.
    case networkMismatch(String, network: String, kind: GAN.Kind, detail: String)

    public var description: String {
        switch self {
        case .latentSize(let e, let g):
            "the generator takes \(e)-dimensional latent codes, got \(g)"
        case .networkMismatch(let path, let network, let kind, let detail):
            "\(path): the \(network) does not match the \(kind.rawValue) GAN its config describes: \(detail)"
        }
    }
}
