/// How a classifier built on a reused trunk trains: frozen for some epochs and then fine-tuned,
/// and with a smaller learning rate for the reused layers than for the new head (a parameter
/// group, `Optimizer.learningRateScales`). Freezing for every epoch is the model's own setting
/// (`TransferableClassifier.freezeTrunk`, kept in checkpoints).
public struct TransferTraining: Codable, Sendable, Equatable {
    /// After this many epochs with a frozen trunk, the trunk trains too (nil: never unfrozen here).
    public var unfreezeAfter: Int?
    /// The reused layers' learning rate as a fraction of the head's (1: the same). Values below 1
    /// keep fine-tuning from wiping out what the trunk learned before the head has settled.
    public var trunkLearningRateScale: Float

    public init(unfreezeAfter: Int? = nil, trunkLearningRateScale: Float = 1) {
        self.unfreezeAfter = unfreezeAfter
        self.trunkLearningRateScale = trunkLearningRateScale
    }

    /// Rejects a negative epoch count or a scale outside (0, 1e3].
    public func validate() throws(ModelError) {
        if let e = unfreezeAfter, e < 0 { throw .invalidConfig("unfreeze-after must be ≥ 0 epochs, got \(e)") }
        if !(trunkLearningRateScale > 0 && trunkLearningRateScale <= 1000) {
            throw .invalidConfig("the reused layers' learning-rate scale must be in (0, 1000], got \(trunkLearningRateScale)")
        }
    }

    /// A few words for summaries.
    public var summary: String {
        var parts: [String] = []
        if let e = unfreezeAfter { parts.append("trunk frozen for \(e) epoch\(e == 1 ? "" : "s"), then fine-tuned") }
        if trunkLearningRateScale != 1 { parts.append("trunk learning rate × \(trunkLearningRateScale)") }
        return parts.isEmpty ? "as built" : parts.joined(separator: ", ")
    }
}
