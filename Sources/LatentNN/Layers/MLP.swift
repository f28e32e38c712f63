import LatentTensor

/// Builds fully connected stacks, the shape most models share.
public enum MLP {
    /// Layers `widths[0] → widths[1] → … → widths.last`: a `Linear` per step, `activation()` after
    /// every hidden one (and after the last too when `activateLast`), and `dropout(i)` (if not
    /// nil) after the activation of hidden layer i. Weights are drawn from `rng` layer by layer.
    public static func layers(_ widths: [Int], initializer: Initializer = .pytorchDefault, activateLast: Bool = false,
                              activation: () -> any Layer, dropout: (Int) -> (any Layer)? = { _ in nil },
                              rng: inout RandomGenerator) -> [any Layer] {
        var layers: [any Layer] = []
        for i in 1..<Swift.max(widths.count, 1) {
            layers.append(Linear(widths[i - 1], widths[i], initializer: initializer, rng: &rng))
            let hidden = i < widths.count - 1
            if hidden || activateLast { layers.append(activation()) }
            if hidden, let d = dropout(i - 1) { layers.append(d) }
        }
        return layers
    }
}
