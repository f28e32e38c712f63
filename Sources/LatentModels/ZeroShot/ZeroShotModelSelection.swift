import LatentTensor

/// Chooses a zero-shot model's ridges without looking at the unseen classes, by class-disjoint
/// validation as Xian et al. (2017) prescribe: the last third of the seen classes (at least one)
/// play the unseen ones, the model is fitted on the rest for every candidate setting, and the
/// setting with the best mean per-class accuracy on the held-out classes wins.
public enum ZeroShotModelSelection {
    /// The ridges tried, on each side: a log grid around 1.
    public static let grid: [Float] = [0.01, 0.1, 1, 10, 100]

    /// The chosen config (a copy of `config` with `featureRidge`, and for ESZSL `signatureRidge`,
    /// set) and its validation accuracy. Needs at least 3 seen classes (2 to fit, 1 to hold out).
    public static func select(features: Tensor, labels: [Int], signatures: ClassSignatures,
                              config: ZeroShotModel.Config) throws -> (config: ZeroShotModel.Config, accuracy: Double) {
        let seen = Array(Set(labels)).sorted()
        guard seen.count >= 3 else {
            throw ZeroShotError.invalid("choosing the ridges needs at least 3 seen classes (2 to fit, 1 to validate), got \(seen.count); give them")
        }
        let heldOut = Array(seen.suffix(Swift.max(1, seen.count / 3)))
        let fitRows = labels.indices.filter { !heldOut.contains(labels[$0]) }
        let validationRows = labels.indices.filter { heldOut.contains(labels[$0]) }
        let fitX = features.gatherRows(fitRows), fitY = fitRows.map { labels[$0] }
        let validationX = features.gatherRows(validationRows), validationY = validationRows.map { labels[$0] }
        let lambdas = config.method == .eszsl ? grid : [config.signatureRidge]
        var best: (config: ZeroShotModel.Config, accuracy: Double)?
        for gamma in grid {
            for lambda in lambdas {
                var candidate = config
                candidate.featureRidge = gamma
                candidate.signatureRidge = lambda
                let model = try ZeroShotModel(features: fitX, labels: fitY, signatures: signatures, config: candidate)
                let predicted = try model.predict(validationX, candidates: heldOut)
                let perClass = ClassificationScore(predictions: predicted, labels: validationY).perClass
                let accuracy = perClass.values.reduce(0, +) / Double(Swift.max(perClass.count, 1))
                if accuracy > best?.accuracy ?? -1 { best = (candidate, accuracy) }
            }
        }
        return best ?? (config, 0)
    }
}
