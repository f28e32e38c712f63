import LatentIO
import LatentNN
import LatentTensor

/// What every single-optimiser recipe (classifier, autoencoder, VAE) shares: a `TrainingLoop`
/// over one model with the optimiser its `TrainingConfig` describes, checkpoints tagged with the
/// model's kind and config, and `model.safetensors` written after every epoch.
public enum ModelTraining {
    /// The loop and optimiser for `model`, resumed from `runDirectory` when `resume`. `state`
    /// lists the recipe's own checkpointed components (random streams), registered before the
    /// resume restores them.
    public static func loop<M: SavedModel>(for model: M, training: TrainingConfig, runDirectory: String?,
                                           resume: Bool, state: [(String, any TrainingStateComponent)] = [])
        throws -> (TrainingLoop, Optimizer) {
        try training.validate()
        let loop = try TrainingLoop(epochs: training.epochs, batchSize: training.batchSize, seed: training.seed,
                                    runDirectory: runDirectory, settings: training)
        loop.checkpointMetadata = [Checkpoint.kindKey: M.kind, Checkpoint.configKey: try Checkpoint.encodeJSON(model.config)]
        let optimizer = try training.makeOptimizer()
        loop.register(model)
        loop.register(optimizer, schedule: training.schedule)
        for (name, component) in state { loop.register(component, as: name) }
        if resume { try loop.resume() }
        return (loop, optimizer)
    }

    /// Writes `model.safetensors` into `runDirectory` (nothing without one).
    public static func saveModel<M: SavedModel>(_ model: M, runDirectory: String?) throws {
        if let runDirectory { try model.save(to: runDirectory + "/model.safetensors") }
    }
}

extension Optimizer {
    /// One step on a single loss: the loss and the gradients of `model`'s trainable parameters
    /// (`valueAndGrad`), then `update`. A non-finite loss is returned without updating, so the
    /// training loop can stop the run with the model as it was.
    public func minimize(_ model: Module, _ loss: () throws -> Variable) rethrows -> Float {
        let (value, gradients) = try valueAndGrad(model, loss)
        if value.isFinite { update(gradients) }
        return value
    }
}
