import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training one RBM: `RBMStep` in a `TrainingLoop` (checkpoints, exact resume),
/// and after every epoch the test figures of `evaluate`.
public enum RBMTraining {
    /// Trains a fresh machine of `model` (or continues the one in `runDirectory` when `resume`)
    /// on the rows of `train`, evaluated on `test` after every epoch; writes `model.safetensors`
    /// into `runDirectory` after every epoch. Both sets are checked against the visible units
    /// first (shape, finite, [0, 1] for Bernoulli units), so bad data is refused before anything
    /// is written.
    public static func run(model: RBM.Config, training: RBMTrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String?, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (RBM, TrainingLoop) {
        let rbm = try RBM(model)
        try rbm.checkData(train.inputs, name: "the training data")
        try rbm.checkData(test.inputs, name: "the test data")
        try training.validate()
        let step = try RBMStep(rbm: rbm, config: training)
        let loop = try TrainingLoop(epochs: training.epochs, batchSize: training.batchSize, seed: training.seed,
                                    runDirectory: runDirectory, settings: training)
        loop.checkpointMetadata = [Checkpoint.kindKey: RBM.kind, Checkpoint.configKey: try Checkpoint.encodeJSON(model)]
        loop.evaluatesBeforeTraining = true
        step.register(in: loop)
        if resume { try loop.resume() }
        try loop.run(train, step: step.callAsFunction) { _ in
            evaluate(rbm, test: test.inputs, seed: training.seed)
        } afterEpoch: { epoch in
            if epoch > 0 { try ModelTraining.saveModel(rbm, runDirectory: runDirectory) }
        } onEvent: { onEvent($0) }
        return (rbm, loop)
    }

    /// Test figures: `test_reconstruction_error` (squared error per example of the mean-field
    /// reconstruction), `test_free_energy` (mean F(v)) and, for Bernoulli visible units,
    /// `test_pseudo_likelihood` (scikit-learn's definition, seeded).
    public static func evaluate(_ rbm: RBM, test: Tensor, seed: UInt64) -> [String: Double] {
        guard test.shape[0] > 0 else { return [:] }
        let f = rbm.freeEnergy(test)
        var figures = ["test_reconstruction_error": rbm.reconstructionError(test),
                       "test_free_energy": f.reduce(0, +) / Double(f.count)]
        if let pl = rbm.pseudoLikelihood(test, seed: seed) { figures["test_pseudo_likelihood"] = pl.reduce(0, +) / Double(pl.count) }
        return figures
    }
}
