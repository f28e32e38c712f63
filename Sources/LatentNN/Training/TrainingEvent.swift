/// One record of training progress, for progress bars and logs.
public struct TrainingEvent: Sendable {
    public var epoch: Int, epochs: Int
    public var batch: Int, batches: Int
    /// The step's first reported figure (the loss, or a GAN's discriminator loss).
    public var loss: Float
    public var samplesPerSecond: Double
    public var elapsed: Double
    /// Estimated seconds left in the whole run.
    public var remaining: Double
    /// Set on the last event of an epoch: that epoch's mean figures and evaluation figures.
    public var epochSummary: [String: Double]?

    public init(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Float, samplesPerSecond: Double,
                elapsed: Double, remaining: Double, epochSummary: [String: Double]?) {
        self.epoch = epoch; self.epochs = epochs
        self.batch = batch; self.batches = batches
        self.loss = loss
        self.samplesPerSecond = samplesPerSecond
        self.elapsed = elapsed
        self.remaining = remaining
        self.epochSummary = epochSummary
    }
}

/// Why training stopped.
public enum TrainingError: Error, CustomStringConvertible {
    case invalidConfig(String)
    case nonFinite(epoch: Int, batch: Int, loss: Float)
    case resumeMismatch(String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): m
        case .nonFinite(let e, let b, let l):
            "loss became \(l) at epoch \(e), batch \(b); stopped (the last good checkpoint is kept)"
        case .resumeMismatch(let m): m
        }
    }
}
