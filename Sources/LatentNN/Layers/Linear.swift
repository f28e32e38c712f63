import LatentTensor

/// A fully connected layer: y = x · Wᵀ + b.
///
/// `weight` has PyTorch's layout `[outputSize, inputSize]` (so checkpoints interchange with
/// `nn.Linear`), `bias` is `[outputSize]`. Input `[N, inputSize]`, output `[N, outputSize]`.
/// Weights and bias are drawn by `initializer` (PyTorch's default unless said otherwise; the bias
/// always from U(−1/√in, 1/√in), as PyTorch does).
public final class Linear: Module, Layer {
    public let weight: Variable
    public let bias: Variable?

    /// A layer from `inputSize` to `outputSize` features.
    public init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true,
                initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        weight = Variable(initializer.make([outputSize, inputSize], fanIn: inputSize, fanOut: outputSize, rng: &rng),
                          requiresGrad: true, name: "weight")
        let a = 1 / Float(Swift.max(inputSize, 1)).squareRoot()
        self.bias = bias ? Variable(Tensor.uniform([outputSize], low: -a, high: a, using: &rng), requiresGrad: true, name: "bias") : nil
    }

    /// Input and output feature counts.
    public var inputSize: Int { weight.shape[1] }
    public var outputSize: Int { weight.shape[0] }

    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.linear(input, weight: weight, bias: bias)
    }
}
