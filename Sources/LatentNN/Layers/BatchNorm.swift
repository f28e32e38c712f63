import LatentTensor

/// Batch normalisation over the channel axis of `[N, C]` (1-d) or `[N, C, H, W]` (2-d) input:
/// y = γ · (x − μ) / √(σ² + ε) + β, with batch statistics in training and running statistics
/// (updated with `momentum`, PyTorch's convention) in evaluation. γ starts at 1, β at 0.
public final class BatchNorm: Module, Layer {
    public let weight: Variable
    public let bias: Variable
    public let runningMean: Buffer
    public let runningVar: Buffer
    /// How far one training batch moves the running statistics (1: all the way).
    public var momentum: Float
    public let epsilon: Float

    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Variable(Tensor.ones([features]), requiresGrad: true, name: "weight")
        bias = Variable(Tensor.zeros([features]), requiresGrad: true, name: "bias")
        runningMean = Buffer(Tensor.zeros([features]))
        runningVar = Buffer(Tensor.ones([features]))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// PyTorch's names for the running statistics, so checkpoints interchange.
    public override var ownBuffers: [(String, Buffer)] { [("running_mean", runningMean), ("running_var", runningVar)] }

    public func callAsFunction(_ input: Variable) -> Variable {
        callAsFunction(input, activation: .identity)
    }

    /// The normalisation followed by `activation`, in one pass (see `Variable.batchNorm`).
    public func callAsFunction(_ input: Variable, activation: NormalizationActivation) -> Variable {
        Variable.batchNorm(input, gamma: weight, beta: bias, runningMean: &runningMean.value,
                           runningVar: &runningVar.value, training: isTraining, momentum: momentum, epsilon: epsilon,
                           activation: activation)
    }
}

extension Module {
    /// Re-estimates the running statistics of every `BatchNorm` inside this module as the plain
    /// average over the batches `forward` runs (it should call the module on its inputs), in
    /// training mode without gradients. The module's mode and momenta are restored after.
    ///
    /// Needed when a network's weights change without training, as when they are replaced by
    /// their running average (Izmailov et al., 2018, do the same for SWA): statistics gathered
    /// for other weights normalise the wrong activations.
    public func recomputeBatchNormStatistics(batches: Int, _ forward: (Int) -> Void) {
        let norms = namedModules().compactMap { $0.1 as? BatchNorm }
        guard !norms.isEmpty, batches > 0 else { return }
        let wasTraining = isTraining
        let momenta = norms.map(\.momentum)
        train()
        defer {
            for (norm, m) in zip(norms, momenta) { norm.momentum = m }
            if !wasTraining { eval() }
        }
        for norm in norms {
            norm.runningMean.value = Tensor.zeros(norm.runningMean.value.shape)
            norm.runningVar.value = Tensor.zeros(norm.runningVar.value.shape)
        }
        withoutGradients {
            for b in 0..<batches {
                // Momentum 1/(b + 1) makes the exponential update an exact running mean.
                for norm in norms { norm.momentum = 1 / Float(b + 1) }
                forward(b)
            }
        }
    }
}
