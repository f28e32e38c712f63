import LatentIO
import LatentNN
import LatentTensor

/// Training and loading of classifiers with softmax cross-entropy: the MLP `Classifier`, and the
/// `EncoderClassifier` that puts a head on a pretrained autoencoder's encoder.
public enum ClassifierTraining {
    /// The kind tag stored in MLP classifier checkpoints.
    public static let kind = "classifier"

    /// Trains a fresh MLP classifier (see `fit`).
    public static func run(model config: Classifier.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (Classifier, Trainer) {
        guard train.inputs.rank == 2, train.inputs.shape[1] == config.inputSize else {
            throw ModelError.invalidConfig("inputs have shape \(train.inputs.shape), the classifier expects \(config.inputSize) features")
        }
        let model = try Classifier(config)
        let trainer = try fit(model, kind: kind, config: config, training: training, train: train, test: test,
                              runDirectory: runDirectory, resume: resume, onEvent: onEvent)
        return (model, trainer)
    }

    /// Trains `model` on `train`, reporting `test_accuracy` after every epoch, with checkpoints
    /// in `runDirectory` (tagged `kind`, carrying `config`). With `resume`, continues the run
    /// saved there (its settings must match).
    public static func fit<Model: LabelPredictor, Config: Encodable>(
        _ model: Model, kind: String, config: Config, training: TrainingConfig, train: Dataset, test: Dataset,
        runDirectory: String, resume: Bool = false, onEvent: (TrainingEvent) -> Void = { _ in }) throws -> Trainer {
        guard let labels = train.labels, let testLabels = test.labels else {
            throw ModelError.invalidConfig("classifier training needs labels")
        }
        if let bad = (labels + testLabels).first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw ModelError.invalidConfig("label \(bad) outside 0..<\(model.classCount)")
        }
        let trainer = try Trainer(model: model, config: training, runDirectory: runDirectory)
        trainer.checkpointMetadata = [Checkpoint.kindKey: kind, Checkpoint.configKey: try Checkpoint.encodeJSON(config)]
        if resume { try trainer.resume() }
        let modelPath = runDirectory + "/model.safetensors"
        try trainer.fit(train,
                        loss: { batch in model(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels) },
                        evaluate: { _ in ["test_accuracy": model.accuracy(test.inputs, labels: testLabels)] },
                        saveModel: { try Checkpoint.save(model, kind: kind, config: config, to: modelPath) },
                        onEvent: onEvent)
        return trainer
    }

    /// Loads an MLP classifier checkpoint written by `run` or `Checkpoint.save`.
    public static func load(path: String) throws -> Classifier {
        let (k, json, tensors, _) = try Checkpoint.read(path: path)
        guard k == kind else { throw CheckpointError.wrongKind(path, expected: kind, got: k) }
        let model = try Classifier(try Checkpoint.config(Classifier.Config.self, from: json, path: path))
        try Checkpoint.load(tensors, into: model, path: path)
        model.eval()
        return model
    }

    /// Loads any classifier checkpoint (an MLP or an encoder with a head).
    public static func loadAny(path: String) throws -> any LabelPredictor {
        let (k, json, tensors, _) = try Checkpoint.read(path: path)
        let model: any LabelPredictor
        switch k {
        case kind: model = try Classifier(try Checkpoint.config(Classifier.Config.self, from: json, path: path))
        case EncoderClassifier.kind:
            model = try EncoderClassifier(try Checkpoint.config(EncoderClassifier.Config.self, from: json, path: path))
        default: throw CheckpointError.wrongKind(path, expected: "classifier", got: k)
        }
        try Checkpoint.load(tensors, into: model, path: path)
        model.eval()
        return model
    }
}
