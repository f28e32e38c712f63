import LatentTensor

/// Layers applied one after another. Children are named by position (`"0"`, `"1"`, …), as in
/// PyTorch's `nn.Sequential`, so `Sequential` checkpoints load in both directions.
///
/// ```swift
/// let autoencoder = Sequential {
///     // encoder
///     Linear(784, 128, rng: &rng); ReLU()
///     Linear(128, 32, rng: &rng)
///     // decoder
///     Linear(32, 128, rng: &rng); ReLU()
///     Linear(128, 784, rng: &rng); Sigmoid()
/// }
/// ```
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(@LayerBuilder _ build: () -> [any Layer]) { self.init(build()) }

    public override var children: [(String, Module)] { layers.enumerated().map { ("\($0.offset)", $0.element) } }

    public func callAsFunction(_ input: Variable) -> Variable {
        var x = input, i = 0
        while i < layers.count {
            // A batch norm and the rectifier after it run as one op: the same values, one pass
            // over the activations less each way.
            if let norm = layers[i] as? BatchNorm, i + 1 < layers.count,
               let activation = Self.fusableRectifier(layers[i + 1]) {
                x = norm(x, activation: activation)
                i += 2
            } else {
                x = layers[i](x)
                i += 1
            }
        }
        return x
    }

    /// The rectifier `layer` applies, when batch norm can apply it in the same pass.
    private static func fusableRectifier(_ layer: any Layer) -> NormalizationActivation? {
        if layer is ReLU { return .relu }
        if let leaky = layer as? LeakyReLU, leaky.alpha >= 0, leaky.alpha.isFinite { return .leakyRelu(slope: leaky.alpha) }
        return nil
    }

    /// The output of every layer, in order (for looking at hidden representations).
    public func activations(_ input: Variable) -> [Variable] {
        var x = input, result: [Variable] = []
        for layer in layers {
            x = layer(x)
            result.append(x)
        }
        return result
    }
}

/// Builds the layer list of a `Sequential` from a braced list of layers.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ layer: any Layer) -> [any Layer] { [layer] }
    public static func buildBlock(_ parts: [any Layer]...) -> [any Layer] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [any Layer]?) -> [any Layer] { part ?? [] }
    public static func buildEither(first: [any Layer]) -> [any Layer] { first }
    public static func buildEither(second: [any Layer]) -> [any Layer] { second }
    public static func buildArray(_ parts: [[any Layer]]) -> [any Layer] { parts.flatMap { $0 } }
}
