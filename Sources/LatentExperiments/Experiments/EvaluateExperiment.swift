import Foundation
import LatentModels

/// The figures of `latent evaluate` (its `metrics.json`).
public struct EvaluationResults: Codable, Sendable {
    public var command = "evaluate"
    /// The model file evaluated.
    public var model: String
    /// Where the test images came from.
    public var data: String
    public var testSamples: Int
    public var testAccuracy: Double
    /// Per class present in the test labels ("0" … "9"): the share of its images predicted right.
    public var perClassAccuracy: [String: Double]

    enum CodingKeys: String, CodingKey {
        case command, model, data, testSamples = "test_samples", testAccuracy = "test_accuracy",
             perClassAccuracy = "per_class_accuracy"
    }
}

/// What an evaluation found.
public struct EvaluationReport {
    public let results: EvaluationResults
    /// Where `metrics.json` went, if anywhere.
    public let folder: RunFolder?

    /// The summary people read.
    public var summary: [(String, String)] {
        let perClass = results.perClassAccuracy.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\($0.key): \(String(format: "%.1f", $0.value * 100))" }
        return [("model", results.model),
                ("data", "\(results.data), \(results.testSamples) test images"),
                ("test accuracy", formatPercent(results.testAccuracy)),
                ("per class", perClass.joined(separator: "  "))]
    }
}

/// Test figures of a saved classifier (an MLP or an encoder with a head).
public enum EvaluateExperiment {
    /// Scores the classifier in `model` on the test images of `data`; with `out`, writes
    /// `metrics.json` there (only once the model has loaded and been scored, so a bad file leaves
    /// no folder behind).
    public static func run(model: String, data: MNISTSource, out: String?) throws -> EvaluationReport {
        let classifier = try ModelRegistry.loadClassifier(model)
        let (_, test, source) = try data.load()
        guard test.inputs.rank == 2, test.inputs.shape[1] == classifier.inputSize else {
            throw ExperimentError("\(model): the classifier expects \(classifier.inputSize) inputs, the data has \(test.inputs.shape.dropFirst().reduce(1, *))")
        }
        guard let labels = test.labels else { throw ExperimentError("\(source): evaluation needs labelled test images") }
        let score = classifier.score(test.inputs, labels: labels)
        let results = EvaluationResults(
            model: model, data: source, testSamples: score.count, testAccuracy: score.accuracy,
            perClassAccuracy: Dictionary(uniqueKeysWithValues: score.perClass.map { ("\($0.key)", $0.value) }))
        let folder = try out.map { try RunFolder($0, name: "evaluate") }
        if let folder { try MetricsFile.write(results, to: folder.file("metrics.json")) }
        return EvaluationReport(results: results, folder: folder)
    }
}
