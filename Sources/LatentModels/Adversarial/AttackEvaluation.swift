import Foundation
import LatentNN
import LatentTensor

/// How a classifier fares against one attack on a labelled set.
public struct AttackResult: Codable, Sendable, Equatable {
    /// Radius of the attack.
    public var epsilon: Double
    /// Accuracy on the unperturbed inputs.
    public var cleanAccuracy: Double
    /// Accuracy on the adversarial inputs (robust accuracy).
    public var adversarialAccuracy: Double
    /// Mean probability the model gives its (wrong) answer on the adversarial inputs it gets
    /// wrong: how sure it is of its mistakes (nil when it gets none wrong).
    public var meanWrongConfidence: Double?
    /// Share of inputs classified as the target (targeted attacks only).
    public var targetRate: Double?
    /// The largest |x′ − x| over every pixel: ≤ ε by construction.
    public var largestChange: Double
    public var examples: Int
    public var seconds: Double

    /// 1 − adversarial accuracy.
    public var adversarialError: Double { 1 - adversarialAccuracy }

    enum CodingKeys: String, CodingKey {
        case epsilon, cleanAccuracy = "clean_accuracy", adversarialAccuracy = "adversarial_accuracy"
        case meanWrongConfidence = "mean_wrong_confidence", targetRate = "target_rate"
        case largestChange = "largest_change", examples, seconds
    }
}

/// Running an attack over a whole labelled set, in batches.
public enum AttackEvaluation {
    /// Attacks every row of `inputs` (`[N, features]`, labelled) in evaluation mode and measures
    /// the outcome. With `keepExamples` the adversarial inputs are returned too.
    public static func run(_ model: any LabelPredictor, attack: Attack, inputs: Tensor, labels: [Int],
                           batchSize: Int = 500, seed: UInt64, keepExamples: Bool = false)
        throws(ModelError) -> (result: AttackResult, adversarial: Tensor?) {
        try attack.config.validate(classes: model.classCount)
        guard inputs.rank == 2, inputs.shape[1] == model.inputSize else {
            throw .invalidConfig("inputs have shape \(inputs.shape), the classifier expects \(model.inputSize) features per row")
        }
        guard labels.count == inputs.shape[0] else {
            throw .invalidConfig("\(inputs.shape[0]) inputs but \(labels.count) labels")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw .invalidConfig("label \(bad) outside the model's classes 0..<\(model.classCount)")
        }
        let started = Date()
        let wasTraining = model.isTraining
        model.eval()
        defer { if wasTraining { model.train() } }
        var rng = RandomGenerator(seed: seed)
        let n = inputs.shape[0]
        var clean = 0, robust = 0, onTarget = 0, wrong = 0
        var wrongConfidence = 0.0, largest: Float = 0
        var kept: [Tensor] = []
        for start in stride(from: 0, to: n, by: Swift.max(1, batchSize)) {
            let range = start..<Swift.min(start + batchSize, n)
            let x = inputs.rows(range), y = Array(labels[range])
            let adversarial = attack.perturb(model, inputs: x, labels: y, rng: &rng)
            let before = ClassifierOutcome(logits: withoutGradients { model(Variable(x)).value })
            let after = ClassifierOutcome(logits: withoutGradients { model(Variable(adversarial)).value })
            for i in 0..<y.count {
                if before.predictions[i] == y[i] { clean += 1 }
                if after.predictions[i] == y[i] {
                    robust += 1
                } else {
                    wrong += 1
                    wrongConfidence += Double(after.confidences[i])
                }
                if let target = attack.config.target, after.predictions[i] == target { onTarget += 1 }
            }
            adversarial.withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { b in
                    for i in a.indices { largest = Swift.max(largest, Swift.abs(a[i] - b[i])) }
                }
            }
            if keepExamples { kept.append(adversarial) }
        }
        let total = Double(Swift.max(n, 1))
        let result = AttackResult(
            epsilon: Double(attack.config.epsilon), cleanAccuracy: Double(clean) / total,
            adversarialAccuracy: Double(robust) / total,
            meanWrongConfidence: wrong > 0 ? wrongConfidence / Double(wrong) : nil,
            targetRate: attack.config.target == nil ? nil : Double(onTarget) / total,
            largestChange: Double(largest), examples: n, seconds: Date().timeIntervalSince(started))
        return (result, keepExamples ? (kept.isEmpty ? Tensor(shape: [0, inputs.shape[1]]) : Tensor.concat(kept, axis: 0)) : nil)
    }
}
