import LatentIO
import LatentNN
import LatentTensor

/// Training of classifiers with softmax cross-entropy: the MLP `Classifier`, and the
/// `EncoderClassifier` that puts a head on a pretrained autoencoder's encoder.
public enum ClassifierTraining {
    /// Trains a fresh MLP classifier (see `fit`).
    public static func run(model config: Classifier.Config, training: TrainingConfig, train: Dataset, test: Dataset,
                           runDirectory: String?, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> (Classifier, TrainingLoop) {
        guard train.inputs.rank == 2, train.inputs.shape[1] == config.inputSize else {
            throw ModelError.invalidConfig("inputs have shape \(train.inputs.shape), the classifier expects \(config.inputSize) features")
        }
        let model = try Classifier(config)
        let loop = try fit(model, training: training, train: train, test: test, runDirectory: runDirectory,
                           resume: resume, onEvent: onEvent)
        return (model, loop)
    }

    /// Trains `model` on `train`, reporting `test_accuracy` after every epoch, with checkpoints
    /// in `runDirectory`. With `resume`, continues the run saved there (its settings must match).
    public static func fit<Model: LabelPredictor & SavedModel>(
        _ model: Model, training: TrainingConfig, train: Dataset, test: Dataset,
        runDirectory: String?, resume: Bool = false, onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingLoop {
        guard let labels = train.labels, let testLabels = test.labels else {
            throw ModelError.invalidConfig("classifier training needs labels")
        }
        if let bad = (labels + testLabels).first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw ModelError.invalidConfig("label \(bad) outside 0..<\(model.classCount)")
        }
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume)
        try loop.run(train) { step in
            let loss = optimizer.minimize(model) {
                model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
            }
            return ["train_loss": Double(loss)]
        } evaluate: { _ in
            ["test_accuracy": model.accuracy(test.inputs, labels: testLabels)]
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return loop
    }
}
