import Foundation
import LatentIO
import LatentModels

/// What `latent encode` wrote.
public struct EncodeReport {
    public let folder: RunFolder
    /// The model's description.
    public let modelSummary: String
    /// Where the images came from, and which split.
    public let source: String
    public let split: MNIST.Split
    public let count: Int
    /// The shape of the codes written.
    public let codeShape: [Int]
    public let wroteLabels: Bool

    /// The summary people read.
    public var summary: [(String, String)] {
        [("model", modelSummary),
         ("data", "\(source), \(count) \(split.rawValue) images"),
         ("codes", "\(folder.file("codes.npy")) \(codeShape)"),
         ("labels", wroteLabels ? folder.file("labels.npy") : "none")]
    }
}

/// The codes of images under a saved encoder (an autoencoder's code, a VAE's posterior mean),
/// as `codes.npy` `[n, D]` and `labels.npy`, for Python and for `latent embed`.
public enum EncodeExperiment {
    /// Encodes the `split` images of `data` with the codec in `model`.
    public static func run(model: String, data: MNISTSource, split: MNIST.Split, out: String?) throws -> EncodeReport {
        let codec = try ModelRegistry.loadCodec(model)
        let (train, test, source) = try data.load()
        let images = split == .train ? train : test
        try ModelFit.check(images, fits: codec, path: model)
        let codes = codec.encodeInBatches(images.inputs)
        let folder = try RunFolder(out, besideModel: model, name: "encode")
        try NPY.write(codes, to: folder.file("codes.npy"))
        if let labels = images.labels { try NPY.write(labels: labels, to: folder.file("labels.npy")) }
        return EncodeReport(folder: folder, modelSummary: codec.summary, source: source, split: split, count: images.count,
                            codeShape: codes.shape, wroteLabels: images.labels != nil)
    }
}
