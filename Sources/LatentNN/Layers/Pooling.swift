import LatentTensor

/// Max pooling over `kernelSize × kernelSize` windows of `[N, C, H, W]` (PyTorch's
/// `nn.MaxPool2d`; the stride defaults to the kernel size). No parameters.
public final class MaxPool2d: Module, Layer {
    public let kernelSize: Int
    public let stride: Int

    public init(_ kernelSize: Int, stride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        Variable.maxPool2d(input, kernelSize: kernelSize, stride: stride)
    }
}
