import LatentNN

/// How an RBM is trained: contrastive divergence with k Gibbs steps (CD-k) or persistent chains
/// (PCD), momentum rising from 0.5 to 0.9, L2 weight decay on the weights, an optional sparsity
/// target. Defaults follow Hinton's practical guide (2010) for binary units.
public struct RBMTrainingConfig: Codable, Sendable, Equatable {
    public var epochs = 10
    public var batchSize = 100
    /// Step size on the mean gradient of a batch (0.1 for binary units; ~0.001 for Gaussian or
    /// linear units, whose inputs are unbounded).
    public var learningRate: Float = 0.1
    /// Gibbs steps per update (k of CD-k, or steps of each persistent chain per update).
    public var gibbsSteps = 1
    /// Persistent contrastive divergence (Tieleman 2008): the negative chains continue from one
    /// update to the next instead of restarting at the data.
    public var persistent = false
    /// Momentum of the first `momentumEpochs` epochs, then `finalMomentum`.
    public var initialMomentum: Float = 0.5
    public var finalMomentum: Float = 0.9
    public var momentumEpochs = 5
    /// L2 penalty on the weights (not the biases).
    public var weightDecay: Float = 0.0002
    /// Target mean activation of the hidden units (nil: no sparsity term), and its cost.
    public var sparsityTarget: Float?
    public var sparsityCost: Float = 0.1
    public var seed: UInt64 = 1

    public init() {}

    /// scikit-learn's `BernoulliRBM` update: PCD with one Gibbs step, no momentum, no weight
    /// decay, the learning rate applied to the batch-mean gradient.
    public static func scikitLearn(learningRate: Float = 0.1, batchSize: Int = 10, epochs: Int = 10, seed: UInt64 = 1) -> Self {
        var c = Self()
        c.learningRate = learningRate
        c.batchSize = batchSize
        c.epochs = epochs
        c.persistent = true
        c.initialMomentum = 0
        c.finalMomentum = 0
        c.weightDecay = 0
        c.seed = seed
        return c
    }

    /// The momentum of `epoch` (1-based).
    public func momentum(epoch: Int) -> Float { epoch <= momentumEpochs ? initialMomentum : finalMomentum }

    /// Rejects values a user could have typed, naming them.
    public func validate() throws(TrainingError) {
        if epochs < 1 { throw .invalidConfig("epochs must be at least 1, got \(epochs)") }
        if batchSize < 1 { throw .invalidConfig("batch size must be at least 1, got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw .invalidConfig("learning rate must be positive, got \(learningRate)") }
        if !(1...1000).contains(gibbsSteps) { throw .invalidConfig("--cd-k must be in 1...1000 Gibbs steps, got \(gibbsSteps)") }
        for m in [initialMomentum, finalMomentum] where !(m >= 0 && m < 1) {
            throw .invalidConfig("momentum must be in [0, 1), got \(m)")
        }
        if momentumEpochs < 0 { throw .invalidConfig("momentum epochs must be ≥ 0, got \(momentumEpochs)") }
        if !(weightDecay >= 0) || !weightDecay.isFinite { throw .invalidConfig("weight decay must be ≥ 0, got \(weightDecay)") }
        if let t = sparsityTarget, !(t > 0 && t < 1) { throw .invalidConfig("sparsity target must be in (0, 1), got \(t)") }
        if !(sparsityCost >= 0) || !sparsityCost.isFinite { throw .invalidConfig("sparsity cost must be ≥ 0, got \(sparsityCost)") }
    }
}
