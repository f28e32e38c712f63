import LatentTensor

/// What a synthesised image is scored on: Gram matrices of chosen layers against those of a
/// style image, optionally one layer's maps against those of a content image, and optionally
/// total variation (see `TextureLoss` for the formulas):
///
///     total = styleWeight · style + contentWeight · content + tvWeight · tv
public struct TextureObjective {
    /// The feature network.
    public let network: any TextureFeatures
    /// Layers whose Gram matrices are matched, and each one's weight.
    public let styleLayers: [Int], layerWeights: [Float]
    /// The style image's Gram matrix at each of `styleLayers`.
    public let styleTargets: [Tensor]
    public let styleWeight: Float
    /// The content layer and the content image's maps there (nil: texture synthesis).
    public let contentLayer: Int?, contentTarget: Tensor?
    public let contentWeight: Float
    public let tvWeight: Float

    /// The loss of one image, with its parts before weighting.
    public struct Terms {
        /// The weighted sum, on the tape.
        public var total: Variable
        /// Σₗ wₗ Σ (Gₗ − Aₗ)², unweighted by `styleWeight`.
        public var style: Float
        /// Mean squared feature difference at the content layer (0 without content).
        public var content: Float
        /// Total variation (0 when its weight is 0: not computed).
        public var tv: Float
    }

    /// The objective of matching `style` (`[1, 3, H, W]` in [0, 1]) at `styleLayers` and, when
    /// given, `content` at `contentLayer`. Layer indices must be valid for `network`.
    public init(network: any TextureFeatures, style: Tensor, styleLayers: [Int], layerWeights: [Float]? = nil,
                styleWeight: Float = 1, content: Tensor? = nil, contentLayer: Int? = nil, contentWeight: Float = 1,
                tvWeight: Float = 0) {
        let count = network.layerNames.count
        precondition(!styleLayers.isEmpty && styleLayers.allSatisfy { (0..<count).contains($0) },
                     "TextureObjective: style layers \(styleLayers) outside 0..<\(count)")
        self.network = network
        self.styleLayers = styleLayers
        self.layerWeights = layerWeights ?? [Float](repeating: 1, count: styleLayers.count)
        let maps = withoutGradients { network.features(Variable(style)) }
        styleTargets = withoutGradients { styleLayers.map { TextureLoss.gram(maps[$0]).value } }
        self.styleWeight = styleWeight
        if let content {
            let layer = contentLayer ?? network.defaultContentLayer
            precondition((0..<count).contains(layer), "TextureObjective: content layer \(layer) outside 0..<\(count)")
            self.contentLayer = layer
            contentTarget = withoutGradients { network.features(Variable(content))[layer].value }
        } else {
            self.contentLayer = nil
            contentTarget = nil
        }
        self.contentWeight = contentWeight
        self.tvWeight = tvWeight
    }

    /// The loss of `image` (`[1, 3, H, W]`), recorded on the tape when gradients are on.
    public func evaluate(_ image: Variable) -> Terms {
        let maps = network.features(image)
        var style: Variable?
        for (k, layer) in styleLayers.enumerated() {
            let term = TextureLoss.styleTerm(TextureLoss.gram(maps[layer]), target: styleTargets[k]) * layerWeights[k]
            style = style.map { $0 + term } ?? term
        }
        let styleLoss = style ?? Variable(Tensor(scalar: 0))
        var total = styleLoss * styleWeight
        var content: Float = 0, tv: Float = 0
        if let contentLayer, let contentTarget {
            let c = TextureLoss.content(maps[contentLayer], target: contentTarget)
            content = c.value.scalar
            total = total + c * contentWeight
        }
        if tvWeight > 0 {
            let t = TextureLoss.totalVariation(image)
            tv = t.value.scalar
            total = total + t * tvWeight
        }
        return Terms(total: total, style: styleLoss.value.scalar, content: content, tv: tv)
    }
}
