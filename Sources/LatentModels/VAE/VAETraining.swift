import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training a `VAE`: builds (or resumes) the model and its training loop, minimises
/// reconstruction + β·KL (with the KL weight warmed up if asked), records every epoch's
/// reconstruction term, KL term and negative ELBO on the training batches and on the test set,
/// and saves the model.
///
/// Figures per epoch (in `TrainingLoop.history`): `train_loss` (the weighted objective),
/// `train_reconstruction`, `train_kl`, `train_negative_elbo` (means over the epoch's batches),
/// `test_reconstruction`, `test_kl`, `test_negative_elbo` (one seeded code per test image),
/// `kl_weight` (the weight in force at the end of the epoch).
public enum VAETraining {
    /// Trains a VAE on `train` (labels unused), evaluating on `test` after every epoch, with
    /// checkpoints in `runDirectory`. With `resume`, continues the run saved there.
    public static func run(model config: VAE.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String?, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (VAE, TrainingLoop) {
        for (name, data) in [("training", train), ("test", test)] {
            guard data.inputs.rank == 2, data.inputs.shape[1] == config.inputSize else {
                throw ModelError.invalidConfig("\(name) inputs have shape \(data.inputs.shape), the VAE expects \(config.inputSize) features")
            }
        }
        if config.likelihood == .bernoulli, let bad = [train.inputs, test.inputs].first(where: { $0.min() < 0 || $0.max() > 1 }) {
            throw ModelError.invalidConfig("a Bernoulli decoder needs inputs in [0, 1], got values in [\(bad.min()), \(bad.max())]")
        }
        let model = try VAE(config)
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume)
        let warmupSteps = config.warmupEpochs * loop.batchesPerEpoch(count: train.count)
        // The weight of step s (0-based): β·min(1, (s + 1) / warm-up steps). It is a function of
        // the optimiser's step count, which resume restores, so a resumed run weighs alike.
        func klWeight(step: Int) -> Float {
            warmupSteps == 0 ? config.beta : config.beta * Swift.min(1, Float(step + 1) / Float(warmupSteps))
        }
        try loop.run(train) { step in
            var reconstruction: Float = 0, kl: Float = 0
            let weight = klWeight(step: optimizer.stepCount)
            let loss = optimizer.minimize(model) {
                let (rec, klTerm) = model.elboTerms(step.batch.inputs)
                reconstruction = rec.value.scalar
                kl = klTerm.value.scalar
                return rec + klTerm * weight
            }
            return StepReport([("train_loss", Double(loss)), ("train_reconstruction", Double(reconstruction)), ("train_kl", Double(kl)),
                    ("train_negative_elbo", Double(reconstruction + kl))])
        } evaluate: { _ in
            let test = model.evaluate(test.inputs)
            return ["test_reconstruction": test.reconstruction, "test_kl": test.kl, "test_negative_elbo": test.negativeELBO,
                    "kl_weight": Double(klWeight(step: optimizer.stepCount - 1))]
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return (model, loop)
    }
}
