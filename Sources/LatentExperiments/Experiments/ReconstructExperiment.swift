import Foundation
import LatentModels

/// The figures of `latent reconstruct` (its `metrics.json`).
public struct ReconstructionResults: Codable, Sendable {
    public var command = "reconstruct"
    /// The model file.
    public var model: String
    /// Where the test images came from.
    public var data: String
    public var testSamples: Int
    /// Σ over pixels of the squared error, mean over test images.
    public var testSquaredError: Double
    /// The model's training loss on the test images (cross-entropy per image, or the squared error).
    public var testLoss: Double
    /// For sparse or squashed codes: the mean code value, and the share of values near zero.
    public var codeMeanActivation: Double?
    public var codeNearZeroFraction: Double?

    enum CodingKeys: String, CodingKey {
        case command, model, data, testSamples = "test_samples", testSquaredError = "test_squared_error",
             testLoss = "test_loss", codeMeanActivation = "code_mean_activation",
             codeNearZeroFraction = "code_near_zero_fraction"
    }
}

/// What a reconstruction run wrote.
public struct ReconstructionReport {
    public let folder: RunFolder
    public let modelSummary: String
    public let results: ReconstructionResults

    /// The summary people read.
    public var summary: [(String, String)] {
        [("model", modelSummary),
         ("data", "\(results.data), \(results.testSamples) test images"),
         ("test squared error", formatFigure(results.testSquaredError) + " per image"),
         ("pictures", folder.file("reconstructions.png"))]
    }
}

/// Test images through a saved autoencoder: its test figures, `reconstructions.png` and
/// `filters.png` (as its training run draws them) and `metrics.json`.
public enum ReconstructExperiment {
    /// Reconstructs the test images of `data` with the autoencoder in `model`; `count` of them
    /// are drawn.
    public static func run(model: String, data: MNISTSource, count: Int, out: String?) throws -> ReconstructionReport {
        guard count > 0 else { throw ExperimentError("--count must be positive, got \(count)") }
        let autoencoder = try Autoencoder.load(path: model)
        let (_, test, source) = try data.load()
        try ModelFit.check(test, fits: autoencoder, path: model)
        let figures = AutoencoderTraining.evaluate(autoencoder, test: test.inputs)
        let folder = try RunFolder(out, besideModel: model, name: "reconstruct")
        try AutoencoderPictures.write(autoencoder, test: test.inputs, to: folder.path, count: count)
        let results = ReconstructionResults(
            model: model, data: source, testSamples: test.count, testSquaredError: figures["test_squared_error"] ?? .nan,
            testLoss: figures["test_loss"] ?? .nan, codeMeanActivation: figures["code_mean_activation"],
            codeNearZeroFraction: figures["code_near_zero_fraction"])
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return ReconstructionReport(folder: folder, modelSummary: autoencoder.config.summary, results: results)
    }
}
