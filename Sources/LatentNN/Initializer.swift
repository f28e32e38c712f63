import LatentTensor

/// How a layer's weights are drawn. Fan-in and fan-out count kernel elements for convolutions.
public enum Initializer: String, Sendable, Codable, CaseIterable {
    /// PyTorch's default for Linear/Conv: U(−1/√fanIn, 1/√fanIn) (Kaiming-uniform with a = √5).
    case pytorchDefault = "pytorch-default"
    /// Glorot & Bengio (2010): U(−a, a), a = √(6 / (fanIn + fanOut)); for tanh and sigmoid units.
    case xavierUniform = "xavier-uniform"
    /// Glorot normal: N(0, 2 / (fanIn + fanOut)).
    case xavierNormal = "xavier-normal"
    /// He et al. (2015): U(−a, a), a = √(6 / fanIn); for ReLU units.
    case heUniform = "he-uniform"
    /// He normal: N(0, 2 / fanIn).
    case heNormal = "he-normal"

    /// A tensor of `shape` drawn from this distribution.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, rng: inout RandomGenerator) -> Tensor {
        let fi = Float(Swift.max(fanIn, 1)), fo = Float(Swift.max(fanOut, 1))
        switch self {
        case .pytorchDefault:
            let a = 1 / fi.squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, using: &rng)
        case .xavierUniform:
            let a = (6 / (fi + fo)).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, using: &rng)
        case .xavierNormal:
            return Tensor.normal(shape, std: (2 / (fi + fo)).squareRoot(), using: &rng)
        case .heUniform:
            let a = (6 / fi).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, using: &rng)
        case .heNormal:
            return Tensor.normal(shape, std: (2 / fi).squareRoot(), using: &rng)
        }
    }
}
