import LatentTensor

/// Noise applied to the input of a denoising autoencoder; the loss compares the reconstruction
/// with the clean input (Vincent et al., 2008).
public enum Corruption: Codable, Sendable, Equatable {
    /// No noise.
    case none
    /// x + N(0, σ²), clipped to [0, 1].
    case gaussian(std: Float)
    /// Each pixel set to 0 with probability p ("masking noise").
    case masking(probability: Float)
    /// Each pixel set to 0 or 1 (equally likely) with probability p.
    case saltAndPepper(probability: Float)

    /// A corrupted copy of `x`.
    public func apply(_ x: Tensor, using rng: inout RandomGenerator) -> Tensor {
        var out = x
        switch self {
        case .none:
            return x
        case .gaussian(let std):
            out.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] = Swift.min(Swift.max(p[i] + std * rng.nextNormal(), 0), 1) }
            }
        case .masking(let prob):
            out.withUnsafeMutableBufferPointer { p in
                for i in p.indices where rng.nextFloat() < prob { p[i] = 0 }
            }
        case .saltAndPepper(let prob):
            out.withUnsafeMutableBufferPointer { p in
                for i in p.indices where rng.nextFloat() < prob { p[i] = rng.nextFloat() < 0.5 ? 0 : 1 }
            }
        }
        return out
    }

    /// Rejects probabilities outside [0, 1) and negative deviations.
    public func validate() throws(ModelError) {
        switch self {
        case .none: break
        case .gaussian(let s): if !(s >= 0) { throw .invalidConfig("noise standard deviation must be ≥ 0, got \(s)") }
        case .masking(let p), .saltAndPepper(let p):
            if !(p >= 0 && p < 1) { throw .invalidConfig("noise probability must be in [0, 1), got \(p)") }
        }
    }

    /// A short description for reports.
    public var summary: String {
        switch self {
        case .none: "none"
        case .gaussian(let s): "Gaussian σ = \(s)"
        case .masking(let p): "masking \(Int((p * 100).rounded())) % of pixels"
        case .saltAndPepper(let p): "salt and pepper on \(Int((p * 100).rounded())) % of pixels"
        }
    }
}
