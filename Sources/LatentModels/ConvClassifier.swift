import LatentIO
import LatentNN
import LatentTensor

/// A convolutional classifier for images given as flat rows `[N, channels × height × width]`
/// (channels first, as the datasets store them): blocks of convolution ("same" padding for odd
/// kernels unless set), ReLU and max pooling, then fully connected hidden layers and the logits.
///
/// The default is the small LeNet-style network most MNIST adversarial-robustness work uses
/// (two blocks of 3×3 convolutions with 32 and 64 channels, 2×2 pooling, 128 hidden units).
/// Parameters are named as a PyTorch module with two `nn.Sequential`s would name them:
/// `features.0.weight`, `features.3.weight`, … and `classifier.0.weight`, …, with the flatten
/// between them.
public final class ConvClassifier: Module, LabelPredictor, SavedModel {
    /// The shape of the network; stored in its model files.
    public struct Config: Codable, Sendable, Equatable {
        public var channels = 1
        public var height = 28
        public var width = 28
        /// Output channels of each convolution block.
        public var convolutions = [32, 64]
        /// Square kernel of every convolution.
        public var kernelSize = 3
        /// Zero padding of every convolution; nil is "same" padding (kernelSize / 2), 0 "valid".
        public var padding: Int?
        /// Max-pooling window (and stride) after each block; 1 means no pooling.
        public var pool = 2
        /// Fully connected hidden layers after the convolutions.
        public var hidden = [128]
        public var classes = 10
        public var dropout: Float = 0
        /// Batch normalisation after every convolution (before its ReLU) when true. Optional so
        /// model files written before it existed, which have no such key, still load (as nil: no
        /// normalisation), and a network without it keeps its config text.
        public var batchNorm: Bool?
        /// A value per channel subtracted from every input pixel before the first convolution; nil
        /// subtracts nothing. A network taken from a DANN keeps the DANN's centring this way (it
        /// learned on centred inputs), so it still classifies raw images.
        public var inputMean: [Float]?
        public var seed: UInt64 = 1

        public init() {}

        /// The shape in a few words: "conv 1×28×28 → 3×3×32 → 3×3×64 (max-pool 2) → 128-10".
        public var summary: String {
            "conv \(channels)×\(height)×\(width) → "
                + convolutions.map { "\(kernelSize)×\(kernelSize)×\($0)" }.joined(separator: " → ")
                + (pool > 1 ? " (max-pool \(pool))" : "") + (batchNorm == true ? " (batch norm)" : "")
                + " → " + (hidden + [classes]).map(String.init).joined(separator: "-")
        }

        /// The padding every convolution uses.
        public var convolutionPadding: Int { padding ?? kernelSize / 2 }

        /// Flat input width, `channels × height × width`.
        public var inputSize: Int { channels * height * width }

        /// The `[channels, height, width]` after each block, or nil if a block would shrink the
        /// image to nothing.
        public var blockShapes: [[Int]]? {
            var (c, h, w) = (channels, height, width)
            var shapes: [[Int]] = []
            for out in convolutions {
                let p = convolutionPadding
                h = h + 2 * p - kernelSize + 1
                w = w + 2 * p - kernelSize + 1
                if pool > 1 { h /= pool; w /= pool }
                guard h >= 1 && w >= 1 else { return nil }
                c = out
                shapes.append([c, h, w])
            }
            return shapes
        }

        /// Features entering the first fully connected layer.
        public var flatFeatures: Int { blockShapes?.last.map { $0.reduce(1, *) } ?? inputSize }

        /// Rejects shapes that cannot make a network, and sizes no machine could hold (a
        /// configuration may come from a file, so every count is bounded before anything is
        /// allocated).
        public func validate() throws(ModelError) {
            let limit = 1 << 20
            for (name, value) in [("channels", channels), ("height", height), ("width", width)] where !(1...limit).contains(value) {
                throw .invalidConfig("\(name) must be in 1...\(limit), got \(value)")
            }
            if inputSize > 1 << 26 { throw .invalidConfig("input of \(channels)×\(height)×\(width) is too large") }
            if classes < 2 || classes > limit { throw .invalidConfig("classes must be in 2...\(limit), got \(classes)") }
            if convolutions.isEmpty { throw .invalidConfig("a convolutional classifier needs at least one convolution") }
            if let c = (convolutions + hidden).first(where: { !(1...65_536).contains($0) }) {
                throw .invalidConfig("layer widths must be in 1...65536, got \(c)")
            }
            if !(1...31).contains(kernelSize) { throw .invalidConfig("kernel size must be in 1...31, got \(kernelSize)") }
            if !(1...16).contains(pool) { throw .invalidConfig("pooling window must be in 1...16, got \(pool)") }
            if let padding, !(0...kernelSize).contains(padding) {
                throw .invalidConfig("padding must be in 0...\(kernelSize) for a \(kernelSize)×\(kernelSize) kernel, got \(padding)")
            }
            guard blockShapes != nil else {
                throw .invalidConfig("\(convolutions.count) blocks of \(kernelSize)×\(kernelSize) convolutions and \(pool)×\(pool) pooling shrink a \(height)×\(width) image to nothing")
            }
            // Every weight matrix, bounded (64 Mi weights, 256 MB).
            let widths = [flatFeatures] + hidden + [classes]
            let dense = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
            if dense > 1 << 26 { throw .invalidConfig("fully connected layers of \(widths) need \(dense) weights; at most \(1 << 26)") }
            if !(dropout >= 0 && dropout < 1) { throw .invalidConfig("dropout must be in [0, 1), got \(dropout)") }
            if let mean = inputMean, mean.count != channels || !mean.allSatisfy({ $0.isFinite }) {
                throw .invalidConfig("the input mean needs one finite value per channel (\(channels)), got \(mean)")
            }
        }
    }

    /// The kind tag stored in its model files.
    public static let kind = "conv-classifier"

    public let config: Config
    public let features: Sequential
    public let classifier: Sequential
    /// `config.inputMean` spread over a flat image row `[1, channels × height × width]`.
    private let inputShift: Tensor?

    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        let plane = config.height * config.width
        inputShift = config.inputMean.map { mean in
            Tensor(shape: [1, config.inputSize], scalars: mean.flatMap { [Float](repeating: $0, count: plane) })
        }
        var rng = RandomGenerator(seed: config.seed)
        var layers: [any Layer] = []
        var inChannels = config.channels
        for out in config.convolutions {
            layers.append(Conv2d(inChannels, out, kernelSize: config.kernelSize, padding: config.convolutionPadding, rng: &rng))
            if config.batchNorm == true { layers.append(BatchNorm(out)) }
            layers.append(ReLU())
            if config.pool > 1 { layers.append(MaxPool2d(config.pool)) }
            inChannels = out
        }
        features = Sequential(layers)
        classifier = Sequential(MLP.layers([config.flatFeatures] + config.hidden + [config.classes],
                                           initializer: .pytorchDefault, activation: { ReLU() },
                                           dropout: { i in config.dropout > 0 ? Dropout(config.dropout, seed: config.seed &+ UInt64(i) &+ 1) : nil },
                                           rng: &rng))
    }

    public override var children: [(String, Module)] { [("features", features), ("classifier", classifier)] }

    public var classCount: Int { config.classes }
    public var inputSize: Int { config.inputSize }

    public var summary: String { config.summary }

    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        let kernel = config.kernelSize * config.kernelSize
        let channels = [config.channels] + config.convolutions
        let convolution = zip(channels, channels.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 * kernel }
        return convolution + InputLimits.denseWeights([config.flatFeatures] + config.hidden + [config.classes])
    }

    /// Logits `[N, classes]` of flat images `[N, channels × height × width]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        classifier(embed(input))
    }

    /// The convolutional features of flat images, flattened: `[N, config.flatFeatures]` (what the
    /// fully connected layers read; a domain classifier or a t-SNE reads them too).
    public func embed(_ input: Variable) -> Variable {
        let centred = inputShift.map { input - Variable($0) } ?? input
        let images = centred.reshaped([input.shape[0], config.channels, config.height, config.width])
        let maps = features(images)
        return maps.reshaped([maps.shape[0], config.flatFeatures])
    }
}
