import Foundation
import LatentExperiments
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import LatentText

/// What `latent serve` was given to show: the data sets of the projector, the models of the
/// generator pad and the run folders, found under the paths on the command line.
public struct Catalog: Sendable {
    public var datasets: [ServedDataset] = []
    public var models: [ServedModel] = []
    public var runs: [ServedRun] = []
    /// Things under the paths that could not be opened, one line each (the server still starts).
    public var skipped: [String] = []

    /// How to find the data a model's codes are computed from.
    public struct Options: Sendable {
        /// An MNIST directory whose test and train images (70,000) are encoded; nil: the 10,000
        /// test images shipped in `Data/mnist`.
        public var data: String?
        /// Encode at most this many images.
        public var limit: Int?
        /// Seed of the prior draws that place a GAN's pad.
        public var seed: UInt64

        public init(data: String? = nil, limit: Int? = nil, seed: UInt64 = 1) {
            self.data = data
            self.limit = limit
            self.seed = seed
        }
    }

    public init() {}

    /// Everything under `paths`: run folders (searched three levels deep), model files, word
    /// vectors (`.bin`, `.txt`, `.vec`) and `.npy` matrices (labels from a `labels.npy` or
    /// `<name>.labels.npy` beside them; an `embedding.npy` is a projection shown as it is).
    ///
    /// - Throws: when a path does not exist, or a file named directly cannot be opened.
    public static func load(_ paths: [String], options: Options = Options(), log: @escaping (String) -> Void = { _ in }) throws -> Catalog {
        var loader = Loader(options: options, log: log)
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ServeError.notFound("\(path): no such file or directory")
            }
            if isDirectory.boolValue {
                try loader.scan(directory: path, name: Loader.displayName(path), depth: 0)
            } else {
                try loader.open(file: path, name: Loader.displayName(path))
            }
        }
        return loader.catalog
    }
}

/// Walks the paths and fills a catalog.
private struct Loader {
    var catalog = Catalog()
    let options: Catalog.Options
    let log: (String) -> Void
    /// MNIST images and labels, loaded once for every model that encodes them.
    var mnist: (images: Tensor, labels: [Int], source: String)?

    init(options: Catalog.Options, log: @escaping (String) -> Void) {
        self.options = options
        self.log = log
    }

    static let maxDepth = 3

    static func displayName(_ path: String) -> String {
        var name = path
        while name.count > 1 && name.hasSuffix("/") { name.removeLast() }
        return name
    }

    mutating func scan(directory: String, name: String, depth: Int) throws {
        let fm = FileManager.default
        let entries = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let isRun = entries.contains { ["model.safetensors", "metrics.json", "run.json", "checkpoint.safetensors"].contains($0) }
        if isRun {
            catalog.runs.append(ServedRun(id: catalog.runs.count, name: name,
                                          path: ServedRoots.realPath(directory) ?? directory))
        }
        for entry in entries {
            let path = directory + "/" + entry
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if depth < Self.maxDepth { try scan(directory: path, name: name + "/" + entry, depth: depth + 1) }
                continue
            }
            let opensAsData = entry == "model.safetensors" || entry.hasSuffix(".npy") && !entry.hasSuffix("labels.npy")
                || entry == "vectors.bin" || entry == "vectors.txt" && !entries.contains("vectors.bin")
            guard opensAsData else { continue }
            do {
                try open(file: path, name: name + "/" + entry)
            } catch {
                let line = "\(path): skipped: \(error)"
                catalog.skipped.append(line)
                log(line)
            }
        }
    }

    mutating func open(file path: String, name: String) throws {
        if path.hasSuffix(".safetensors") {
            try openModel(path, name: name)
        } else if path.hasSuffix(".npy") {
            try openMatrix(path, name: name)
        } else if path.hasSuffix(".bin") || path.hasSuffix(".txt") || path.hasSuffix(".vec") {
            let vectors = try KeyedVectors.read(path)
            let points = Tensor(shape: [vectors.count, vectors.vectorSize], scalars: vectors.vectors)
            add(kind: .words, name: name, source: "\(vectors.count) word vectors of \(vectors.vectorSize) dimensions",
                points: points, words: vectors.words)
        } else {
            throw ServeError.badRequest("\(path): not a model file, word vectors or an .npy matrix")
        }
    }

    mutating func add(kind: ServedDataset.Kind, name: String, source: String, points: Tensor, labels: [Int]? = nil,
                      images: Tensor? = nil, words: [String]? = nil, precomputed: Tensor? = nil, modelID: Int? = nil) {
        catalog.datasets.append(ServedDataset(id: catalog.datasets.count, name: name, kind: kind, source: source, points: points,
                                              labels: labels, images: images, words: words, precomputed: precomputed,
                                              modelID: modelID))
        log("data set \(catalog.datasets.count - 1): \(name): \(points.shape[0]) × \(points.shape[1]) (\(source))")
    }

    /// An `.npy` matrix and its labels; `[n, 2]` (or a file named `embedding.npy`) is also a
    /// precomputed projection.
    mutating func openMatrix(_ path: String, name: String) throws {
        let tensor = try NPY.read(path: path).tensor
        guard tensor.rank == 2, tensor.shape[0] > 0, tensor.shape[1] > 0 else {
            throw ServeError.badRequest("\(path): expected a matrix [n, d], got shape \(tensor.shape)")
        }
        guard tensor.scalars.allSatisfy(\.isFinite) else { throw ServeError.badRequest("\(path): contains NaN or infinity") }
        let n = tensor.shape[0]
        var labels: [Int]?
        let stem = String(path.dropLast(4))
        let directory = (path as NSString).deletingLastPathComponent
        for candidate in [stem + ".labels.npy", stem + "-labels.npy", directory + "/labels.npy"]
        where FileManager.default.fileExists(atPath: candidate) {
            let read = try NPY.readIntegers(path: candidate)
            if read.values.count == n { labels = read.values; break }
        }
        let images = ImageSide.of(tensor.shape[1]).map { $0 >= 8 ? tensor : nil } ?? nil
        let precomputed = tensor.shape[1] == 2 ? tensor : nil
        add(kind: .matrix, name: name, source: path, points: tensor, labels: labels, images: images, precomputed: precomputed)
    }

    /// MNIST images: both splits of `options.data`, or the shipped test set; cut to `limit`.
    mutating func digits() throws -> (images: Tensor, labels: [Int], source: String) {
        if let mnist { return mnist }
        var loaded: (images: Tensor, labels: [Int], source: String)
        if let dir = options.data {
            let test = try MNIST.load(directory: dir, split: .test), train = try MNIST.load(directory: dir, split: .train)
            loaded = (Tensor.concat([test.images, train.images], axis: 0), test.labels + train.labels,
                      "MNIST test + train (\(dir))")
        } else {
            let dir = try EmbeddedData.mnistDirectory()
            let test = try MNIST.load(directory: dir, split: .test)
            loaded = (test.images, test.labels, "MNIST test (\(dir))")
        }
        if let limit = options.limit, limit < loaded.labels.count {
            loaded = (loaded.images.rows(0..<limit), Array(loaded.labels.prefix(limit)), loaded.source + ", first \(limit)")
        }
        mnist = loaded
        return loaded
    }

    /// A model file: a decoder for the pad, and the codes (or hidden activations) of MNIST for
    /// the projector when the model takes MNIST images.
    mutating func openModel(_ path: String, name: String) throws {
        let model = try ModelRegistry.load(path)
        let kind = type(of: model).kind
        if let classifier = model as? Classifier {
            guard classifier.config.inputSize == 784 else { return }
            let data = try digits()
            // The last hidden layer: the output of the child just before the final linear layer.
            let layer = String(max(classifier.children.count - 2, 0))
            let embedded = try EmbeddingData(points: data.images, labels: data.labels, images: data.images, source: data.source)
                .activations(of: path, layer: layer)
            add(kind: .activations, name: name + " (layer \(layer))", source: embedded.source, points: embedded.points,
                labels: data.labels, images: data.images)
            return
        }
        guard let decoder = model as? any LatentDecoder else { return }
        var codes: Tensor, labels: [Int]?
        if let codec = decoder as? any LatentCodec, codec.dataSize == 784 {
            let data = try digits()
            codes = codec.encodeInBatches(data.images)
            labels = data.labels
            add(kind: .codes, name: name, source: "\(kind) codes of \(data.source)", points: codes, labels: labels,
                images: data.images, modelID: catalog.models.count)
        } else if let generator = decoder as? any LatentGenerator {
            var rng = RandomGenerator(seed: options.seed)
            codes = generator.samplePrior(count: 2000, using: &rng)
        } else {
            return
        }
        let summary = model.summary
        catalog.models.append(try ServedModel(id: catalog.models.count, name: name, path: path, kind: kind, summary: summary,
                                              decoder: decoder, codes: codes, labels: labels))
        log("model \(catalog.models.count - 1): \(name): \(summary), \(decoder.latentSize)-d codes")
    }
}
