import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// What `latent conditional` is asked for.
public struct ConditionalRequest: Sendable {
    /// The model file: anything with an encoder and a decoder (an autoencoder or a VAE); the
    /// Gaussians are fitted to its codes, so no prior is needed.
    public var model: String
    public var data: MNISTSource
    /// A class whose samples also get a larger picture of their own.
    public var chosenClass: Int?
    /// Samples per class and covariance kind.
    public var count: Int
    /// The judging classifier's file (nil: one is trained on the training images).
    public var classifier: String?
    public var seed: UInt64
    public var out: String?

    public init(model: String, data: MNISTSource = MNISTSource(), chosenClass: Int? = nil, count: Int = 100,
                classifier: String? = nil, seed: UInt64 = 1, out: String? = nil) {
        self.model = model
        self.data = data
        self.chosenClass = chosenClass
        self.count = count
        self.classifier = classifier
        self.seed = seed
        self.out = out
    }
}

/// The figures of `latent conditional` (its `metrics.json`); maps are keyed by covariance kind
/// ("full", "diagonal") and then by class ("0" … "9").
public struct ConditionalResults: Codable, Sendable {
    public var command = "conditional"
    public var model: String
    public var samplesPerClass: Int
    public var seed: UInt64
    /// Per covariance kind: the share of all samples the judge reads as the class requested.
    public var agreement: [String: Double]
    public var agreementPerClass: [String: [String: Double]]
    /// Per covariance kind: the Gaussians as a classifier of test codes by Bayes' rule.
    public var latentBayesTestAccuracy: [String: Double]
    /// The judge's file, or "trained here (5 epochs)".
    public var classifier: String
    public var classifierTestAccuracy: Double

    enum CodingKeys: String, CodingKey {
        case command, model, samplesPerClass = "samples_per_class", seed, agreement, agreementPerClass = "agreement_per_class",
             latentBayesTestAccuracy = "latent_bayes_test_accuracy", classifier,
             classifierTestAccuracy = "classifier_test_accuracy"
    }
}

/// What a class-conditional run found.
public struct ConditionalReport {
    public let folder: RunFolder
    public let modelSummary: String
    /// The judge's file, nil when it was trained here.
    public let classifierPath: String?
    public let results: ConditionalResults

    /// The summary people read.
    public var summary: [(String, String)] {
        func perClass(_ kind: ClassConditionalGaussians.Covariance) -> String {
            (results.agreementPerClass[kind.rawValue] ?? [:]).sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
                .map { "\($0.key): \(Int(($0.value * 100).rounded()))" }.joined(separator: " ")
        }
        func overall(_ kind: ClassConditionalGaussians.Covariance) -> String {
            String(format: "%.1f %% of samples classified as requested", (results.agreement[kind.rawValue] ?? 0) * 100)
        }
        return [("model", "\(results.model): \(modelSummary)"),
                ("classifier", "\(classifierPath ?? "trained here"), test accuracy \(formatPercent(results.classifierTestAccuracy))"),
                ("full covariance", overall(.full)), ("  per class", perClass(.full)),
                ("naive Bayes", overall(.diagonal)), ("  per class", perClass(.diagonal)),
                ("output", folder.path)]
    }
}

/// Class-conditional sampling in latent space, checked by a classifier: Gaussians per class
/// (full covariance, and naive Bayes) fitted to the codes of the training images, sampled and
/// judged by `ClassConditionalAgreement`. Writes `conditional-full.png` and
/// `conditional-diagonal.png` (one row per class), `class-C.png` for a chosen class, and
/// `metrics.json`.
public enum ConditionalExperiment {
    /// Samples, judges and draws what `request` asks for.
    public static func run(_ request: ConditionalRequest, log: ExperimentLog = .silent) throws -> ConditionalReport {
        guard request.count > 0 else { throw ExperimentError("--count must be positive, got \(request.count)") }
        let codec = try ModelRegistry.loadCodec(request.model)
        let (train, test, source) = try request.data.load()
        try ModelFit.check(train, fits: codec, path: request.model)
        guard let labels = train.labels else { throw ExperimentError("\(source): class-conditional sampling needs labelled training images") }
        let classes = Array(Set(labels)).sorted()
        if let c = request.chosenClass, !classes.contains(c) {
            throw ExperimentError("--class \(c): no training images of that class; the classes are \(classes.map(String.init).joined(separator: ", "))")
        }
        let judge = try request.classifier.map { try ModelFit.judge($0, for: codec) }
        let folder = try RunFolder(request.out, besideModel: request.model, name: "conditional")
        // Without --classifier, the measuring classifier's recipe judges (the one GAN runs use).
        let classifier = try judge ?? Classifier.load(path: MeasuringClassifier.path(
            given: nil, trainingInto: try folder.subfolder("classifier"), data: request.data, seed: request.seed, log: log))
        let codes = codec.encodeInBatches(train.inputs), testCodes = codec.encodeInBatches(test.inputs)
        var rng = RandomGenerator(seed: request.seed)
        var agreement: [String: Double] = [:], perClass: [String: [String: Double]] = [:], bayes: [String: Double] = [:]
        var chosen: [Tensor] = []
        for covariance in [ClassConditionalGaussians.Covariance.full, .diagonal] {
            let measured: ClassConditionalAgreement
            do {
                measured = try ClassConditionalAgreement.measure(codec: codec, judge: classifier, codes: codes, labels: labels,
                                                                 covariance: covariance, count: request.count, using: &rng)
            } catch { throw ExperimentError("\(request.model): \(error)") }
            agreement[covariance.rawValue] = measured.overall
            perClass[covariance.rawValue] = Dictionary(uniqueKeysWithValues: zip(measured.classes.map(String.init), measured.perClass))
            if let testLabels = test.labels {
                bayes[covariance.rawValue] = ClassificationScore(predictions: measured.gaussians.classify(testCodes), labels: testLabels).accuracy
            }
            let shown = min(10, request.count)
            try GridPicture.write(Tensor.concat(measured.samples.map { $0.rows(0..<shown) }, axis: 0), columns: shown,
                                  rowLabels: measured.classes.map(String.init),
                                  title: "Samples per class (\(covariance.rawValue) Gaussians over the codes)",
                                  to: folder.file("conditional-\(covariance.rawValue).png"))
            if let c = request.chosenClass, let i = measured.classes.firstIndex(of: c) { chosen.append(measured.samples[i]) }
        }
        if let c = request.chosenClass {
            let shown = min(40, request.count)
            try GridPicture.write(Tensor.concat(chosen.map { $0.rows(0..<shown) }, axis: 0), columns: min(shown, 20),
                                  title: "Samples of class \(c), one block per covariance", to: folder.file("class-\(c).png"))
        }
        let results = ConditionalResults(
            model: request.model, samplesPerClass: request.count, seed: request.seed, agreement: agreement,
            agreementPerClass: perClass, latentBayesTestAccuracy: bayes,
            classifier: request.classifier ?? "trained here (\(MeasuringClassifier.epochs) epochs)",
            classifierTestAccuracy: classifier.score(test.inputs, labels: test.labels ?? []).accuracy)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return ConditionalReport(folder: folder, modelSummary: codec.summary, classifierPath: request.classifier, results: results)
    }
}
