import LatentTensor

/// Points the projector shows: codes of a model, a classifier's hidden layer, word vectors or a
/// matrix from a file, with what hovering and colouring need. Immutable once loaded.
public final class ServedDataset: Sendable {
    /// What the points are.
    public enum Kind: String, Codable, Sendable {
        case codes, activations, words, matrix
    }

    public let id: Int
    public let name: String
    public let kind: Kind
    /// Where the points came from, for the page's caption.
    public let source: String
    /// The points in their original space, `[n, d]`: neighbours are found here.
    public let points: Tensor
    /// One label per point (colours), if known.
    public let labels: [Int]?
    /// One square grey image per point (thumbnails), `[n, side²]`, if the points are pictures.
    public let images: Tensor?
    /// One word per point, for word vectors.
    public let words: [String]?
    /// A 2-d projection that came with the points (an `embedding.npy`), shown as it is.
    public let precomputed: Tensor?
    /// The model whose codes these are, if any.
    public let modelID: Int?

    init(id: Int, name: String, kind: Kind, source: String, points: Tensor, labels: [Int]? = nil, images: Tensor? = nil,
         words: [String]? = nil, precomputed: Tensor? = nil, modelID: Int? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.source = source
        self.points = points
        self.labels = labels
        self.images = images
        self.words = words
        self.precomputed = precomputed
        self.modelID = modelID
    }

    public var count: Int { points.shape[0] }
    public var features: Int { points.shape[1] }

    /// The side of the square images, if there are images.
    public var imageSide: Int? { images.flatMap { ImageSide.of($0.shape[1]) } }
}

/// Square images stored as rows.
enum ImageSide {
    /// The side of a square image of `pixels` values, or nil if `pixels` is not a square.
    static func of(_ pixels: Int) -> Int? {
        let side = Int(Double(pixels).squareRoot().rounded())
        return side > 0 && side * side == pixels ? side : nil
    }
}
