import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// What `latent interpolate` is asked for.
public struct InterpolationRequest: Sendable {
    /// The model file: a codec (an autoencoder or a VAE) walks between the codes of two images,
    /// a generator without an encoder (a GAN) between random codes.
    public var model: String
    /// The test images for a codec's walk.
    public var data: MNISTSource
    /// A codec's first and second image: a test-image index or a PNG file (nil: images 0 and 1).
    public var from: String?
    public var to: String?
    /// Random code pairs for a GAN's walks (nil: 4).
    public var pairs: Int?
    /// Decoded points along each path, ends included.
    public var steps: Int
    public var seed: UInt64
    public var out: String?

    public init(model: String, data: MNISTSource = MNISTSource(), from: String? = nil, to: String? = nil, pairs: Int? = nil,
                steps: Int = 10, seed: UInt64 = 1, out: String? = nil) {
        self.model = model
        self.data = data
        self.from = from
        self.to = to
        self.pairs = pairs
        self.steps = steps
        self.seed = seed
        self.out = out
    }
}

/// The `metrics.json` of a walk between two images: the code norm at every step of each path.
public struct ImageWalkResults: Codable, Sendable {
    public var command = "interpolate"
    public var model: String
    public var from: String
    public var to: String
    public var steps: Int
    /// Per path kind ("linear", "spherical"): |z| at every step.
    public var codeNorms: [String: [Double]]

    enum CodingKeys: String, CodingKey { case command, model, from, to, steps, codeNorms = "code_norms" }
}

/// The `metrics.json` of walks between random prior draws: the code norms of every walk.
public struct PriorWalkResults: Codable, Sendable {
    public var command = "interpolate"
    public var model: String
    public var pairs: Int
    public var seed: UInt64
    public var steps: Int
    /// Per path kind: for each pair, |z| at every step.
    public var codeNorms: [String: [[Double]]]

    enum CodingKeys: String, CodingKey { case command, model, pairs, seed, steps, codeNorms = "code_norms" }
}

/// What a walk through latent space drew.
public struct InterpolationReport {
    /// The two kinds of walk, with their figures.
    public enum Walk {
        case images(ImageWalkResults)
        case prior(PriorWalkResults)
    }

    public let folder: RunFolder
    public let modelSummary: String
    public let walk: Walk

    /// The picture.
    public var picture: String { folder.file("interpolation.png") }

    /// The summary people read.
    public var summary: [(String, String)] {
        switch walk {
        case .images(let r):
            let linear = r.codeNorms["linear"] ?? [], spherical = r.codeNorms["spherical"] ?? []
            let middle = r.steps / 2
            return [("model", "\(r.model): \(modelSummary)"), ("from", r.from), ("to", r.to),
                    ("mid-path |z|", String(format: "linear %.2f, spherical %.2f (ends %.2f and %.2f)", linear[middle],
                                            spherical[middle], linear[0], linear[r.steps - 1])),
                    ("output", picture)]
        case .prior(let r):
            let middle = r.steps / 2
            let mean = { (kind: String, s: Int) in (r.codeNorms[kind] ?? []).reduce(0) { $0 + $1[s] } / Double(r.pairs) }
            return [("model", "\(r.model): \(modelSummary)"),
                    ("walks", "\(r.pairs) random pairs (seed \(r.seed)), \(r.steps) steps"),
                    ("mid-path |z|", String(format: "linear %.2f, spherical %.2f (ends %.2f), means over pairs",
                                            mean("linear", middle), mean("spherical", middle), mean("linear", 0))),
                    ("output", picture)]
        }
    }
}

/// Straight and spherical walks through latent space, decoded into `interpolation.png`, with
/// the code norms along each in `metrics.json`. A model with an encoder walks between the codes
/// of two images (shown at the ends of the strip); one without walks between random codes.
public enum InterpolationExperiment {
    /// Walks as `request` asks.
    public static func run(_ request: InterpolationRequest) throws -> InterpolationReport {
        guard request.steps >= 2 else { throw ExperimentError("--steps must be at least 2, got \(request.steps)") }
        let model = try ModelRegistry.loadDecoder(request.model)
        if let codec = model as? any LatentCodec {
            if request.pairs != nil {
                throw ExperimentError("--pairs is for a model without an encoder (a GAN); this \(type(of: model).kind) walks between the images --from and --to")
            }
            return try walkBetweenImages(codec, summary: model.summary, request)
        }
        guard let generator = model as? any LatentGenerator else {
            throw ExperimentError("\(request.model): \(Checkpoint.withArticle(type(of: model).kind)) has neither an encoder nor a prior to walk between")
        }
        // The only decoder without an encoder Latent has is a GAN's generator.
        if request.from != nil || request.to != nil {
            throw ExperimentError("\(request.model): a GAN has no encoder, so --from/--to cannot be used; it walks between --pairs random codes")
        }
        return try walkBetweenPriorDraws(generator, summary: model.summary, request)
    }

    /// |z| at every step of `path` `[steps, D]`.
    static func norms(_ path: Tensor) -> [Double] {
        let d = path.shape[1], p = path.scalars
        return (0..<path.shape[0]).map { s in (0..<d).reduce(0.0) { $0 + Double(p[s * d + $1]) * Double(p[s * d + $1]) }.squareRoot() }
    }

    private static func walkBetweenImages(_ codec: any LatentCodec, summary: String,
                                          _ request: InterpolationRequest) throws -> InterpolationReport {
        let (_, test, _) = try request.data.load()
        try ModelFit.check(test, fits: codec, path: request.model)
        let a = try InputImage(request.from ?? "0", flag: "--from", data: test, size: codec.dataSize)
        let b = try InputImage(request.to ?? "1", flag: "--to", data: test, size: codec.dataSize)
        let codes = codec.encode(Tensor.concat([a.pixels, b.pixels], axis: 0))
        let d = codec.latentSize
        let za = Array(codes.scalars[0..<d]), zb = Array(codes.scalars[d..<(2 * d)])
        var rows: [Tensor] = [], pathNorms: [String: [Double]] = [:]
        for kind in LatentInterpolation.allCases {
            let path = kind.path(from: za, to: zb, steps: request.steps)
            pathNorms[kind.rawValue] = norms(path)
            rows += [a.pixels, codec.decode(path), b.pixels]
        }
        let folder = try RunFolder(request.out, besideModel: request.model, name: "interpolate")
        try GridPicture.write(Tensor.concat(rows, axis: 0), columns: request.steps + 2,
                              rowLabels: LatentInterpolation.allCases.map(\.rawValue),
                              title: PictureTitle.withoutDirectories("From \(a.name) to \(b.name) in latent space"), to: folder.file("interpolation.png"))
        let results = ImageWalkResults(model: request.model, from: a.name, to: b.name, steps: request.steps, codeNorms: pathNorms)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return InterpolationReport(folder: folder, modelSummary: summary, walk: .images(results))
    }

    private static func walkBetweenPriorDraws(_ generator: any LatentGenerator, summary: String,
                                              _ request: InterpolationRequest) throws -> InterpolationReport {
        let pairs = request.pairs ?? 4
        guard pairs > 0 else { throw ExperimentError("--pairs must be positive, got \(pairs)") }
        var rng = RandomGenerator(seed: request.seed)
        let ends = generator.samplePrior(count: 2 * pairs, using: &rng).scalars
        let d = generator.latentSize
        var rows: [Tensor] = [], labels: [String] = [], pathNorms: [String: [[Double]]] = [:]
        for p in 0..<pairs {
            let za = Array(ends[(2 * p) * d..<(2 * p + 1) * d]), zb = Array(ends[(2 * p + 1) * d..<(2 * p + 2) * d])
            for kind in LatentInterpolation.allCases {
                let path = kind.path(from: za, to: zb, steps: request.steps)
                pathNorms[kind.rawValue, default: []].append(norms(path))
                rows.append(generator.decode(path))
                labels.append(kind.rawValue)
            }
        }
        let folder = try RunFolder(request.out, besideModel: request.model, name: "interpolate")
        try GridPicture.write(Tensor.concat(rows, axis: 0), columns: request.steps, rowLabels: labels,
                              title: "Walks between pairs of prior draws", to: folder.file("interpolation.png"))
        let results = PriorWalkResults(model: request.model, pairs: pairs, seed: request.seed, steps: request.steps,
                                       codeNorms: pathNorms)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return InterpolationReport(folder: folder, modelSummary: summary, walk: .prior(results))
    }
}
