/// The optimisation settings of a training run; stored in checkpoints and `metrics.json`.
public struct TrainingConfig: Codable, Sendable, Equatable {
    /// Which update rule.
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, sgd }

    public var epochs = 5
    public var batchSize = 128
    public var learningRate: Float = 1e-3
    public var optimizer = OptimizerKind.adam
    /// SGD momentum (ignored by Adam).
    public var momentum: Float = 0.9
    /// Adam's β₁ (0.5 is usual for GANs).
    public var beta1: Float = 0.9
    public var weightDecay: Float = 0
    public var schedule = LearningRateSchedule.constant
    /// Clip the joint gradient norm to this value when set.
    public var clipNorm: Float?
    public var seed: UInt64 = 1

    public init() {}

    /// Checks values a user could have typed; the message names the flag's value.
    public func validate() throws(TrainingError) {
        if epochs < 1 { throw .invalidConfig("epochs must be at least 1, got \(epochs)") }
        if batchSize < 1 { throw .invalidConfig("batch size must be at least 1, got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw .invalidConfig("learning rate must be positive, got \(learningRate)") }
        if let c = clipNorm, !(c > 0) || !c.isFinite { throw .invalidConfig("clip norm must be positive, got \(c)") }
        // NaN passes every comparison, so each bound is written to fail on it.
        if !(weightDecay >= 0) || !weightDecay.isFinite { throw .invalidConfig("weight decay must be ≥ 0, got \(weightDecay)") }
        if !(momentum >= 0 && momentum < 1) { throw .invalidConfig("momentum must be in [0, 1), got \(momentum)") }
        if !(beta1 >= 0 && beta1 < 1) { throw .invalidConfig("beta1 must be in [0, 1), got \(beta1)") }
    }

    /// The optimiser this config describes (with its gradient clipping).
    public func makeOptimizer() throws -> Optimizer {
        let o: Optimizer = switch optimizer {
        case .adam: try Adam(learningRate: learningRate, beta1: beta1, weightDecay: weightDecay)
        case .sgd: try SGD(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        }
        o.maxGradientNorm = clipNorm
        return o
    }
}

