import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training a `VAE`: builds (or resumes) the model and trainer, minimises
/// reconstruction + β·KL (with the KL weight warmed up if asked), records every epoch's
/// reconstruction term, KL term and negative ELBO on the training batches and on the test set,
/// and saves the model.
///
/// Figures per epoch (in `Trainer.history`): `train_loss` (the weighted objective),
/// `train_reconstruction`, `train_kl`, `train_negative_elbo` (means over the epoch's batches),
/// `test_reconstruction`, `test_kl`, `test_negative_elbo` (one seeded code per test image),
/// `kl_weight` (the weight in force at the end of the epoch).
public enum VAETraining {
    /// The kind tag stored in VAE checkpoints.
    public static let kind = "vae"

    /// Trains a VAE on `train` (labels unused), evaluating on `test` after every epoch, with
    /// checkpoints in `runDirectory`. With `resume`, continues the run saved there.
    public static func run(model config: VAE.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (VAE, Trainer) {
        for (name, data) in [("training", train), ("test", test)] {
            guard data.inputs.rank == 2, data.inputs.shape[1] == config.inputSize else {
                throw ModelError.invalidConfig("\(name) inputs have shape \(data.inputs.shape), the VAE expects \(config.inputSize) features")
            }
        }
        if config.likelihood == .bernoulli, let bad = [train.inputs, test.inputs].first(where: { $0.min() < 0 || $0.max() > 1 }) {
            throw ModelError.invalidConfig("a Bernoulli decoder needs inputs in [0, 1], got values in [\(bad.min()), \(bad.max())]")
        }
        let model = try VAE(config)
        let trainer = try Trainer(model: model, config: training, runDirectory: runDirectory)
        trainer.checkpointMetadata = [Checkpoint.kindKey: kind, Checkpoint.configKey: try Checkpoint.encodeJSON(config)]
        if resume { try trainer.resume() }
        let batchesPerEpoch = (train.count + training.batchSize - 1) / training.batchSize
        let warmupSteps = config.warmupEpochs * batchesPerEpoch
        // The weight of step s (0-based): β·min(1, (s + 1) / warm-up steps). It is a function of
        // the optimiser's step count, which resume restores, so a resumed run weighs alike.
        func klWeight(step: Int) -> Float {
            warmupSteps == 0 ? config.beta : config.beta * Swift.min(1, Float(step + 1) / Float(warmupSteps))
        }
        var reconstructionSum = 0.0, klSum = 0.0, batches = 0
        let modelPath = runDirectory + "/model.safetensors"
        try trainer.fit(train,
                        loss: { batch in
                            let (rec, kl) = model.elboTerms(batch.inputs)
                            reconstructionSum += Double(rec.value.scalar)
                            klSum += Double(kl.value.scalar)
                            batches += 1
                            let weight = klWeight(step: trainer.optimizer.stepCount)
                            return rec + kl * weight
                        },
                        evaluate: { _ in
                            let test = model.evaluate(test.inputs)
                            let n = Double(Swift.max(batches, 1))
                            let figures = ["train_reconstruction": reconstructionSum / n, "train_kl": klSum / n,
                                           "train_negative_elbo": (reconstructionSum + klSum) / n,
                                           "test_reconstruction": test.reconstruction, "test_kl": test.kl,
                                           "test_negative_elbo": test.negativeELBO,
                                           "kl_weight": Double(klWeight(step: trainer.optimizer.stepCount - 1))]
                            reconstructionSum = 0; klSum = 0; batches = 0
                            return figures
                        },
                        saveModel: { try Checkpoint.save(model, kind: kind, config: config, to: modelPath) },
                        onEvent: onEvent)
        return (model, trainer)
    }

    /// Loads a VAE checkpoint written by `run` or `Checkpoint.save`; any other kind of model
    /// (a classifier, an autoencoder) is an error naming the file and both kinds.
    public static func load(path: String) throws -> VAE {
        let (k, json, tensors, _) = try Checkpoint.read(path: path)
        guard k == kind else { throw CheckpointError.wrongKind(path, expected: kind, got: k) }
        let model = try VAE(try Checkpoint.config(VAE.Config.self, from: json, path: path))
        try Checkpoint.load(tensors, into: model, path: path)
        model.eval()
        return model
    }
}
