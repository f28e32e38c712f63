import LatentIO
import LatentNN
import LatentTensor

/// The recipe for training a `Classifier` with softmax cross-entropy: builds (or resumes) the
/// model and trainer, runs the epochs, reports test accuracy after each, and saves the model.
public enum ClassifierTraining {
    /// The kind tag stored in classifier checkpoints.
    public static let kind = "classifier"

    /// Trains a classifier on `train`, evaluating on `test` after every epoch, with checkpoints in
    /// `runDirectory`. With `resume`, continues the run saved there (its settings must match).
    public static func run(model config: Classifier.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (Classifier, Trainer) {
        guard let labels = train.labels, test.labels != nil else { throw ModelError.invalidConfig("classifier training needs labels") }
        guard train.inputs.rank == 2, train.inputs.shape[1] == config.inputSize else {
            throw ModelError.invalidConfig("inputs have shape \(train.inputs.shape), the classifier expects \(config.inputSize) features")
        }
        if let bad = (labels + test.labels!).first(where: { $0 < 0 || $0 >= config.classes }) {
            throw ModelError.invalidConfig("label \(bad) outside 0..<\(config.classes)")
        }
        let model = try Classifier(config)
        let trainer = try Trainer(model: model, config: training, runDirectory: runDirectory)
        trainer.checkpointMetadata = [Checkpoint.kindKey: kind, Checkpoint.configKey: try Checkpoint.encodeJSON(config)]
        if resume { try trainer.resume() }
        let modelPath = runDirectory + "/model.safetensors"
        try trainer.fit(train,
                        loss: { batch in model(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels) },
                        evaluate: { _ in ["test_accuracy": model.accuracy(test.inputs, labels: test.labels!)] },
                        saveModel: { try Checkpoint.save(model, kind: kind, config: config, to: modelPath) },
                        onEvent: onEvent)
        return (model, trainer)
    }

    /// Loads a classifier checkpoint written by `run` or `Checkpoint.save`.
    public static func load(path: String) throws -> Classifier {
        let (k, json, tensors, _) = try Checkpoint.read(path: path)
        guard k == kind else { throw CheckpointError.wrongKind(path, expected: kind, got: k) }
        let model = try Classifier(try Checkpoint.config(Classifier.Config.self, from: json, path: path))
        try Checkpoint.load(tensors, into: model, path: path)
        model.eval()
        return model
    }
}
