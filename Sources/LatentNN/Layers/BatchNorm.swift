import LatentTensor

/// Batch normalisation over the channel axis of `[N, C]` (1-d) or `[N, C, H, W]` (2-d) input:
/// y = γ · (x − μ) / √(σ² + ε) + β, with batch statistics in training and running statistics
/// (updated with `momentum`, PyTorch's convention) in evaluation. γ starts at 1, β at 0.
public final class BatchNorm: Module, Layer {
    public let weight: Variable
    public let bias: Variable
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let momentum: Float, epsilon: Float

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
        Variable.batchNorm(input, gamma: weight, beta: bias, runningMean: &runningMean.value,
                           runningVar: &runningVar.value, training: isTraining, momentum: momentum, epsilon: epsilon)
    }
}
