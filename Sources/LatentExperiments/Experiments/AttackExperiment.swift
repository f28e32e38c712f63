import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor

/// Everything that defines an attack run (`latent attack`).
public struct AttackSettings: Codable, Sendable, Equatable {
    /// The classifier's model file.
    public var model: String
    /// The labelled images attacked (the test split).
    public var data: MNISTSource
    /// The attack; its ε is replaced by each of `epsilons` in turn.
    public var attack: AttackConfig
    /// The radii to attack at, in order.
    public var epsilons: [Float]
    /// Seeds the random starts.
    public var seed: UInt64
    /// Write each radius's adversarial images as .npy.
    public var saveExamples: Bool

    public init(model: String, data: MNISTSource, attack: AttackConfig, epsilons: [Float], seed: UInt64, saveExamples: Bool = false) {
        self.model = model
        self.data = data
        self.attack = attack
        self.epsilons = epsilons
        self.seed = seed
        self.saveExamples = saveExamples
    }
}

/// The `metrics.json` of an attack run.
public struct AttackMetrics: Encodable {
    public var command = "attack"
    public var settings: AttackSettings
    public var modelSummary: String
    public var data: String
    public var results: [AttackResult]

    enum CodingKeys: String, CodingKey {
        case command, settings, modelSummary = "model_summary", data, results
    }
}

/// What an attack run found.
public struct AttackReport {
    public let settings: AttackSettings
    public let modelSummary: String
    public let results: [AttackResult]
    public let folder: RunFolder
    public let seconds: Double

    /// The summary people read: one line per radius.
    public var summary: [(String, String)] {
        var lines = [("model", "\(settings.model) (\(modelSummary))"),
                     ("attack", settings.attack.summary.replacingOccurrences(of: ", ε = \(settings.attack.epsilon)", with: "")),
                     ("test images", "\(results.first?.examples ?? 0)"),
                     ("clean accuracy", formatPercent(results.first?.cleanAccuracy ?? .nan))]
        for r in results {
            let sure = r.meanWrongConfidence.map { ", wrong answers at \(formatPercent($0, decimals: 1)) confidence" } ?? ""
            let target = r.targetRate.map { ", \(formatPercent($0, decimals: 1)) on target" } ?? ""
            lines.append(("ε = \(AttackConfig.radius(r.epsilon))", "accuracy \(formatPercent(r.adversarialAccuracy))\(sure)\(target)"))
        }
        lines += [("time", formatDuration(seconds)), ("output", folder.path)]
        return lines
    }
}

/// Attacking a saved classifier on the test images: accuracy under attack per radius, the
/// lecture's picture, a curve, and (on request) the adversarial images.
public enum AttackExperiment {
    /// Examples in the picture of an attack.
    public static let pictureExamples = 8

    /// Runs `settings`; the output folder is made only once every radius has been attacked, so
    /// bad input leaves nothing behind.
    public static func run(_ settings: AttackSettings, out: String?, log: ExperimentLog = .silent) throws -> AttackReport {
        let started = Date()
        guard !settings.epsilons.isEmpty else { throw ExperimentError("--epsilon: give at least one radius") }
        let model = try ModelRegistry.loadClassifier(settings.model)
        let modelSummary = (model as? any SavedModel)?.summary ?? "a classifier"
        for epsilon in settings.epsilons {
            do { try settings.attack.with(epsilon: epsilon).validate(classes: model.classCount) } catch {
                throw ExperimentError("\(error)")
            }
        }
        let (_, test, source) = try settings.data.load()
        guard test.inputs.rank == 2, test.inputs.shape[1] == model.inputSize else {
            throw ExperimentError("\(settings.model): the classifier expects \(model.inputSize) inputs, the data has \(test.inputs.shape.dropFirst().reduce(1, *))")
        }
        guard let labels = test.labels else { throw ExperimentError("\(source): an attack needs labelled test images") }
        if let bad = labels.first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw ExperimentError("\(source): label \(bad) is not one of the model's \(model.classCount) classes")
        }
        log.note("data: \(source): \(test.count) test images")
        var results: [AttackResult] = []
        var examples: [Tensor] = []
        for epsilon in settings.epsilons {
            let attack = try Attack(settings.attack.with(epsilon: epsilon))
            let (result, adversarial) = try AttackEvaluation.run(model, attack: attack, inputs: test.inputs, labels: labels,
                                                                 seed: settings.seed, keepExamples: true)
            log.note(String(format: "ε = %g: accuracy %.2f %% under attack (clean %.2f %%) [%.1fs]", Double(epsilon),
                            result.adversarialAccuracy * 100, result.cleanAccuracy * 100, result.seconds))
            results.append(result)
            if let adversarial { examples.append(adversarial) }
        }
        let folder = try RunFolder(out, besideModel: settings.model, name: "attack")
        try MetricsFile.write(AttackMetrics(settings: settings, modelSummary: modelSummary, data: source, results: results),
                              to: folder.file("metrics.json"))
        if settings.saveExamples {
            for (epsilon, adversarial) in zip(settings.epsilons, examples) {
                try NPY.write(adversarial, to: folder.file("adversarial-eps\(AttackConfig.radius(Double(epsilon))).npy"))
            }
            try NPY.write(labels: labels, to: folder.file("labels.npy"))
        }
        if results.count > 1 {
            try AdversarialPictures.curve(results, title: "Accuracy under attack: \(pictureText(settings.attack.summary, epsilon: nil))",
                                          to: folder.file("attack-curve.png"))
        }
        if let strongest = settings.epsilons.indices.max(by: { settings.epsilons[$0] < settings.epsilons[$1] }) {
            try writePicture(model, test: test.inputs, labels: labels, adversarial: examples[strongest],
                             attack: settings.attack.with(epsilon: settings.epsilons[strongest]),
                             to: folder.file("adversarial-examples.png"))
        }
        return AttackReport(settings: settings, modelSummary: modelSummary, results: results, folder: folder,
                            seconds: Date().timeIntervalSince(started))
    }

    /// The lecture's picture for the first `pictureExamples` test images the model gets right
    /// (those the attack turns are what it shows).
    static func writePicture(_ model: any LabelPredictor, test: Tensor, labels: [Int], adversarial: Tensor,
                             attack: AttackConfig, to path: String) throws {
        let before = model.predict(test)
        var chosen = (0..<labels.count).filter { before[$0] == labels[$0] }
        chosen = Array(chosen.prefix(pictureExamples))
        guard !chosen.isEmpty else { return }
        let original = Tensor.concat(chosen.map { test.rows($0..<$0 + 1) }, axis: 0)
        let moved = Tensor.concat(chosen.map { adversarial.rows($0..<$0 + 1) }, axis: 0)
        let outcomeBefore = ClassifierOutcome(logits: model.logits(original))
        let outcomeAfter = ClassifierOutcome(logits: model.logits(moved))
        try AdversarialPictures.examples(original: original, adversarial: moved, labels: chosen.map { labels[$0] },
                                         before: outcomeBefore, after: outcomeAfter, epsilon: attack.epsilon,
                                         title: pictureText(attack.summary, epsilon: attack.epsilon), to: path)
    }

    /// The attack's summary for a picture title; for a curve over ε (`epsilon` nil) without its
    /// single ε.
    static func pictureText(_ text: String, epsilon: Float?) -> String {
        var t = text
        if epsilon == nil, let cut = t.range(of: ", ε = ") {
            let rest = t[cut.upperBound...]
            let end = rest.firstIndex(of: ",") ?? rest.endIndex
            t.removeSubrange(cut.lowerBound..<end)
        }
        return t
    }
}
