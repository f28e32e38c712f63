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

    /// Test images on which adversarially trained models report `test_adversarial_accuracy` after
    /// every epoch (under the training attack; a full evaluation is `latent attack`'s).
    public static let adversarialCheckExamples = 1000

    /// Runs of at least twice this many epochs report the test figures every
    /// ⌊epochs / maxTestEvaluations⌋-th epoch only (and after the last): the few-labels runs of
    /// transfer learning take hundreds of tiny epochs.
    public static let maxTestEvaluations = 20

    /// Trains `model` on `train`, reporting `test_accuracy` after every epoch (spaced out in very
    /// long runs, see `maxTestEvaluations`), with checkpoints
    /// in `runDirectory`. With `resume`, continues the run saved there (its settings must match).
    /// With `adversarial`, each batch is replaced or mixed with adversarial examples of the model
    /// being trained, and `test_adversarial_accuracy` is reported too. With `transfer` (a model
    /// with a reused trunk), the trunk's learning rate is scaled and it is unfrozen on schedule.
    public static func fit<Model: LabelPredictor & SavedModel>(
        _ model: Model, training: TrainingConfig, train: Dataset, test: Dataset,
        runDirectory: String?, resume: Bool = false, adversarial: AdversarialTraining? = nil,
        transfer: TransferTraining? = nil,
        onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingLoop {
        guard let labels = train.labels, let testLabels = test.labels else {
            throw ModelError.invalidConfig("classifier training needs labels")
        }
        if let bad = (labels + testLabels).first(where: { $0 < 0 || $0 >= model.classCount }) {
            throw ModelError.invalidConfig("label \(bad) outside 0..<\(model.classCount)")
        }
        try adversarial?.validate()
        // The random starts of the attacks: checkpointed, so a resumed run draws what an
        // uninterrupted one would.
        let attackNoise = RandomStream(seed: training.seed &+ 0xAD7E)
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume,
                                                       state: adversarial == nil ? [] : [("attack_noise", attackNoise)])
        let transferable = model as? any TransferableClassifier
        if let transfer {
            try transfer.validate()
            guard let transferable else { throw ModelError.invalidConfig("\(Model.kind) has no trunk to transfer") }
            optimizer.learningRateScales = transferable.trunkPaths.map { ($0, transfer.trunkLearningRateScale) }
        }
        try loop.run(train) { step in
            // Frozen flags are in the checkpoint, so a resumed run is already in the right phase.
            if let after = transfer?.unfreezeAfter, step.index == 1, step.epoch == after + 1 { transferable?.unfreezeTrunk() }
            let loss: Float
            if let adversarial {
                let objective = try adversarial.loss(model, inputs: step.batch.inputs, labels: step.batch.labels,
                                                     rng: &attackNoise.generator)
                loss = optimizer.minimize(model, objective)
            } else {
                loss = optimizer.minimize(model) {
                    model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
                }
            }
            return ["train_loss": Double(loss)]
        } evaluate: { epoch in
            // A run of many tiny epochs (a few labels per class) would spend most of its time
            // scoring the test set: it is scored every `every`-th epoch (at most about
            // 2 × `maxTestEvaluations` times), and always after the last.
            let every = Swift.max(1, training.epochs / maxTestEvaluations)
            guard epoch == training.epochs || epoch % every == 0 else { return [:] }
            var figures = ["test_accuracy": model.accuracy(test.inputs, labels: testLabels)]
            if let adversarial {
                let n = Swift.min(adversarialCheckExamples, test.count)
                let (result, _) = try AttackEvaluation.run(model, attack: try Attack(adversarial.attack),
                                                           inputs: test.inputs.rows(0..<n), labels: Array(testLabels[0..<n]),
                                                           seed: training.seed)
                figures["test_adversarial_accuracy"] = result.adversarialAccuracy
            }
            return figures
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return loop
    }
}
