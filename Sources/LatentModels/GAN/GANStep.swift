import LatentIO
import LatentNN
import LatentTensor

/// The alternating game of a GAN as a step function for `TrainingLoop`: two Adam optimisers
/// (β₁ = 0.5 by default) and Goodfellow et al.'s Algorithm 1. Every real mini-batch feeds one
/// discriminator step (fresh noise for its fakes), and after every k discriminator steps the
/// generator takes m steps on fresh noise. The fakes of the k-th discriminator step are reused
/// for the first generator step, as PyTorch's DCGAN example does, which saves one generator
/// forward pass per round. Each step differentiates only its own network's parameters
/// (`valueAndGrad` over a subset), so a generator step computes no gradient for the
/// discriminator's weights, only what flows through it to its input.
///
/// With `averageDecay` set, a `WeightAverage` of the generator is kept after every generator
/// step; measurements, pictures and `model.safetensors` use it (`withAveragedGenerator`).
public final class GANStep {
    public let gan: GAN
    public let config: GANTrainingConfig
    public let generatorOptimizer: Adam
    public let discriminatorOptimizer: Adam
    /// Draws the generator's noise.
    public let noise: RandomStream
    /// The same noise vectors every epoch, so progress pictures show one sample evolving.
    public let fixedNoise: Tensor
    /// The running average of the generator's weights, when averaging is on.
    public let average: WeightAverage?

    /// Noise batches over which the averaged generator's batch-norm statistics are estimated.
    static let statisticsBatches = 32

    public init(gan: GAN, config: GANTrainingConfig) throws {
        try config.validate()
        if config.batchSize % gan.config.packSize != 0 {
            throw TrainingError.invalidConfig("batch size \(config.batchSize) is not a multiple of the discriminator's pack \(gan.config.packSize)")
        }
        self.gan = gan
        self.config = config
        generatorOptimizer = try Adam(learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2)
        discriminatorOptimizer = try Adam(learningRate: config.learningRate, beta1: config.beta1, beta2: config.beta2)
        noise = RandomStream(seed: config.seed ^ 0x4015E)
        var fixed = RandomGenerator(seed: config.seed ^ 0xF1CED)
        fixedNoise = gan.generator.samplePrior(count: config.fixedNoiseCount, using: &fixed)
        average = (config.averageDecay ?? 0) > 0 ? WeightAverage(gan.generator, decay: config.averageDecay ?? 0) : nil
    }

    /// Registers the networks, both optimisers, the noise stream and the average with `loop`.
    public func register(in loop: TrainingLoop) {
        loop.register(gan)
        loop.register(generatorOptimizer, as: "optimizer.generator")
        loop.register(discriminatorOptimizer, as: "optimizer.discriminator")
        loop.register(noise, as: "noise")
        if let average { loop.register(average, as: "average") }
    }

    /// One real batch: a discriminator update, and at the end of a round the generator's updates.
    public func callAsFunction(_ step: TrainingStep) throws -> StepReport {
        let real = step.batch.inputs
        let roundEnds = step.index % config.discriminatorSteps == 0
        var report = StepReport()
        // The fakes keep the generator's graph when a generator step will reuse them.
        let z = Variable(gan.generator.samplePrior(count: real.shape[0], using: &noise.generator))
        let fake = roundEnds ? gan.generator(z) : withoutGradients { gan.generator(z) }
        var realLogits = Tensor(shape: [0]), fakeLogits = Tensor(shape: [0])
        let (dLoss, dGradients) = valueAndGrad(gan, parameters: gan.discriminator.trainableParameters(prefix: "discriminator.")) {
            let r = gan.discriminator(Variable(real)), f = gan.discriminator(fake.detached())
            realLogits = r.value
            fakeLogits = f.value
            return GANLoss.discriminatorLoss(real: r, fake: f, realTarget: 1 - config.labelSmoothing)
        }
        report.add("d_loss", Double(dLoss))
        guard dLoss.isFinite else { return report }
        discriminatorOptimizer.update(dGradients)
        report.figures += Self.discriminatorFigures(real: realLogits, fake: fakeLogits)
        guard roundEnds else { return report }
        var generatorLoss = 0.0
        for j in 0..<config.generatorSteps {
            let f = j == 0 ? fake : gan.generator(Variable(gan.generator.samplePrior(count: real.shape[0], using: &noise.generator)))
            let (gLoss, gGradients) = valueAndGrad(gan, parameters: gan.generator.trainableParameters(prefix: "generator.")) {
                config.loss.generatorLoss(fake: gan.discriminator(f))
            }
            guard gLoss.isFinite else { report.add("g_loss", Double(gLoss)); return report }
            generatorOptimizer.update(gGradients)
            average?.update()
            generatorLoss += Double(gLoss)
        }
        report.add("g_loss", generatorLoss / Double(config.generatorSteps))
        return report
    }

    /// How the discriminator's logits (before its update) classified the real and fake batches.
    static func discriminatorFigures(real: Tensor, fake: Tensor) -> [(String, Double)] {
        var realCorrect = 0, fakeCorrect = 0, realProbability = 0.0, fakeProbability = 0.0
        real.withUnsafeBufferPointer { p in
            for z in p { if z > 0 { realCorrect += 1 }; realProbability += Double(stableSigmoid(z)) }
        }
        fake.withUnsafeBufferPointer { p in
            for z in p { if z < 0 { fakeCorrect += 1 }; fakeProbability += Double(stableSigmoid(z)) }
        }
        let r = Double(Swift.max(real.count, 1)), f = Double(Swift.max(fake.count, 1))
        return [("d_accuracy_real", Double(realCorrect) / r), ("d_accuracy_fake", Double(fakeCorrect) / f),
                ("d_accuracy", Double(realCorrect + fakeCorrect) / (r + f)),
                ("d_real_probability", realProbability / r), ("d_fake_probability", fakeProbability / f)]
    }

    /// Runs `body` with the averaged generator's weights in place of the live ones (or with the
    /// live ones when averaging is off). The batch-norm running statistics are re-estimated for
    /// the averaged weights first (`statisticsBatches` batches of noise from a stream of their
    /// own, the same every call) and the live ones restored after: statistics gathered for the
    /// live weights normalise the average's activations wrongly (measured on dcgan after 5
    /// epochs, seed 1: Fréchet distance 14.8 and smallest digit share 4.2 % with the live
    /// generator's statistics, 14.3 and 4.7 % with the average's own).
    public func withAveragedGenerator<R>(_ body: () throws -> R) rethrows -> R {
        guard let average else { return try body() }
        let generator = gan.generator
        return try average.withAveragedWeights(prepare: {
            guard !generator.namedBuffers().isEmpty else { return }
            var r = RandomGenerator(seed: config.seed ^ 0xBA7C4)
            generator.recomputeBatchNormStatistics(batches: Self.statisticsBatches) { _ in
                _ = generator(Variable(generator.samplePrior(count: config.batchSize, using: &r)))
            }
        }, body)
    }
}
