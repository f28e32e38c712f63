import LatentTensor

extension GAN: LatentGenerator {
    public var latentSize: Int { config.latentSize }

    /// Values per generated image.
    public var dataSize: Int { config.dataSize }

    /// Codes from the generator's N(0, I) prior.
    public func samplePrior(count: Int, using rng: inout RandomGenerator) -> Tensor {
        generator.samplePrior(count: count, using: &rng)
    }

    /// Generated images in [0, 1], in evaluation mode. `codes` must be `[N, latentSize]`: check
    /// codes from files with `generator.generate`, which throws on a mismatch.
    public func decode(_ codes: Tensor) -> Tensor {
        do {
            return GAN.toImages(try generator.generate(codes))
        } catch {
            preconditionFailure("GAN.decode: \(error)")
        }
    }
}
