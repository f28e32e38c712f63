import Dispatch
import Foundation
import LatentManifold
import LatentModels
import LatentTensor

/// A model whose decoder the generator pad drives, with what the pad needs to choose codes: the
/// centre of its codes, two principal axes and their spreads, per-dimension spreads and the mean
/// code of each class.
///
/// A Latent model is not safe to run from two threads at once (evaluation mode is a flag on its
/// modules), so every call into it goes through one serial queue per model; that queue is also
/// off Hummingbird's event loops, so decoding never stalls the server.
public final class ServedModel: @unchecked Sendable {
    public let id: Int
    public let name: String
    /// The model file.
    public let path: String
    /// The kind tag of the file (`"vae"`, `"gan"`, `"autoencoder"`).
    public let kind: String
    public let summary: String
    public let latentSize: Int
    public let dataSize: Int
    /// Mean code (of the encoded data, or of prior draws for a model without encoder).
    public let center: [Float]
    /// Two unit principal directions of the codes, `[2][latentSize]`.
    public let principalAxes: [[Float]]
    /// The standard deviation of the codes along each principal axis.
    public let principalSpread: [Float]
    /// The standard deviation of the codes along each dimension.
    public let dimensionSpread: [Float]
    /// Mean code of each class, for attribute vectors (class b minus class a).
    public let classMeans: [Int: [Float]]

    /// Only touched on `queue`.
    private let decoder: any LatentDecoder
    private let queue: DispatchQueue

    init(id: Int, name: String, path: String, kind: String, summary: String, decoder: any LatentDecoder,
         codes: Tensor, labels: [Int]?) throws {
        self.id = id
        self.name = name
        self.path = path
        self.kind = kind
        self.summary = summary
        self.decoder = decoder
        latentSize = decoder.latentSize
        dataSize = decoder.dataSize
        queue = DispatchQueue(label: "latent.serve.model.\(id)")
        let n = codes.shape[0], d = codes.shape[1]
        let mean = codes.mean(axis: 0).scalars
        center = mean
        var spread = [Float](repeating: 0, count: d)
        codes.withUnsafeBufferPointer { p in
            for i in 0..<n { for j in 0..<d { let x = p[i * d + j] - mean[j]; spread[j] += x * x } }
        }
        dimensionSpread = spread.map { ($0 / Float(max(n - 1, 1))).squareRoot() }
        if d >= 2 && n >= 2 {
            let pca = try PCA.fit(codes, config: .init(components: 2))
            principalAxes = (0..<2).map { Array(pca.components.scalars[$0 * d..<($0 + 1) * d]) }
            principalSpread = pca.explainedVariance.prefix(2).map { Float($0.squareRoot()) }
        } else {
            principalAxes = [[Float](repeating: 1, count: d), [Float](repeating: 0, count: d)]
            principalSpread = [dimensionSpread.first ?? 1, 0]
        }
        var means: [Int: [Float]] = [:]
        if let labels {
            var sums: [Int: ([Double], Int)] = [:]
            codes.withUnsafeBufferPointer { p in
                for (i, label) in labels.enumerated() where i < n {
                    var entry = sums[label] ?? ([Double](repeating: 0, count: d), 0)
                    for j in 0..<d { entry.0[j] += Double(p[i * d + j]) }
                    entry.1 += 1
                    sums[label] = entry
                }
            }
            for (label, entry) in sums { means[label] = entry.0.map { Float($0 / Double(entry.1)) } }
        }
        classMeans = means
    }

    /// The side of the square images the model makes, if it makes square images.
    public var imageSide: Int? { ImageSide.of(dataSize) }

    /// Decodes `codes` (`[n, latentSize]`, finite: checked by the caller) on the model's queue.
    public func decode(_ codes: Tensor) async -> Tensor {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.decoder.decode(codes)) }
        }
    }
}
