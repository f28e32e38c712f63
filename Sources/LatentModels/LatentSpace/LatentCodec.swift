import LatentTensor

/// A model that turns codes into inputs: the half that every latent-space model shares.
public protocol LatentDecoder: AnyObject {
    /// Dimension D of a code.
    var latentSize: Int { get }
    /// Values per example it makes (784 for an MNIST digit): the width of what `decode` returns,
    /// and of what a codec's `encode` takes. Inputs from files are checked against it.
    var dataSize: Int { get }
    /// Inputs `[N, features]` decoded from codes `[N, D]`, as values in [0, 1] for images.
    func decode(_ codes: Tensor) -> Tensor
}

/// A model with a latent space: it maps inputs to codes and codes back to inputs. Every
/// latent-space tool (interpolation, attribute arithmetic, class-conditional sampling, grids and
/// scatters of codes) is written against this protocol, so it works with a VAE and with every
/// autoencoder alike.
public protocol LatentCodec: LatentDecoder {
    /// Codes `[N, D]` of inputs `[N, features]` (a VAE gives the posterior means).
    func encode(_ inputs: Tensor) -> Tensor
}

/// A model that makes new inputs from codes drawn from a prior: a VAE's decoder or a GAN's
/// generator. `latent sample` and `latent interpolate` are written against it, so they need no
/// encoder.
public protocol LatentGenerator: LatentDecoder {
    /// `count` codes drawn from the prior, `[count, D]`.
    func samplePrior(count: Int, using rng: inout RandomGenerator) -> Tensor
}

/// A codec with a prior over its codes, so new inputs can be generated without data.
public protocol GenerativeCodec: LatentCodec, LatentGenerator {
    /// The value below which the prior's marginal along `dimension` puts probability `level`
    /// (a grid over these values covers the prior evenly).
    func priorQuantile(_ level: Double, dimension: Int) -> Double
}

extension LatentDecoder {
    /// `decode(codes)` in batches of `batchSize`, so large grids need little memory.
    public func decodeInBatches(_ codes: Tensor, batchSize: Int = 1000) -> Tensor {
        let n = codes.shape[0]
        if n <= batchSize { return decode(codes) }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: n, by: batchSize) { parts.append(decode(codes.rows(start..<Swift.min(start + batchSize, n)))) }
        return Tensor.concat(parts, axis: 0)
    }
}

extension LatentGenerator {
    /// `count` new inputs: codes drawn from the prior, decoded.
    public func sample(count: Int, using rng: inout RandomGenerator) -> Tensor {
        decode(samplePrior(count: count, using: &rng))
    }
}

extension LatentCodec {
    /// `encode(inputs)` in batches of `batchSize`.
    public func encodeInBatches(_ inputs: Tensor, batchSize: Int = 1000) -> Tensor {
        let n = inputs.shape[0]
        if n <= batchSize { return encode(inputs) }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: n, by: batchSize) { parts.append(encode(inputs.rows(start..<Swift.min(start + batchSize, n)))) }
        return Tensor.concat(parts, axis: 0)
    }
}
