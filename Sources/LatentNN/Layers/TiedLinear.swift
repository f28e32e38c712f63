import LatentTensor

/// A fully connected layer that reuses the transpose of another `Linear`'s weight:
/// y = x · W + b, where W is the source layer's `[out, in]` weight, so the map goes back from the
/// source's outputs to its inputs. Only the bias `[in]` is its own. Tied autoencoders use it for
/// the decoder (half the parameters; the decoder is the encoder's transpose).
public final class TiedLinear: Module, Layer {
    /// The layer whose weight is shared. Not listed as a child, so the weight is saved once.
    public let source: Linear
    public let bias: Variable

    public init(transposeOf source: Linear, rng: inout RandomGenerator) {
        self.source = source
        let a = 1 / Float(Swift.max(source.outputSize, 1)).squareRoot()
        bias = Variable(Tensor.uniform([source.inputSize], low: -a, high: a, using: &rng), requiresGrad: true, name: "bias")
    }

    public override var children: [(String, Module)] { [] }

    public func callAsFunction(_ input: Variable) -> Variable { input.matmul(source.weight) + bias }
}
