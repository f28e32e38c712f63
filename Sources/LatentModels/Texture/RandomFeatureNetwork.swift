import LatentIO
import LatentNN
import LatentTensor

/// Random multi-scale filters: texture features that need no trained weights (and so no
/// download of a 500 MB VGG).
///
/// Ustyuzhaninov et al. (2016) showed that a single convolutional layer of random filters of
/// several sizes, with a ReLU, synthesises textures about as well as VGG when the style loss
/// compares Gram matrices of its maps; He, Wang & Hopcroft (2016) did style transfer with
/// untrained networks. This network gets its large receptive fields cheaply: instead of filters
/// of 3 to 55 pixels on the full image, it applies `kernelSize` × `kernelSize` random filters to
/// an image pyramid (each level the previous one averaged over 2 × 2 pixels), so scale s sees
/// patches of kernelSize · 2ˢ pixels at 1/4ˢ of the cost:
///
///     x₀ = image − ½,   xₛ₊₁ = avgpool₂(xₛ),   featuresₛ = ReLU(convₛ(xₛ))
///
/// Filters are drawn N(0, 2 / fan-in) (He initialisation, so every scale's maps have similar
/// magnitudes) and biases N(0, ⅛²), from `seed`. Weights are named `scales.<s>.weight` /
/// `.bias` in PyTorch's `Conv2d` layout, so `save(to:)` writes a safetensors file a PyTorch
/// `nn.ModuleList` of `Conv2d` loads as is.
public final class RandomFeatureNetwork: Module, SavedModel, TextureFeatures {
    /// The shape of the network; stored in its file.
    public struct Config: Codable, Equatable, Sendable {
        /// Filters at each scale; the number of entries is the number of pyramid levels.
        public var channels: [Int] = [64, 64, 64, 64, 64]
        /// Side of every filter (odd; padded so maps keep their level's size). 3 × 3, as VGG's:
        /// 64 filters over a 27-value colour patch are over-complete, so the Gram matrices pin
        /// down the fine scale's statistics (5 × 5 filters, 75 values, left colour noise in
        /// textures synthesised at 128 × 128), and the pyramid supplies the large scales.
        public var kernelSize = 3
        /// Seed of the random filters.
        public var seed: UInt64 = 1

        public init(channels: [Int] = [64, 64, 64, 64, 64], kernelSize: Int = 3, seed: UInt64 = 1) {
            self.channels = channels
            self.kernelSize = kernelSize
            self.seed = seed
        }

        /// Refuses shapes that cannot build a network.
        public func validate() throws(ModelError) {
            if channels.isEmpty || channels.count > 10 { throw .invalidConfig("texture network needs 1–10 scales, got \(channels.count)") }
            if let c = channels.first(where: { !(1...1024).contains($0) }) { throw .invalidConfig("texture network channels must be in 1...1024, got \(c)") }
            if kernelSize < 1 || kernelSize > 31 || kernelSize % 2 == 0 {
                throw .invalidConfig("texture network kernel size must be odd and in 1...31, got \(kernelSize)")
            }
        }
    }

    public static let kind = "texture-features"

    /// Weights of every scale's 3-channel filters and biases.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        return config.channels.reduce(0) { $0 + $1 * (3 * config.kernelSize * config.kernelSize + 1) }
    }
    public let config: Config
    /// One convolution per pyramid level.
    public let scales: [Conv2d]
    /// The fixed 2 × 2 box filter of the pyramid, as a stride-2 convolution (channel c to c); a
    /// tensor, not a `Variable`, so it is not a parameter and is not saved.
    private let poolFilter: Tensor

    public init(_ config: Config) throws {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        let k = config.kernelSize
        scales = config.channels.map { c in
            let conv = Conv2d(3, c, kernelSize: k, padding: k / 2, rng: &rng)
            conv.weight.value = Tensor.normal([c, 3, k, k], std: (2 / Float(3 * k * k)).squareRoot(), using: &rng)
            conv.bias?.value = Tensor.normal([c], std: 0.125, using: &rng)
            conv.weight.requiresGrad = false
            conv.bias?.requiresGrad = false
            return conv
        }
        var box = Tensor(shape: [3, 3, 2, 2])
        for c in 0..<3 { for i in 0..<2 { for j in 0..<2 { box[c, c, i, j] = 0.25 } } }
        poolFilter = box
        super.init()
        eval()
    }

    public var summary: String {
        "random filters, \(config.channels.count) scales × \(config.kernelSize)×\(config.kernelSize), channels \(config.channels.map(String.init).joined(separator: "-")), seed \(config.seed)"
    }

    public var layerNames: [String] { scales.indices.map { "scale\($0)" } }

    /// Level s halves the image s times; its filter needs at least one pixel.
    public var minimumSide: Int { 1 << (scales.count - 1) }

    /// The content loss compares the middle scale by default: fine enough to keep the layout,
    /// coarse enough to leave the style free at the smallest scale.
    public var defaultContentLayer: Int { scales.count / 2 }

    public func features(_ image: Variable) -> [Variable] {
        var x = image - 0.5
        let pool = Variable(poolFilter)
        var maps: [Variable] = []
        for (s, conv) in scales.enumerated() {
            if s > 0 { x = Variable.conv2d(x, weight: pool, bias: nil, stride: 2) }
            maps.append(conv(x).relu())
        }
        return maps
    }

    // The weights are constants of the losses: a saved network is loaded without gradients.
    public func loadWeights(_ tensors: [String: Tensor], path: String) throws {
        try Checkpoint.load(tensors, into: self, path: path)
        for (_, p) in namedParameters() { p.requiresGrad = false }
    }
}
