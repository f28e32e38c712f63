import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training a GAN on MNIST-like images and measuring it honestly after every
/// epoch: scales pixels to [−1, 1], builds (or resumes) the `GANTrainer`, and — given a
/// `SampleQuality` — records per epoch (and at initialisation, epoch 0) the Fréchet distance in
/// the classifier's feature space and the class shares of `evaluationSamples` samples drawn from
/// the same seeded codes every epoch, next to the losses and the discriminator's accuracy.
public enum GANTraining {
    /// Trains `model` on the images of `train` (pixels in [0, 1]), with checkpoints in
    /// `runDirectory` (nil: none). With `resume`, continues the run saved there.
    /// `afterEpoch(e, trainer)` runs after each epoch's checkpoint (and for e = 0 on a fresh run).
    public static func run(model config: GAN.Config, training: GANTrainingConfig, train: Dataset,
                           quality: SampleQuality?, evaluationSamples: Int = 10_000,
                           runDirectory: String?, resume: Bool = false,
                           afterEpoch: (Int, GANTrainer) throws -> Void = { _, _ in },
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> GANTrainer {
        guard train.inputs.rank == 2, train.inputs.shape[1] == config.dataSize else {
            throw ModelError.invalidConfig("images have shape \(train.inputs.shape), the GAN generates \(config.dataSize) values")
        }
        guard evaluationSamples >= 2 else {
            throw ModelError.invalidConfig("need at least 2 evaluation samples, got \(evaluationSamples)")
        }
        let gan = try GAN(config)
        let trainer = try GANTrainer(gan: gan, config: training, runDirectory: runDirectory)
        if resume { try trainer.resume() }
        var codeRNG = RandomGenerator(seed: training.seed ^ 0xE7A1)
        let codes = quality == nil ? nil : gan.generator.noise(evaluationSamples, using: &codeRNG)
        let data = Dataset(inputs: GAN.fromImages(train.inputs), labels: train.labels)
        try trainer.fit(data,
                        evaluate: { _ in
                            guard let quality, let codes else { return [:] }
                            return try quality.measure(GAN.toImages(try gan.generator.generate(codes))).figures
                        },
                        afterEpoch: { try afterEpoch($0, trainer) },
                        onEvent: onEvent)
        return trainer
    }
}
