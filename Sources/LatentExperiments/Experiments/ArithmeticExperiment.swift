import Foundation
import LatentIO
import LatentModels
import LatentTensor

/// What `latent arithmetic` is asked for.
public struct ArithmeticRequest: Sendable {
    /// Which direction to add.
    public enum Attribute: Sendable, Equatable {
        /// mean(code of class `to`) − mean(code of class `from`).
        case classes(from: Int, to: Int)
        /// The mean code of the 25 % inkiest training images minus that of the 25 % faintest.
        case thickness
    }

    /// The model file: anything with an encoder and a decoder (an autoencoder or a VAE).
    public var model: String
    public var data: MNISTSource
    public var attribute: Attribute
    /// Test-image indices to change (nil: the first `count` test images, of `imageClass` when
    /// given).
    public var images: [Int]?
    /// With `images` nil: change test images of this class only.
    public var imageClass: Int?
    public var count: Int
    /// Strengths the direction is added with.
    public var scales: [Float]
    public var out: String?

    public init(model: String, data: MNISTSource = MNISTSource(), attribute: Attribute, images: [Int]? = nil,
                imageClass: Int? = nil, count: Int = 8, scales: [Float] = [-1, -0.5, 0, 0.5, 1, 1.5], out: String? = nil) {
        self.model = model
        self.data = data
        self.attribute = attribute
        self.images = images
        self.imageClass = imageClass
        self.count = count
        self.scales = scales
        self.out = out
    }
}

/// The figures of `latent arithmetic` (its `metrics.json`).
public struct ArithmeticResults: Codable, Sendable {
    public var command = "arithmetic"
    public var model: String
    /// The attribute in words ("thickness", "class 1 → class 7").
    public var attribute: String
    public var scales: [Double]
    /// The test images changed.
    public var images: [Int]
    /// |v| of the attribute vector.
    public var vectorNorm: Double

    enum CodingKeys: String, CodingKey { case command, model, attribute, scales, images, vectorNorm = "vector_norm" }
}

/// What an arithmetic run drew.
public struct ArithmeticReport {
    public let folder: RunFolder
    public let modelSummary: String
    public let results: ArithmeticResults

    /// The summary people read.
    public var summary: [(String, String)] {
        [("model", "\(results.model): \(modelSummary)"),
         ("attribute", "\(results.attribute), |v| = \(String(format: "%.2f", results.vectorNorm))"),
         ("images", results.images.map(String.init).joined(separator: ", ")),
         ("strengths", results.scales.map { String(format: "%g", $0) }.joined(separator: ", ")),
         ("output", folder.file("arithmetic.png"))]
    }
}

/// Attribute vectors in latent space: a difference of mean codes over the training images, added
/// with several strengths to the codes of test images and decoded into `arithmetic.png` (one row
/// per image, one column per strength). Needs only an encoder and a decoder.
public enum ArithmeticExperiment {
    /// Moves the images `request` names along its attribute.
    public static func run(_ request: ArithmeticRequest) throws -> ArithmeticReport {
        guard !request.scales.isEmpty, request.scales.allSatisfy(\.isFinite) else {
            throw ExperimentError("--scales must be finite numbers, got \(request.scales)")
        }
        guard request.count > 0 else { throw ExperimentError("--count must be positive, got \(request.count)") }
        let codec = try ModelRegistry.loadCodec(request.model)
        let (train, test, _) = try request.data.load()
        try ModelFit.check(test, fits: codec, path: request.model)
        let (vector, name) = try attributeVector(request.attribute, codec: codec, train: train)
        let chosen = try images(request, test: test)
        let moved = vector.apply(to: codec.encode(test.inputs.gatherRows(chosen)), scales: request.scales)
        let folder = try RunFolder(request.out, besideModel: request.model, name: "arithmetic")
        try GridPicture.write(codec.decodeInBatches(moved), columns: request.scales.count, rowLabels: chosen.map { "#\($0)" },
                              title: "Test images moved along \(name): scale \(request.scales.map { "\($0)" }.joined(separator: ", "))",
                              to: folder.file("arithmetic.png"))
        let results = ArithmeticResults(model: request.model, attribute: name, scales: request.scales.map(Double.init),
                                        images: chosen, vectorNorm: Double(vector.norm))
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return ArithmeticReport(folder: folder, modelSummary: codec.summary, results: results)
    }

    /// The attribute's direction among the codes of `train`, and its name.
    static func attributeVector(_ attribute: ArithmeticRequest.Attribute, codec: any LatentCodec,
                                train: Dataset) throws -> (AttributeVector, String) {
        let codes = codec.encodeInBatches(train.inputs)
        do {
            switch attribute {
            case .thickness:
                // Ink = the sum of pixel values: thick strokes have more of it.
                let ink = (0..<train.count).map { i in train.inputs.rows(i..<i + 1).sum() }
                let order = ink.indices.sorted { ink[$0] < ink[$1] }
                let quarter = max(1, train.count / 4)
                return (try AttributeVector(with: codes.gatherRows(Array(order.suffix(quarter))),
                                            without: codes.gatherRows(Array(order.prefix(quarter)))), "thickness")
            case .classes(let from, let to):
                guard let labels = train.labels else { throw ExperimentError("class attributes need labelled training data") }
                return (try AttributeVector.classDifference(codes: codes, labels: labels, from: from, to: to),
                        "class \(from) → class \(to)")
            }
        } catch let error as LatentSpaceError {
            throw ExperimentError("the attribute cannot be measured on the training images: \(error)")
        }
    }

    /// The test images to change: those the request names (each checked), else the first
    /// `count` (of `imageClass` when given).
    static func images(_ request: ArithmeticRequest, test: Dataset) throws -> [Int] {
        let chosen: [Int]
        if let images = request.images {
            for i in images where i < 0 || i >= test.count {
                throw ExperimentError("--images \(i): \(LatentSpaceError.indexOutOfRange(i, count: test.count))")
            }
            chosen = images
        } else if let c = request.imageClass, let labels = test.labels {
            chosen = Array(labels.indices.filter { labels[$0] == c }.prefix(request.count))
            if chosen.isEmpty { throw ExperimentError("no test images of class \(c) to change") }
        } else {
            chosen = Array(0..<min(request.count, test.count))
        }
        guard !chosen.isEmpty else { throw ExperimentError("no test images to change") }
        return chosen
    }
}
