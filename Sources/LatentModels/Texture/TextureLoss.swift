import LatentTensor

/// The losses of texture synthesis and style transfer (Gatys, Ecker & Bethge, 2015, 2016), over
/// feature maps `[1, C, H, W]` of a `TextureFeatures` network.
///
/// - Gram matrix of a layer with C maps of M = H·W positions: G = F Fᵀ / (C·M), F the `[C, M]`
///   maps. Dividing by the map size makes layers of different sizes comparable (and the same
///   texture at another image size gives about the same matrix).
/// - Style loss: Σₗ wₗ Σᵢⱼ (Gₗ − Aₗ)²ᵢⱼ, A the style image's Gram matrices. Gatys et al.'s
///   layer term is (1 / 4C²M²) Σ (FFᵀ − AAᵀ)², which is the same up to a factor ¼.
/// - Content loss: the mean squared difference of one layer's maps, (1 / C·M) Σ (F − P)².
/// - Total variation: mean squared difference of vertically and horizontally adjacent pixels,
///   summed over the two directions; a smoothness prior against high-frequency noise.
public enum TextureLoss {
    /// G = F Fᵀ / (C·M) of `features` `[1, C, H, W]`: a `[C, C]` matrix.
    public static func gram(_ features: Variable) -> Variable {
        let c = features.shape[1], m = features.shape[2] * features.shape[3]
        let f = features.reshaped([c, m])
        return f.matmul(f, transposeOther: true) * (1 / Float(c * m))
    }

    /// Σᵢⱼ (G − A)²ᵢⱼ for one layer.
    public static func styleTerm(_ gram: Variable, target: Tensor) -> Variable {
        (gram - Variable(target)).square().sum()
    }

    /// (1 / C·M) Σ (F − P)².
    public static func content(_ features: Variable, target: Tensor) -> Variable {
        (features - Variable(target)).square().mean()
    }

    /// Mean squared difference of vertical neighbours plus that of horizontal neighbours of an
    /// image `[N, C, H, W]` (H, W ≥ 2).
    public static func totalVariation(_ image: Variable) -> Variable {
        let h = image.shape[2], w = image.shape[3]
        let vertical = image.slice(axis: 2, 1..<h) - image.slice(axis: 2, 0..<(h - 1))
        let horizontal = image.slice(axis: 3, 1..<w) - image.slice(axis: 3, 0..<(w - 1))
        return vertical.square().mean() + horizontal.square().mean()
    }
}
