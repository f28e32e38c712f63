import LatentTensor

/// 2-d convolution over `[N, Cin, H, W]` with weight `[Cout, Cin, k, k]` and bias `[Cout]`
/// (PyTorch's `nn.Conv2d` layout); output extent ⌊(H + 2·padding − k) / stride⌋ + 1.
public final class Conv2d: Module, Layer {
    public let weight: Variable
    public let bias: Variable?
    public let stride: Int, padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize k: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true, initializer: Initializer = .pytorchDefault, rng: inout RandomGenerator) {
        let fanIn = inChannels * k * k
        weight = Variable(initializer.make([outChannels, inChannels, k, k], fanIn: fanIn, fanOut: outChannels * k * k, rng: &rng),
                          requiresGrad: true, name: "weight")
        let a = 1 / Float(fanIn).squareRoot()
        self.bias = bias ? Variable(Tensor.uniform([outChannels], low: -a, high: a, using: &rng), requiresGrad: true, name: "bias") : nil
        self.stride = stride
        self.padding = padding
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// Transposed 2-d convolution (the adjoint of `Conv2d`, often called deconvolution) with weight
/// `[Cin, Cout, k, k]` (PyTorch's `nn.ConvTranspose2d` layout); output extent
/// (H − 1)·stride − 2·padding + k + outputPadding.
public final class ConvTranspose2d: Module, Layer {
    public let weight: Variable
    public let bias: Variable?
    public let stride: Int, padding: Int, outputPadding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize k: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true, initializer: Initializer = .pytorchDefault,
                rng: inout RandomGenerator) {
        // PyTorch computes the fan-in of a transposed conv from weight dim 1 (its Cout).
        let fanIn = outChannels * k * k
        weight = Variable(initializer.make([inChannels, outChannels, k, k], fanIn: fanIn, fanOut: inChannels * k * k, rng: &rng),
                          requiresGrad: true, name: "weight")
        let a = 1 / Float(fanIn).squareRoot()
        self.bias = bias ? Variable(Tensor.uniform([outChannels], low: -a, high: a, using: &rng), requiresGrad: true, name: "bias") : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.convTranspose2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                                 outputPadding: outputPadding)
    }
}
