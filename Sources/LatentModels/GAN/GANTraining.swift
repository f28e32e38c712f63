import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training a GAN on MNIST-like images and measuring it honestly after every
/// epoch: scales pixels to [−1, 1], runs `GANStep` in a `TrainingLoop` (fresh or resumed), and —
/// given a `SampleQuality` — records per epoch (and at initialisation, epoch 0) the Fréchet
/// distance in the classifier's feature space and the class shares of `evaluationSamples`
/// samples drawn from the same seeded codes every epoch, next to the losses and the
/// discriminator's accuracy. With a running average of the generator, the figures are the
/// average's and the live generator's are recorded too, with a `live_` prefix.
public enum GANTraining {
    /// A GAN run: the model, its step function and the loop that drives it.
    public final class Run {
        public let gan: GAN
        public let step: GANStep
        public let loop: TrainingLoop
        /// Where `model.safetensors` and `checkpoint.safetensors` go (nil: nowhere).
        public let runDirectory: String?
        /// Per-epoch figures (entry 0: at initialisation).
        public var history: [[String: Double]] { loop.history }

        /// A fresh run of `model` under `training`, or the one saved in `runDirectory` when
        /// `resume` (its settings and model config must match).
        public init(model: GAN.Config, training: GANTrainingConfig, runDirectory: String?, resume: Bool = false) throws {
            gan = try GAN(model)
            step = try GANStep(gan: gan, config: training)
            loop = try TrainingLoop(epochs: training.epochs, batchSize: training.batchSize, seed: training.seed,
                                    runDirectory: runDirectory, settings: training, dropLast: true)
            loop.checkpointMetadata = [Checkpoint.kindKey: GAN.kind, Checkpoint.configKey: try Checkpoint.encodeJSON(model)]
            loop.evaluatesBeforeTraining = true
            self.runDirectory = runDirectory
            step.register(in: loop)
            if resume { try loop.resume() }
        }

        /// Trains on `data` (`[N, dataSize]`, in the generator's output range). `measure` gives
        /// figures of the current generator (called with the average in place, and for the live
        /// generator under `live_` keys when averaging); `afterEpoch` runs after each checkpoint
        /// and model file (e = 0: at initialisation), with the averaged generator in place.
        public func fit(_ data: Dataset, measure: () throws -> [String: Double] = { [:] },
                        afterEpoch: (Int) throws -> Void = { _ in },
                        onEvent: (TrainingEvent) -> Void = { _ in }) throws {
            guard data.inputs.rank == 2, data.inputs.shape[1] == gan.config.dataSize else {
                throw ModelError.invalidConfig("data has shape \(data.inputs.shape), the GAN generates \(gan.config.dataSize) values per example")
            }
            guard data.count >= loop.batchSize else {
                throw ModelError.invalidConfig("need at least one full batch of \(loop.batchSize) examples, got \(data.count)")
            }
            try loop.run(data, step: step.callAsFunction) { epoch in
                var figures = try step.withAveragedGenerator { try measure() }
                if step.average != nil, epoch > 0 {
                    for (key, value) in try measure() { figures["live_" + key] = value }
                }
                figures["generator_steps"] = Double(step.generatorOptimizer.stepCount)
                figures["discriminator_steps"] = Double(step.discriminatorOptimizer.stepCount)
                return figures
            } afterEpoch: { epoch in
                try step.withAveragedGenerator {
                    if epoch > 0 { try ModelTraining.saveModel(gan, runDirectory: runDirectory) }
                    try afterEpoch(epoch)
                }
            } onEvent: { onEvent($0) }
        }
    }

    /// Trains `model` on the images of `train` (pixels in [0, 1]), with checkpoints in
    /// `runDirectory` (nil: none). With `resume`, continues the run saved there.
    /// `afterEpoch(e, run)` runs after each epoch's checkpoint (and for e = 0 on a fresh run),
    /// with the averaged generator in place when averaging is on.
    @discardableResult
    public static func run(model config: GAN.Config, training: GANTrainingConfig, train: Dataset,
                           quality: SampleQuality?, evaluationSamples: Int = 10_000,
                           runDirectory: String?, resume: Bool = false,
                           afterEpoch: (Int, Run) throws -> Void = { _, _ in },
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> Run {
        guard evaluationSamples >= 2 else {
            throw ModelError.invalidConfig("need at least 2 evaluation samples, got \(evaluationSamples)")
        }
        let run = try Run(model: config, training: training, runDirectory: runDirectory, resume: resume)
        var codeRNG = RandomGenerator(seed: training.seed ^ 0xE7A1)
        let codes = quality == nil ? nil : run.gan.generator.samplePrior(count: evaluationSamples, using: &codeRNG)
        try run.fit(Dataset(inputs: GAN.fromImages(train.inputs), labels: train.labels), measure: {
            guard let quality, let codes else { return [:] }
            return try quality.measure(GAN.toImages(try run.gan.generator.generate(codes))).figures
        }, afterEpoch: { try afterEpoch($0, run) }, onEvent: onEvent)
        return run
    }
}
