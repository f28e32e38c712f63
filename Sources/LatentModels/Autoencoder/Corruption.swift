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

    /// A corrupted copy of `x` (examples along axis 0). Every element takes one draw from `rng`,
    /// whatever its value, so the noise of a row depends only on the generator; in a data-parallel
    /// step it is the noise a single process would draw for that row (`ExampleShard`).
    public func apply(_ x: Tensor, using rng: inout RandomGenerator) -> Tensor {
        if case .none = self { return x }
        let rowShape = Array(x.shape.dropFirst())
        let noise = ExampleShard.draw(rows: x.shape.first ?? 1) { rows in
            var u = Tensor(uninitializedShape: x.shape.isEmpty ? [] : [rows] + rowShape)
            u.withUnsafeMutableBufferPointer { p in
                if case .gaussian = self {
                    for i in p.indices { p[i] = rng.nextNormal() }
                } else {
                    for i in p.indices { p[i] = rng.nextFloat() }
                }
            }
            return u
        }
        var out = x
        out.withUnsafeMutableBufferPointer { p in
            noise.withUnsafeBufferPointer { u in
                switch self {
                case .none:
                    break
                case .gaussian(let std):
                    for i in p.indices { p[i] = Swift.min(Swift.max(p[i] + std * u[i], 0), 1) }
                case .masking(let prob):
                    for i in p.indices where u[i] < prob { p[i] = 0 }
                case .saltAndPepper(let prob):
                    // u < p/2: pepper (0); p/2 ≤ u < p: salt (1): each with probability p/2.
                    for i in p.indices where u[i] < prob { p[i] = u[i] < prob / 2 ? 0 : 1 }
                }
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
