import LatentNN

/// How the two players are trained; stored in checkpoints and `metrics.json`.
///
/// Defaults follow Radford et al. (2016): Adam with learning rate 2e-4 and β₁ = 0.5 for both
/// networks (β₁ = 0.9 makes the game oscillate), batch 128, one discriminator step per generator
/// step, and the non-saturating generator loss.
public struct GANTrainingConfig: Codable, Sendable, Equatable {
    /// Passes over the real data (each real batch feeds one discriminator step).
    public var epochs = 5
    public var batchSize = 128
    public var learningRate: Float = 2e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    /// k: discriminator steps before each round of generator steps.
    public var discriminatorSteps = 1
    /// m: generator steps after each round of discriminator steps.
    public var generatorSteps = 1
    public var loss = GANLoss.nonSaturating
    /// One-sided label smoothing: the discriminator's target for real examples is 1 − this
    /// (0.1 is usual); fakes keep target 0.
    public var labelSmoothing: Float = 0
    /// Decay of the running average of the generator's weights (Yazıcı et al., 2019, "The
    /// Unusual Effectiveness of Averaging in GAN Training"), or 0 / nil (the default) for none.
    /// The decay ramps up to this value (see `WeightAverage`), so short runs average over a shorter
    /// window. When set, measurements, pictures and `model.safetensors` use the averaged
    /// generator and the live one keeps training. Off by default because, measured on dcgan
    /// after 5 epochs (seeds 1–3, PacGAN pairs), the average lowered the Fréchet distance by
    /// about 1 but also the smallest digit's share (5.8, 5.5, 4.95 % against the live
    /// generator's 5.8, 5.8, 6.0 %): averaging weights blurs thin strokes such as 1s.
    public var averageDecay: Float?
    /// Number of fixed noise vectors drawn once for the progress pictures.
    public var fixedNoiseCount = 64
    public var seed: UInt64 = 1

    public init() {}

    /// Checks values a user could have typed; the message names the value.
    public func validate() throws(TrainingError) {
        if epochs < 1 { throw .invalidConfig("epochs must be at least 1, got \(epochs)") }
        if batchSize < 2 { throw .invalidConfig("batch size must be at least 2 (batch norm needs two examples), got \(batchSize)") }
        if !(learningRate > 0) || !learningRate.isFinite { throw .invalidConfig("learning rate must be positive, got \(learningRate)") }
        if !(beta1 >= 0 && beta1 < 1) { throw .invalidConfig("beta1 must be in [0, 1), got \(beta1)") }
        if !(beta2 >= 0 && beta2 < 1) { throw .invalidConfig("beta2 must be in [0, 1), got \(beta2)") }
        if discriminatorSteps < 1 { throw .invalidConfig("discriminator steps must be at least 1, got \(discriminatorSteps)") }
        if generatorSteps < 1 { throw .invalidConfig("generator steps must be at least 1, got \(generatorSteps)") }
        if !(labelSmoothing >= 0 && labelSmoothing < 0.5) {
            throw .invalidConfig("label smoothing must be in [0, 0.5), got \(labelSmoothing)")
        }
        if let d = averageDecay, !(d >= 0 && d < 1) {
            throw .invalidConfig("generator average decay must be in [0, 1), got \(d)")
        }
        if fixedNoiseCount < 1 { throw .invalidConfig("fixed noise count must be positive, got \(fixedNoiseCount)") }
    }
}
