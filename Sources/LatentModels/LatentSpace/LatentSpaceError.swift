/// A latent-space request that cannot be carried out; each message names the value at fault.
public enum LatentSpaceError: Error, CustomStringConvertible, Equatable {
    /// A 2-d grid was asked of a model whose latent space has another dimension.
    case dimensionsRequired(latentSize: Int)
    /// A latent dimension outside 0..<latentSize.
    case dimensionOutOfRange(Int, latentSize: Int)
    /// An example index outside the data.
    case indexOutOfRange(Int, count: Int)
    /// A class with too few examples to fit.
    case tooFewExamples(label: Int, count: Int, needed: Int)
    /// Inputs whose feature count does not match the model.
    case featureMismatch(expected: Int, got: Int)
    /// Any other invalid argument.
    case invalid(String)

    public var description: String {
        switch self {
        case .dimensionsRequired(let d):
            "the model has a \(d)-d latent space; a grid needs two of its dimensions chosen"
        case .dimensionOutOfRange(let j, let d): "latent dimension \(j) is outside 0..<\(d)"
        case .indexOutOfRange(let i, let n): "image index \(i) is out of range: the data has \(n) images (0..<\(n))"
        case .tooFewExamples(let c, let n, let k): "class \(c) has \(n) examples; fitting it needs at least \(k)"
        case .featureMismatch(let e, let g): "the model expects \(e) features per input, got \(g)"
        case .invalid(let m): m
        }
    }
}
