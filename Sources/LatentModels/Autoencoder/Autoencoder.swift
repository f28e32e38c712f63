import LatentNN
import LatentTensor

/// An autoencoder: an encoder to a code and a decoder back, trained to reconstruct its input.
///
/// The decoder ends in logits; the reconstruction is σ(logits) for every kind but `.linear`,
/// whose output is the identity (so that its optimum is PCA's subspace). Parameters are named
/// `encoder.0.weight`, …, `decoder.0.weight`, ….
public final class Autoencoder: Module, SavedModel, LatentCodec {
    public let config: Autoencoder.Config
    public let encoder: Sequential
    public let decoder: Sequential
    /// Dropout on the code (the "redundant" autoencoder), if configured.
    public let codeDropout: Dropout?
    /// The stream that corrupts inputs of a denoising autoencoder; part of the model so that a
    /// resumed run draws the same noise.
    public let noise: NoiseSource

    public init(_ config: Autoencoder.Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        if config.kind == .conv {
            (encoder, decoder) = Self.convolutional(codeSize: config.codeSize, rng: &rng)
        } else {
            (encoder, decoder) = Self.perceptron(config, rng: &rng)
        }
        codeDropout = config.codeDropout > 0 ? Dropout(config.codeDropout, seed: config.seed &+ 101) : nil
        noise = NoiseSource(seed: config.seed &+ 202)
    }

    private static func perceptron(_ c: Autoencoder.Config, rng: inout RandomGenerator) -> (Sequential, Sequential) {
        let widths = c.layers
        let linear = c.kind == .linear
        var encoderLayers: [any Layer] = [], linears: [Linear] = []
        for i in 1..<widths.count {
            let layer = Linear(widths[i - 1], widths[i], initializer: c.initializer, rng: &rng)
            linears.append(layer)
            encoderLayers.append(layer)
            if i < widths.count - 1 {
                if !linear { encoderLayers.append(c.activation.layer()) }
            } else if let code = c.codeActivation.layer() {
                encoderLayers.append(code)
            }
        }
        var decoderLayers: [any Layer] = []
        for i in stride(from: widths.count - 1, to: 0, by: -1) {
            if c.tiedWeights {
                decoderLayers.append(TiedLinear(transposeOf: linears[i - 1], rng: &rng))
            } else {
                decoderLayers.append(Linear(widths[i], widths[i - 1], initializer: c.initializer, rng: &rng))
            }
            if i > 1 && !linear { decoderLayers.append(c.activation.layer()) }
        }
        return (Sequential(encoderLayers), Sequential(decoderLayers))
    }

    /// The `conv-ae` shape of BENCHMARKS.md, with the code width as a parameter.
    private static func convolutional(codeSize: Int, rng: inout RandomGenerator) -> (Sequential, Sequential) {
        let encoder = Sequential {
            Reshape([1, 28, 28])
            Conv2d(1, 32, kernelSize: 3, stride: 2, padding: 1, rng: &rng); ReLU()
            Conv2d(32, 64, kernelSize: 3, stride: 2, padding: 1, rng: &rng); ReLU()
            Flatten()
            Linear(3136, codeSize, rng: &rng)
        }
        let decoder = Sequential {
            Linear(codeSize, 3136, rng: &rng)
            Reshape([64, 7, 7])
            ConvTranspose2d(64, 32, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &rng); ReLU()
            ConvTranspose2d(32, 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &rng)
            Flatten()
        }
        return (encoder, decoder)
    }

    /// The code of each input row `[N, inputSize] → [N, code]` (no code dropout).
    public func encode(_ x: Variable) -> Variable { encoder(x) }

    /// Decoder output before the output nonlinearity.
    public func decodeLogits(_ z: Variable) -> Variable { decoder(z) }

    /// The reconstruction of codes: σ(logits), or the logits themselves for `.linear`.
    public func decode(_ z: Variable) -> Variable {
        config.kind == .linear ? decoder(z) : decoder(z).sigmoid()
    }

    /// Loss terms for a batch: `clean` is the target, `input` what the encoder sees (a corrupted
    /// copy for denoising). Returns the total, the reconstruction term (per example) and the code.
    public func losses(input: Tensor, clean: Tensor) -> (total: Variable, reconstruction: Variable, code: Variable) {
        var code = encode(Variable(input))
        let usedCode = codeDropout.map { $0(code) } ?? code
        let logits = decodeLogits(usedCode)
        let reconstruction: Variable
        switch config.loss {
        case .bce where config.kind != .linear:
            reconstruction = logits.binaryCrossEntropyWithLogits(clean, reduction: .batchMean)
        case .bce, .mse:
            let output = config.kind == .linear ? logits : logits.sigmoid()
            reconstruction = output.mseLoss(clean, reduction: .batchMean)
        }
        var total = reconstruction
        switch config.sparsity {
        case .none: break
        case .l1(let weight):
            total = total + code.abs().sum() * (weight / Float(input.shape[0]))
        case .kl(let rho, let weight):
            // ρ̂ kept inside (0, 1) so the logarithms stay finite.
            let rhoHat = code.mean(axis: 0) * (1 - 2e-6) + 1e-6
            let kl = (rho * logf(rho) + (1 - rho) * logf(1 - rho))
                - (rhoHat.log() * rho + (1 - rhoHat).log() * (1 - rho)).sum()
            total = total + kl * weight
        }
        code = code.detached()
        return (total, reconstruction, code)
    }

    /// Reconstructions of `inputs` in batches, without gradients, in evaluation mode.
    public func reconstruct(_ inputs: Tensor, batchSize: Int = 500) -> Tensor {
        inferInBatches(inputs, batchSize: batchSize, emptyShape: [0, config.inputSize]) { decode(encode($0)) }
    }

    /// Squared error per image: Σ over pixels of (reconstruction − target)², mean over images.
    public static func squaredErrorPerImage(_ reconstruction: Tensor, _ target: Tensor) -> Double {
        precondition(reconstruction.shape == target.shape, "squaredErrorPerImage: \(reconstruction.shape) vs \(target.shape)")
        var total = 0.0
        reconstruction.withUnsafeBufferPointer { r in
            target.withUnsafeBufferPointer { t in
                for i in r.indices { let d = Double(r[i] - t[i]); total += d * d }
            }
        }
        return total / Double(Swift.max(target.shape[0], 1))
    }

    /// How sparse codes are: mean activation and the fraction of values below `threshold`.
    public static func sparsity(of codes: Tensor, threshold: Float = 0.05) -> (meanActivation: Double, nearZero: Double) {
        var sum = 0.0, small = 0
        codes.withUnsafeBufferPointer { p in
            for v in p { sum += Double(v); if Swift.abs(v) < threshold { small += 1 } }
        }
        let n = Double(Swift.max(codes.count, 1))
        return (sum / n, Double(small) / n)
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Autoencoder.Config.CodeActivation {
    /// The layer applying this activation, or nil for `.linear`.
    func layer() -> (any Layer)? {
        switch self {
        case .linear: nil
        case .sigmoid: Sigmoid()
        case .relu: ReLU()
        }
    }
}

/// A module that only owns a random stream (corruption noise), so checkpoints carry its state.
public final class NoiseSource: Module, RandomStateful {
    public var rng: RandomGenerator
    public init(seed: UInt64) { rng = RandomGenerator(seed: seed) }
}

extension Autoencoder {
    /// The kind tag stored in autoencoder model files.
    public static let kind = "autoencoder"

    /// The shape in a few words (`"deep 784-1000-500-250-30"`).
    public var summary: String { config.summary }

    /// The code's width.
    public var latentSize: Int { config.codeWidth }

    /// Pixels per image it reconstructs.
    public var dataSize: Int { config.inputSize }

    /// Codes `[N, codeWidth]` of inputs `[N, inputSize]`, in batches, in evaluation mode.
    public func encode(_ inputs: Tensor) -> Tensor {
        inferInBatches(inputs, emptyShape: [0, config.codeWidth]) { encode($0) }
    }

    /// Reconstructions from codes `[N, codeWidth]`, in batches, in evaluation mode.
    public func decode(_ codes: Tensor) -> Tensor {
        inferInBatches(codes, emptyShape: [0, config.inputSize]) { decode($0) }
    }
}
