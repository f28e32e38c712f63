import LatentTensor

/// The figures of zero-shot learning as Xian et al. (2017, "Zero-shot learning — the good, the
/// bad and the ugly") define them, every accuracy averaged over classes (mean per-class top-1):
/// - conventional zero-shot: test examples of unseen classes, choosing among unseen classes only;
/// - generalised zero-shot: test examples of every class, choosing among all classes; the
///   accuracy on seen and on unseen classes, and their harmonic mean H = 2·s·u / (s + u), which
///   is high only if both are.
public struct ZeroShotEvaluation: Codable, Sendable, Equatable {
    /// Conventional zero-shot, mean per-class top-1 on the unseen classes.
    public var unseenAccuracy: Double
    /// Conventional zero-shot, the share of unseen-class test examples classified right.
    public var unseenTop1: Double
    /// Generalised zero-shot: seen-class and unseen-class accuracy, and their harmonic mean.
    public var generalizedSeen: Double
    public var generalizedUnseen: Double
    public var harmonicMean: Double
    /// Per unseen class (by label), conventional zero-shot accuracy.
    public var perUnseenClass: [String: Double]

    enum CodingKeys: String, CodingKey {
        case unseenAccuracy = "unseen_accuracy", unseenTop1 = "unseen_top1", generalizedSeen = "gzsl_seen"
        case generalizedUnseen = "gzsl_unseen", harmonicMean = "gzsl_harmonic_mean", perUnseenClass = "per_unseen_class"
    }

    /// Scores `model` on test `features` and `labels`; `seen` and `unseen` partition the classes.
    public init(_ model: ZeroShotModel, features: Tensor, labels: [Int], seen: [Int], unseen: [Int]) throws {
        let unseenSet = Set(unseen)
        let unseenRows = labels.indices.filter { unseenSet.contains(labels[$0]) }
        guard !unseenRows.isEmpty else { throw ZeroShotError.invalid("no test examples of the unseen classes") }
        let unseenLabels = unseenRows.map { labels[$0] }
        let conventional = try model.predict(features.gatherRows(unseenRows), candidates: unseen)
        let perClass = ClassificationScore(predictions: conventional, labels: unseenLabels).perClass
        unseenAccuracy = Self.mean(perClass, over: unseen)
        unseenTop1 = Double(zip(conventional, unseenLabels).filter { $0 == $1 }.count) / Double(unseenRows.count)
        perUnseenClass = Dictionary(uniqueKeysWithValues: perClass.map { (String($0.key), $0.value) })
        let generalized = ClassificationScore(predictions: try model.predict(features, candidates: seen + unseen),
                                              labels: labels).perClass
        generalizedSeen = Self.mean(generalized, over: seen)
        generalizedUnseen = Self.mean(generalized, over: unseen)
        let sum = generalizedSeen + generalizedUnseen
        harmonicMean = sum > 0 ? 2 * generalizedSeen * generalizedUnseen / sum : 0
    }

    /// The mean over `classes` of those that have test examples.
    static func mean(_ perClass: [Int: Double], over classes: [Int]) -> Double {
        let present = classes.compactMap { perClass[$0] }
        return present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
    }
}
