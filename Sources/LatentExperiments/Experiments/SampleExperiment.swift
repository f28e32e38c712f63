import Foundation
import LatentIO
import LatentModels
import LatentTensor

/// What `latent sample` is asked for.
public struct SampleRequest: Sendable {
    /// The model file (a VAE or a GAN).
    public var model: String
    /// Prior draws to make (ignored with `codes`).
    public var count: Int
    /// Images per row of the grid (nil: 8 for prior draws, √n rounded up for a codes file).
    public var columns: Int?
    /// An `.npy` of codes `[n, D]` to decode instead of prior draws.
    public var codes: String?
    /// The code width the user expects; a model with another is an error.
    public var latent: Int?
    /// Also write the images as `samples.npy`.
    public var npy: Bool
    public var seed: UInt64
    public var out: String?
    /// Steps of the Gibbs chains when the model is an RBM.
    public var gibbsSteps = 1000

    public init(model: String, count: Int = 64, columns: Int? = nil, codes: String? = nil, latent: Int? = nil,
                npy: Bool = false, seed: UInt64 = 1, out: String? = nil, gibbsSteps: Int = 1000) {
        self.model = model
        self.count = count
        self.columns = columns
        self.codes = codes
        self.latent = latent
        self.npy = npy
        self.seed = seed
        self.out = out
        self.gibbsSteps = gibbsSteps
    }
}

/// The figures of `latent sample` (its `metrics.json`): the seed of prior draws, or the codes file.
public struct SampleResults: Codable, Sendable {
    public var command = "sample"
    public var model: String
    public var count: Int
    public var latentSize: Int
    public var seed: UInt64?
    public var codes: String?

    enum CodingKeys: String, CodingKey { case command, model, count, latentSize = "latent_size", seed, codes }
}

/// What a sampling run wrote.
public struct SampleReport {
    public let folder: RunFolder
    public let modelSummary: String
    public let results: SampleResults
    public let wroteNPY: Bool

    /// The summary people read.
    public var summary: [(String, String)] {
        [("model", "\(results.model): \(modelSummary)"),
         ("samples", "\(results.count)" + (results.codes.map { ", codes from \($0)" } ?? ", seed \(results.seed ?? 0)")),
         ("output", folder.file("samples.png") + (wroteNPY ? ", samples.npy" : ""))]
    }
}

/// New images from a generator (a VAE's decoder, a GAN's generator): prior draws or given codes,
/// decoded into `samples.png` (and `samples.npy`).
public enum SampleExperiment {
    /// Generates what `request` asks for. Every check (the model's kind, `latent`, the codes
    /// file) comes before the output folder is made.
    public static func run(_ request: SampleRequest) throws -> SampleReport {
        guard request.count > 0 else { throw ExperimentError("--count must be positive, got \(request.count)") }
        if FileManager.default.fileExists(atPath: request.model), try ModelFile(path: request.model).kind == RBM.kind {
            return try gibbsSamples(request)
        }
        let generator = try ModelRegistry.loadGenerator(request.model)
        try ModelFit.check(latent: request.latent, of: generator, path: request.model)
        let codes: Tensor
        if let path = request.codes {
            codes = try CodesFile.read(path, for: generator, modelPath: request.model)
        } else {
            var rng = RandomGenerator(seed: request.seed)
            codes = generator.samplePrior(count: request.count, using: &rng)
        }
        let images = generator.decodeInBatches(codes)
        let n = images.shape[0]
        let folder = try RunFolder(request.out, besideModel: request.model, name: "sample")
        let columns = request.columns ?? (request.codes == nil ? 8 : Int(Double(n).squareRoot().rounded(.up)))
        let title = request.codes == nil ? "Draws from the prior, decoded" : "Codes of \(PictureTitle.withoutDirectories(request.codes ?? "")), decoded"
        try GridPicture.write(images, columns: columns, title: title, to: folder.file("samples.png"))
        if request.npy { try NPY.write(images, to: folder.file("samples.npy")) }
        let results = SampleResults(model: request.model, count: n, latentSize: generator.latentSize,
                                    seed: request.codes == nil ? request.seed : nil, codes: request.codes)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return SampleReport(folder: folder, modelSummary: generator.summary, results: results, wroteNPY: request.npy)
    }

    /// An RBM's fantasy particles: `count` Gibbs chains from uniform random binary images, shown
    /// as their visible means after `gibbsSteps` steps.
    static func gibbsSamples(_ request: SampleRequest) throws -> SampleReport {
        guard request.codes == nil, request.latent == nil else {
            throw ExperimentError("\(request.model): an RBM has no latent codes to decode; drop --codes and --latent (its samples come from Gibbs chains)")
        }
        let rbm = try RBM.load(path: request.model)
        let chains = RBMPictures.gibbsSamples(rbm, count: request.count, gibbsSteps: request.gibbsSteps, seed: request.seed)
        let images = RBMPictures.displayable(chains.last?.1 ?? Tensor(shape: [0, rbm.visibleCount]))
        let folder = try RunFolder(request.out, name: "sample")
        if RBMPictures.side(rbm.visibleCount) != nil {
            try GridPicture.write(images, columns: request.columns ?? 8,
                                  title: "Gibbs chains after \(request.gibbsSteps) steps", to: folder.file("samples.png"))
        }
        if request.npy { try NPY.write(images, to: folder.file("samples.npy")) }
        let results = SampleResults(model: request.model, count: images.shape[0], latentSize: rbm.hiddenCount, seed: request.seed)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return SampleReport(folder: folder, modelSummary: rbm.summary + ", \(request.gibbsSteps) Gibbs steps", results: results,
                            wroteNPY: request.npy)
    }
}
