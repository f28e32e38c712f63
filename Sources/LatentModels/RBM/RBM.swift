import LatentIO
import LatentNN
import LatentTensor

#if canImport(Glibc)
import Glibc
#endif

/// A restricted Boltzmann machine: visible units v, hidden units h, and the energy
/// E(v, h) = −bᵀv − cᵀh − hᵀWv (plus ½‖v − b‖² for Gaussian visible units and ½‖h‖² for
/// linear-Gaussian hidden units, in place of the linear bias terms).
///
/// The conditionals factorise: p(hⱼ = 1 | v) = σ(Wⱼ·v + cⱼ) for Bernoulli hidden units, or
/// h | v ~ N(Wv + c, I) for linear ones; p(vᵢ = 1 | h) = σ(Wᵀh + b)ᵢ, or v | h ~ N(Wᵀh + b, I).
/// Parameters are stored as a PyTorch user would name them: `weight [hidden, visible]`,
/// `h_bias [hidden]`, `v_bias [visible]`. Training is not gradient descent on a loss but
/// contrastive divergence (`RBMStep`).
public final class RBM: Module, SavedModel {
    public let config: Config
    /// W, `[hidden, visible]`.
    public let weight: Variable
    /// c, `[hidden]`.
    public let hiddenBias: Variable
    /// b, `[visible]`.
    public let visibleBias: Variable

    /// A machine with weights from N(0, initialStd²) and zero biases.
    public init(_ config: Config) throws(ModelError) {
        try config.validate()
        self.config = config
        var rng = RandomGenerator(seed: config.seed)
        weight = Variable(Tensor.normal([config.hidden, config.visible], std: config.initialStd, using: &rng),
                          requiresGrad: true, name: "weight")
        hiddenBias = Variable(Tensor(shape: [config.hidden]), requiresGrad: true, name: "h_bias")
        visibleBias = Variable(Tensor(shape: [config.visible]), requiresGrad: true, name: "v_bias")
    }

    /// The file names of the parameters (PyTorch-style, not the Swift property names).
    public override var ownParameters: [(String, Variable)] {
        [("weight", weight), ("h_bias", hiddenBias), ("v_bias", visibleBias)]
    }

    public var visibleCount: Int { config.visible }
    public var hiddenCount: Int { config.hidden }

    // MARK: Conditionals

    /// Total input to each hidden unit, Wv + c, `[N, hidden]`.
    public func hiddenInput(_ v: Tensor) -> Tensor {
        Self.affine(v.matmul(weight.value, transposeOther: true), bias: hiddenBias.value)
    }

    /// Total input to each visible unit, Wᵀh + b, `[N, visible]`.
    public func visibleInput(_ h: Tensor) -> Tensor {
        Self.affine(h.matmul(weight.value), bias: visibleBias.value)
    }

    /// E[h | v]: probabilities of Bernoulli hidden units, means of linear ones.
    public func hiddenMean(_ v: Tensor) -> Tensor {
        var x = hiddenInput(v)
        if config.hiddenUnits == .bernoulli { Self.sigmoidInPlace(&x) }
        return x
    }

    /// E[v | h]: probabilities of Bernoulli visible units, means of Gaussian ones.
    public func visibleMean(_ h: Tensor) -> Tensor {
        var x = visibleInput(h)
        if config.visibleUnits == .bernoulli { Self.sigmoidInPlace(&x) }
        return x
    }

    /// A sample of h given its conditional mean (Bernoulli draws, or mean + unit noise).
    public func sampleHidden(mean: Tensor, using rng: inout RandomGenerator) -> Tensor {
        config.hiddenUnits == .bernoulli ? mean.bernoulliSample(using: &rng) : Self.addNoise(mean, using: &rng)
    }

    /// A sample of v given its conditional mean.
    public func sampleVisible(mean: Tensor, using rng: inout RandomGenerator) -> Tensor {
        config.visibleUnits == .bernoulli ? mean.bernoulliSample(using: &rng) : Self.addNoise(mean, using: &rng)
    }

    /// Hidden means of `data` in batches: the features an RBM gives the next layer or a classifier.
    public func transform(_ data: Tensor, batchSize: Int = 1000) -> Tensor {
        Self.inBatches(data, batchSize: batchSize, width: config.hidden) { hiddenMean($0) }
    }

    /// One mean-field reconstruction, E[v | E[h | v]], in batches.
    public func reconstruct(_ data: Tensor, batchSize: Int = 1000) -> Tensor {
        Self.inBatches(data, batchSize: batchSize, width: config.visible) { visibleMean(hiddenMean($0)) }
    }

    /// Runs `steps` steps of block Gibbs sampling v → h → v from `start` and returns the visible
    /// means of the last step (what a picture of fantasy particles shows).
    public func gibbsChain(from start: Tensor, steps: Int, using rng: inout RandomGenerator) -> Tensor {
        var v = start, mean = start
        for _ in 0..<steps {
            let h = sampleHidden(mean: hiddenMean(v), using: &rng)
            mean = visibleMean(h)
            v = sampleVisible(mean: mean, using: &rng)
        }
        return mean
    }

    // MARK: Kernels

    /// `x` with `bias` added to every row, in place.
    static func affine(_ x: Tensor, bias: Tensor) -> Tensor {
        var x = x
        x.makeUnique()
        let n = x.shape[0], width = x.shape[1]
        let p = x.unsafeBaseAddress, b = bias.unsafeBaseAddress
        for r in 0..<n {
            let row = p + r * width
            for j in 0..<width { row[j] += b[j] }
        }
        return x
    }

    /// σ applied to every element, in place.
    static func sigmoidInPlace(_ x: inout Tensor) {
        x.makeUnique()
        LatentTensor.sigmoidInPlace(x.unsafeBaseAddress, count: x.count)
    }

    /// `mean` plus independent N(0, 1) noise.
    static func addNoise(_ mean: Tensor, using rng: inout RandomGenerator) -> Tensor {
        let out = Tensor(uninitializedShape: mean.shape)
        let q = out.unsafeBaseAddress, p = mean.unsafeBaseAddress
        for i in 0..<mean.count { q[i] = p[i] + rng.nextNormal() }
        return out
    }

    /// `body` applied to row blocks of `data`, concatenated; `[0, width]` for no rows.
    static func inBatches(_ data: Tensor, batchSize: Int, width: Int, _ body: (Tensor) -> Tensor) -> Tensor {
        let n = data.shape[0]
        guard n > 0 else { return Tensor(shape: [0, width]) }
        var parts: [Tensor] = []
        var start = 0
        while start < n {
            let end = Swift.min(n, start + Swift.max(batchSize, 1))
            parts.append(body(data.rows(start..<end)))
            start = end
        }
        return parts.count == 1 ? parts[0] : Tensor.concat(parts, axis: 0)
    }
}

extension RBM {
    /// The kind tag of RBM model files.
    public static let kind = "rbm"

    /// "RBM bernoulli 784 → bernoulli 256".
    public var summary: String { "RBM " + config.summary }

    /// The weight matrix.
    public static func minimumWeightCount(_ config: Config) throws -> Int {
        try config.validate()
        return InputLimits.product(config.visible, config.hidden)
    }

    /// Checks that `data` fits the visible units: `[N, visible]`, finite, and in [0, 1] for
    /// Bernoulli units. `name` says what the data is in the message.
    public func checkData(_ data: Tensor, name: String) throws(ModelError) {
        guard data.rank == 2, data.shape[1] == config.visible else {
            throw .invalidConfig("\(name) has shape \(data.shape), the RBM has \(config.visible) visible units")
        }
        var bad: (Int, Float)?
        let binary = config.visibleUnits == .bernoulli
        data.withUnsafeBufferPointer { p in
            for (i, x) in p.enumerated() where !x.isFinite || (binary && !(x >= 0 && x <= 1)) { bad = (i, x); break }
        }
        if let (i, x) = bad {
            let width = config.visible
            throw .invalidConfig(x.isFinite
                ? "\(name) row \(i / width), column \(i % width) is \(x), outside [0, 1] as Bernoulli visible units need (use --visible gaussian for real values)"
                : "\(name) row \(i / width), column \(i % width) is \(x); values must be finite")
        }
    }
}
