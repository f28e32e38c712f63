import LatentNN

/// Everything that defines an autoencoder; stored in its checkpoints.
///
/// One configurable family covers the lectures' story: undercomplete and deep MLPs, sparse codes
/// (L1 or KL to a target activation), denoising (corrupted input, clean target), dropout on the
/// code, a convolutional encoder/decoder, and the linear autoencoder whose optimum spans the same
/// subspace as PCA.
extension Autoencoder {
public struct Config: Codable, Sendable, Equatable {
    /// The kinds offered on the command line; each sets sensible defaults for the fields below.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case deep, sparse, denoising, dropout, conv, linear
    }

    /// What the reconstruction is compared with the input by.
    public enum Loss: String, Codable, Sendable, CaseIterable {
        /// Squared error summed over pixels, mean over images.
        case mse
        /// Bernoulli cross-entropy summed over pixels, mean over images (Hinton & Salakhutdinov).
        case bce
    }

    /// The nonlinearity on the code layer.
    public enum CodeActivation: String, Codable, Sendable, CaseIterable {
        case linear, sigmoid, relu
    }

    /// A penalty that keeps an (over-complete) code sparse.
    public enum Sparsity: Codable, Sendable, Equatable {
        case none
        /// weight · Σ|code| per example.
        case l1(weight: Float)
        /// weight · Σⱼ KL(ρ ‖ ρ̂ⱼ), ρ̂ⱼ the mean activation of code unit j over the batch
        /// (needs a sigmoid code).
        case kl(target: Float, weight: Float)
    }

    public var kind = Kind.deep
    /// Width of each input example (784 for MNIST).
    public var inputSize = 784
    /// Encoder widths from the input to the code, e.g. [784, 1000, 500, 250, 30]; the decoder
    /// mirrors them. Ignored by `.conv`, which uses `codeSize`.
    public var layers = [784, 1000, 500, 250, 30]
    /// Code width of the convolutional kind.
    public var codeSize = 16
    public var activation = Activation.relu
    /// How the weights are drawn (PyTorch's default unless said otherwise).
    public var initializer = Initializer.pytorchDefault
    public var codeActivation = CodeActivation.linear
    /// Decoder weights are the transposes of the encoder's (MLP kinds).
    public var tiedWeights = false
    public var loss = Loss.bce
    public var sparsity = Sparsity.none
    public var corruption = Corruption.none
    /// Dropout probability on the code during training.
    public var codeDropout: Float = 0
    /// Allow a code wider than the input without a sparsity penalty.
    public var allowOvercomplete = false
    public var seed: UInt64 = 1

    public init() {}

    /// Defaults for a kind: the deep 784-1000-500-250-30 net; sparse: over-complete 784-1000 with
    /// a sigmoid code and a KL penalty; denoising: masking noise on 50 % of the pixels; dropout:
    /// 50 % dropout on the code; conv: the `conv-ae` benchmark shape; linear: 784-30, no
    /// nonlinearity, squared error.
    public init(kind: Kind) {
        self.kind = kind
        switch kind {
        case .deep: break
        case .sparse:
            layers = [784, 1000]
            codeActivation = .sigmoid
            sparsity = .kl(target: 0.05, weight: 1)
        case .denoising:
            layers = [784, 1000, 500, 250, 30]
            corruption = .masking(probability: 0.5)
        case .dropout:
            layers = [784, 1000, 500, 250, 30]
            codeDropout = 0.5
        case .conv:
            codeSize = 16
        case .linear:
            layers = [784, 30]
            loss = .mse
        }
    }

    /// The width of the code.
    public var codeWidth: Int { kind == .conv ? codeSize : (layers.last ?? 0) }

    /// Rejects settings that cannot make a network, with a sentence saying why.
    public func validate() throws(ModelError) {
        if kind == .conv {
            if inputSize != 784 { throw .invalidConfig("the convolutional autoencoder expects 28×28 images (784 inputs), got \(inputSize)") }
            if codeSize < 1 { throw .invalidConfig("code size must be positive, got \(codeSize)") }
        } else {
            if layers.count < 2 { throw .invalidConfig("the layer list needs the input width and at least a code width, got \(layers)") }
            if layers.first != inputSize {
                throw .invalidConfig("the layer list \(layers.map(String.init).joined(separator: "-")) does not chain: it starts at \(layers[0]) but the inputs have \(inputSize) features")
            }
            if let bad = layers.first(where: { $0 < 1 }) { throw .invalidConfig("layer widths must be positive, got \(bad)") }
        }
        let overcomplete = codeWidth > inputSize
        if overcomplete && sparsity == .none && !allowOvercomplete {
            throw .invalidConfig("a \(codeWidth)-wide code for \(inputSize) inputs can learn the identity; add a sparsity penalty or pass --allow-overcomplete")
        }
        if case .kl(let target, let weight) = sparsity {
            if !(target > 0 && target < 1) { throw .invalidConfig("sparsity target must be in (0, 1), got \(target)") }
            if !(weight >= 0) { throw .invalidConfig("sparsity weight must be ≥ 0, got \(weight)") }
            if codeActivation != .sigmoid { throw .invalidConfig("the KL sparsity penalty needs a sigmoid code (--code-activation sigmoid)") }
        }
        if case .l1(let weight) = sparsity, !(weight >= 0) { throw .invalidConfig("sparsity weight must be ≥ 0, got \(weight)") }
        try corruption.validate()
        if !(codeDropout >= 0 && codeDropout < 1) { throw .invalidConfig("code dropout must be in [0, 1), got \(codeDropout)") }
        if kind == .conv && tiedWeights { throw .invalidConfig("tied weights are for the MLP kinds, not conv") }
    }

    /// A one-line description, e.g. "deep 784-1000-500-250-30, bce".
    public var summary: String {
        let shape = kind == .conv ? "1×28×28 → \(codeSize)" : layers.map(String.init).joined(separator: "-")
        return "\(kind.rawValue) \(shape), \(loss.rawValue)" + (tiedWeights ? ", tied" : "")
    }
}
}
