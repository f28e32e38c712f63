import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// Where `latent embed` takes its points from: an `.npy` matrix or MNIST, optionally labelled,
/// cut to the first `limit` rows, and optionally replaced by a classifier layer's activations.
public struct EmbeddingInput: Codable, Sendable, Equatable {
    /// An `.npy` matrix `[n, d]`, or `"mnist"`.
    public var input: String
    /// An `.npy` vector of n integer labels (colours the plots, gives the k-NN accuracy).
    public var labels: String?
    /// The MNIST directory for `input == "mnist"` (nil: the shipped 10,000 test images).
    public var data: String?
    /// Use only the first `limit` points.
    public var limit: Int?
    /// A classifier checkpoint whose hidden activations are embedded instead of the input.
    public var model: String?
    /// The child of `model`'s `Sequential` ("0", "1", …) whose output is embedded.
    public var layer: String?

    /// The input the flags of `latent embed` name.
    public init(input: String = "mnist", labels: String? = nil, data: String? = nil, limit: Int? = nil,
                model: String? = nil, layer: String? = nil) {
        self.input = input
        self.labels = labels
        self.data = data
        self.limit = limit
        self.model = model
        self.layer = layer
    }
}

/// Points to embed, with what the pictures need: labels for colour, 28×28 images for thumbnails,
/// and a description of where they came from.
public struct EmbeddingData: Sendable {
    /// The rows to embed, `[n, d]`.
    public var points: Tensor
    /// One label per row, if known.
    public var labels: [Int]?
    /// One 784-pixel image per row, for thumbnails.
    public var images: Tensor?
    /// Where the points came from, for messages and titles.
    public var source: String

    /// Points with what is known about them.
    public init(points: Tensor, labels: [Int]? = nil, images: Tensor? = nil, source: String) {
        self.points = points
        self.labels = labels
        self.images = images
        self.source = source
    }

    /// The number of points.
    public var count: Int { points.shape[0] }

    /// The number of features per point.
    public var features: Int { points.shape[1] }

    /// The points `input` names, limited and, with a model and layer, turned into activations.
    public static func load(_ input: EmbeddingInput) throws -> EmbeddingData {
        var data: EmbeddingData
        if input.input == "mnist" {
            let dir = try input.data ?? EmbeddedData.mnistDirectory()
            // The shipped files are MNIST's test split; a directory the user names has both.
            let split: MNIST.Split = input.data == nil ? .test : .train
            let loaded = try MNIST.load(directory: dir, split: split)
            data = EmbeddingData(points: loaded.images, labels: loaded.labels, images: loaded.images,
                                 source: "MNIST \(split.rawValue) (\(dir))")
        } else {
            let array = try NPY.read(path: input.input)
            guard array.tensor.rank == 2 else {
                throw ExperimentError("\(input.input): expected a matrix [n, d], got shape \(array.shape)")
            }
            // 784 columns are taken for 28×28 images: thumbnails show what the points are.
            data = EmbeddingData(points: array.tensor, images: array.tensor.shape[1] == 784 ? array.tensor : nil,
                                 source: input.input)
        }
        if let path = input.labels {
            let read = try NPY.readIntegers(path: path)
            guard read.values.count == data.count else {
                throw ExperimentError("\(path): \(read.values.count) labels for \(data.count) points in \(input.input)")
            }
            data.labels = read.values
        }
        if let n = input.limit { data = data.prefix(n) }
        if let model = input.model, let layer = input.layer { data = try data.activations(of: model, layer: layer) }
        return data
    }

    /// The first `n` points (all of them when there are fewer).
    public func prefix(_ n: Int) -> EmbeddingData {
        guard n < count else { return self }
        return EmbeddingData(points: points.rows(0..<n), labels: labels.map { Array($0.prefix(n)) },
                             images: images?.rows(0..<n), source: source)
    }

    /// The same points seen through a trained classifier: the output of child `layer` ("0", "1",
    /// …) of the `Sequential` in the checkpoint at `path`; labels and images stay.
    public func activations(of path: String, layer: String) throws -> EmbeddingData {
        let model = try Classifier.load(path: path)
        let names = model.children.map(\.0)
        guard let index = names.firstIndex(of: layer) else {
            throw ExperimentError("\(path): no layer '\(layer)'; layers are \(names.joined(separator: ", "))")
        }
        guard features == model.config.inputSize else {
            throw ExperimentError("\(path): the model takes \(model.config.inputSize) inputs, the data has \(features)")
        }
        model.eval()
        var parts: [Tensor] = []
        // In batches: the activations of every layer of 10,000 images at once would not fit comfortably.
        withoutGradients {
            for start in stride(from: 0, to: count, by: 1000) {
                let batch = points.rows(start..<min(start + 1000, count))
                parts.append(model.network.activations(Variable(batch))[index].value)
            }
        }
        let hidden = Tensor.concat(parts, axis: 0).reshaped([count, -1])
        return EmbeddingData(points: hidden, labels: labels, images: images,
                             source: source + ", activations of layer \(layer) of \(path) (\(hidden.shape[1]) units)")
    }
}
