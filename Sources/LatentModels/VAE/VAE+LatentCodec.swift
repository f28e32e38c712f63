import LatentNN
import LatentTensor

extension VAE: GenerativeCodec, SavedModel {
    /// The kind tag stored in VAE model files.
    public static let kind = "vae"

    /// The architecture in a few words.
    public var summary: String { config.summary }

    /// Pixels per image it encodes and decodes.
    public var dataSize: Int { config.inputSize }

    /// Posterior means μ(x) `[N, D]`: the VAE's deterministic code of each input.
    public func encode(_ inputs: Tensor) -> Tensor {
        withEvaluation { posterior(Variable(inputs)).mean.value }
    }

    /// The decoder's mean image for each code: sigmoid of its output, in [0, 1].
    public func decode(_ codes: Tensor) -> Tensor {
        withEvaluation { decoderOutput(Variable(codes)).value.map(stableSigmoid) }
    }

    /// Draws from the prior: 𝒩(0, I) or the learned mixture.
    public func samplePrior(count: Int, using rng: inout RandomGenerator) -> Tensor {
        if let mixture { return mixture.sample(count: count, using: &rng) }
        return Tensor.normal([count, latentSize], using: &rng)
    }

    /// The standard normal quantile for the 𝒩(0, I) prior; for a mixture, the empirical quantile
    /// of 20,000 draws from it (seeded, so the same model gives the same grid).
    public func priorQuantile(_ level: Double, dimension: Int) -> Double {
        guard mixture != nil else { return StandardNormal.quantile(level) }
        var r = RandomGenerator(seed: 0x9A1D)
        let draws = samplePrior(count: 20_000, using: &r)
        let column = (0..<20_000).map { Double(draws.unsafeBaseAddress[$0 * latentSize + dimension]) }.sorted()
        let index = Swift.min(column.count - 1, Swift.max(0, Int((level * Double(column.count)).rounded(.down))))
        return column[index]
    }
}
