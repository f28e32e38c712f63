import LatentTensor

/// How well predicted classes match labels: overall and per class. The one place accuracy is
/// counted, so `latent evaluate`, the demo and the latent-space measures agree on it.
public struct ClassificationScore: Sendable, Equatable {
    /// Examples scored.
    public let count: Int
    /// Share of examples whose prediction equals the label (0 for no examples).
    public let accuracy: Double
    /// Per class present among the labels: the share of its examples predicted as it (recall).
    public let perClass: [Int: Double]

    /// Scores `predictions` against `labels`; the two are paired in order, and a surplus in
    /// either is ignored.
    public init(predictions: [Int], labels: [Int]) {
        let n = Swift.min(predictions.count, labels.count)
        var hits = [Int: Int](), totals = [Int: Int]()
        for i in 0..<n {
            totals[labels[i], default: 0] += 1
            if predictions[i] == labels[i] { hits[labels[i], default: 0] += 1 }
        }
        count = n
        accuracy = Double(hits.values.reduce(0, +)) / Double(Swift.max(n, 1))
        perClass = totals.reduce(into: [:]) { $0[$1.key] = Double(hits[$1.key] ?? 0) / Double($1.value) }
    }
}

extension LabelPredictor {
    /// The score of this model's predictions on `inputs` against `labels`.
    public func score(_ inputs: Tensor, labels: [Int]) -> ClassificationScore {
        ClassificationScore(predictions: predict(inputs), labels: labels)
    }
}
