import LatentTensor

/// How far codes spread out: the mean Euclidean norm of a code and the variance of every latent
/// dimension. A VAE's KL term pulls its codes toward N(0, I) (norm near √D, variances near 1);
/// without it (β = 0, or a plain autoencoder) nothing does, and they drift far out.
public struct CodeSpread: Sendable, Equatable {
    /// Mean over codes of |z|.
    public let meanNorm: Double
    /// Per latent dimension: the variance over codes (dividing by N).
    public let variances: [Double]

    /// The spread of codes `[N, D]` (zeros for no codes).
    public init(_ codes: Tensor) {
        precondition(codes.rank == 2, "CodeSpread: codes of shape \(codes.shape)")
        let n = codes.shape[0], d = codes.shape[1], p = codes.scalars
        let count = Double(Swift.max(n, 1))
        meanNorm = (0..<n).reduce(0.0) { s, i in
            s + (0..<d).reduce(0.0) { $0 + Double(p[i * d + $1]) * Double(p[i * d + $1]) }.squareRoot()
        } / count
        variances = (0..<d).map { j in
            let mean = (0..<n).reduce(0.0) { $0 + Double(p[$1 * d + j]) } / count
            return (0..<n).reduce(0.0) { $0 + (Double(p[$1 * d + j]) - mean) * (Double(p[$1 * d + j]) - mean) } / count
        }
    }
}
