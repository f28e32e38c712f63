import LatentNN
import LatentTensor

/// The convolutional layers of a model trained in Latent (a DCGAN discriminator, a
/// convolutional autoencoder's encoder, any network with a `Sequential` of `Conv2d` layers) as
/// texture features.
///
/// The layers used are those of the first `Sequential` in the model that holds a `Conv2d`:
/// leading reshapes are skipped (they fix the MNIST input size), then convolutions, batch norms
/// and activations are kept up to the first other layer (a `Flatten` or `Linear` head). Each
/// convolution's output, after the batch norm and activation that follow it, is one feature
/// layer. These networks were trained on grey digits: the RGB image enters as its luminance
/// (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B) copied into every input channel the first
/// convolution takes (a packed GAN discriminator takes several), scaled to [−1, 1] for a GAN's
/// discriminator (which saw tanh-scaled pixels) and left in [0, 1] otherwise.
public final class ConvolutionalFeatures: TextureFeatures {
    /// The layers kept, in order.
    public let layers: [any Layer]
    /// For each feature layer, the index in `layers` of its last layer.
    private let taps: [Int]
    /// The 1 × 1 convolution from RGB to the first convolution's input channels, and its bias.
    private let toInput: Variable, inputBias: Variable
    public let summary: String
    public let layerNames: [String]
    public let minimumSide: Int

    /// The features of `model` (of kind `kind`, read from `path`); nil when it has no `Sequential`
    /// with a `Conv2d`.
    public init?(model: Module, kind: String, path: String) {
        guard let (prefix, network) = model.namedModules().lazy.compactMap({ name, module -> (String, Sequential)? in
            guard let s = module as? Sequential, s.layers.contains(where: { $0 is Conv2d }) else { return nil }
            return (name, s)
        }).first else { return nil }
        var kept: [any Layer] = [], taps: [Int] = [], names: [String] = []
        var started = false
        for (i, layer) in network.layers.enumerated() {
            if !started && !(layer is Conv2d) {
                if layer is Reshape || layer is Pack || layer is Flatten { continue }
                break
            }
            started = true
            if layer is Conv2d {
                taps.append(kept.count)
                names.append(prefix.isEmpty ? "\(i)" : "\(prefix).\(i)")
            } else if layer is ReLU || layer is LeakyReLU || layer is BatchNorm || layer is Tanh || layer is Sigmoid
                        || layer is Softplus || layer is Identity {
                if !taps.isEmpty { taps[taps.count - 1] = kept.count }
            } else {
                break
            }
            kept.append(layer)
        }
        guard let first = kept.first as? Conv2d else { return nil }
        // The input side the deepest layer needs for one output position, walked back layer by layer.
        var need = 1
        for layer in kept.reversed() {
            if let conv = layer as? Conv2d { need = Swift.max(1, (need - 1) * conv.stride + conv.weight.shape[2] - 2 * conv.padding) }
        }
        minimumSide = need
        self.layers = kept
        self.taps = taps
        self.layerNames = names
        let channels = first.weight.shape[1]
        let gan = kind == "gan"
        let luminance: [Float] = [0.299, 0.587, 0.114].map { gan ? 2 * $0 : $0 }
        toInput = Variable(Tensor(shape: [channels, 3, 1, 1], scalars: (0..<channels).flatMap { _ in luminance }))
        inputBias = Variable(Tensor(shape: [channels], repeating: gan ? -1 : 0))
        let convs = kept.compactMap { $0 as? Conv2d }.count
        summary = "\(convs) convolutional layers of \(path) (\(kind)), luminance input\(gan ? " in [−1, 1]" : "")"
        for (_, p) in model.namedParameters() { p.requiresGrad = false }
        model.eval()
    }

    public var defaultContentLayer: Int { layerNames.count - 1 }

    public func features(_ image: Variable) -> [Variable] {
        var x = Variable.conv2d(image, weight: toInput, bias: inputBias)
        var maps: [Variable] = []
        var next = 0
        for (i, layer) in layers.enumerated() {
            x = layer(x)
            if next < taps.count && taps[next] == i {
                maps.append(x)
                next += 1
            }
        }
        return maps
    }
}
