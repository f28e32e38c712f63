import LatentNN
import LatentTensor

/// A convolutional network seen as a list of feature maps of an image: what the style (Gram)
/// and content losses of texture synthesis and style transfer compare.
///
/// `features` takes an RGB image `[1, 3, H, W]` with values in [0, 1] and returns one
/// `[1, C, H', W']` map per layer, in order, recorded on the autodiff tape so losses on them
/// differentiate with respect to the pixels. The weights are constants (they never require a
/// gradient).
public protocol TextureFeatures: AnyObject {
    /// A name for each feature layer, in the order `features` returns them.
    var layerNames: [String] { get }
    /// What the network is, in a few words.
    var summary: String { get }
    /// The smallest image side for which every layer still has at least one position.
    var minimumSide: Int { get }
    /// The layer the content loss uses when none is chosen.
    var defaultContentLayer: Int { get }
    /// One feature map per layer of `image` (`[1, 3, H, W]`, values in [0, 1]).
    func features(_ image: Variable) -> [Variable]
}
