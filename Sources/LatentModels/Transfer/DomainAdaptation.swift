import Foundation
import LatentIO
import LatentNN
import LatentTensor

/// What a domain-adaptation run trains on.
public enum DomainAdaptationMode: String, Codable, Sendable, CaseIterable {
    /// Labelled source and unlabelled target, with the domain classifier behind gradient reversal.
    case dann
    /// The labelled source alone: the baseline adaptation must beat.
    case sourceOnly = "source-only"
    /// The labelled target: the upper bound (labels adaptation does not have).
    case targetOnly = "target-only"
}

/// Training a `DomainAdversarialNetwork` (Ganin & Lempitsky 2015), and its baselines with the same
/// network, optimiser and schedule.
public enum DomainAdaptation {
    /// Test images per domain on which the domain classifier's accuracy is reported.
    public static let domainCheckExamples = 1000

    /// The reversal weight at progress `p` ∈ [0, 1]: λ = 2 / (1 + e^(−10 p)) − 1, which lets the
    /// domain classifier's noisy early signal reach the features only gradually.
    public static func reversalWeight(progress p: Double) -> Float {
        Float(2 / (1 + Foundation.exp(-10 * Swift.min(Swift.max(p, 0), 1))) - 1)
    }

    /// Trains `model` in `mode`. `source` and `target` are the training splits (the target's
    /// labels are used only by `.targetOnly`); after every epoch the loop reports
    /// `test_target_accuracy` and `test_source_accuracy` and, for `.dann`,
    /// `test_domain_accuracy` (how well the domain classifier still tells the domains apart: 0.5 is
    /// indistinguishable).
    public static func fit(_ model: DomainAdversarialNetwork, mode: DomainAdaptationMode, training: TrainingConfig,
                           source: Dataset, target: Dataset, sourceTest: Dataset, targetTest: Dataset,
                           runDirectory: String?, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingLoop {
        for (name, set) in [("source", source), ("source test", sourceTest), ("target test", targetTest)] {
            guard set.labels != nil else { throw ModelError.invalidConfig("the \(name) images need labels") }
        }
        if mode == .targetOnly && target.labels == nil { throw ModelError.invalidConfig("target-only training needs target labels") }
        for set in [source, target, sourceTest, targetTest] where set.inputs.rank != 2 || set.inputs.shape[1] != model.inputSize {
            throw ModelError.invalidConfig("images of shape \(set.inputs.shape) do not fit the network's \(model.inputSize) inputs")
        }
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume)
        // The unlabelled target, as adaptation sees it: its labels are not in the data at all.
        let data: [Dataset]
        switch mode {
        case .dann: data = [source, Dataset(inputs: target.inputs)]
        case .sourceOnly: data = [source]
        case .targetOnly: data = [target]
        }
        let totalSteps = training.epochs * ((data[0].count + training.batchSize - 1) / training.batchSize)
        try loop.run(data) { step in
            guard mode == .dann else {
                let loss = optimizer.minimize(model) {
                    model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
                }
                return ["train_loss": Double(loss)]
            }
            let lambda = reversalWeight(progress: Double(step.globalStep) / Double(Swift.max(totalSteps, 1)))
            model.reversal.lambda = lambda
            let sourceBatch = step.batches[0], targetBatch = step.batches[1]
            var labelLoss: Float = 0, domainLoss: Float = 0
            let loss = optimizer.minimize(model) {
                let (label, domain) = adversarialLosses(model, source: sourceBatch.inputs, labels: sourceBatch.labels,
                                                        target: targetBatch.inputs)
                labelLoss = label.value.scalar
                domainLoss = domain.value.scalar
                return label + domain
            }
            return ["train_loss": Double(loss), "label_loss": Double(labelLoss), "domain_loss": Double(domainLoss),
                    "reversal_weight": Double(lambda)]
        } evaluate: { _ in
            var figures = ["test_target_accuracy": model.accuracy(targetTest.inputs, labels: targetTest.labels ?? []),
                           "test_source_accuracy": model.accuracy(sourceTest.inputs, labels: sourceTest.labels ?? [])]
            if mode == .dann { figures["test_domain_accuracy"] = domainAccuracy(model, source: sourceTest, target: targetTest) }
            return figures
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return loop
    }

    /// The two losses of one DANN step: the label loss (mean cross-entropy of the source images'
    /// labels) and the domain loss, the paper's objective: the mean domain cross-entropy of the
    /// source images (domain 0) plus that of the target images (domain 1). Both domains go through
    /// the feature extractor as one batch, so batch normalisation there normalises them with shared
    /// statistics (the domain classifier cannot tell them apart by a shift the normalisation
    /// removes for one domain only). The domain loss reaches the feature extractor through the
    /// gradient reversal, scaled by −`model.reversal.lambda`; the domain classifier learns from it
    /// with weight 1.
    public static func adversarialLosses(_ model: DomainAdversarialNetwork, source: Tensor, labels: [Int], target: Tensor)
        -> (label: Variable, domain: Variable) {
        let n = source.shape[0], m = target.shape[0]
        let features = model.features(Variable(Tensor.concat([source, target], axis: 0)))
        let sourceFeatures = features.slice(axis: 0, 0..<n), targetFeatures = features.slice(axis: 0, n..<(n + m))
        let label = model.network.classifier(sourceFeatures).softmaxCrossEntropy(labels: labels)
        let fromSource = model.domainLogits(sourceFeatures).softmaxCrossEntropy(labels: [Int](repeating: 0, count: n))
        let fromTarget = model.domainLogits(targetFeatures).softmaxCrossEntropy(labels: [Int](repeating: 1, count: m))
        return (label, fromSource + fromTarget)
    }

    /// The domain classifier's accuracy at telling the first test images of each domain apart.
    public static func domainAccuracy(_ model: DomainAdversarialNetwork, source: Dataset, target: Dataset) -> Double {
        let n = Swift.min(domainCheckExamples, source.count, target.count)
        guard n > 0 else { return .nan }
        var correct = 0
        for (set, domain) in [(source, 0), (target, 1)] {
            let logits = model.inferInBatches(set.inputs.rows(0..<n), emptyShape: [0, 2]) { model.domainLogits(model.features($0)) }
            correct += logits.argmax(axis: 1).filter { $0 == domain }.count
        }
        return Double(correct) / Double(2 * n)
    }

    /// The features (`model.features`) of `inputs`, in evaluation mode.
    public static func features(_ model: DomainAdversarialNetwork, _ inputs: Tensor) -> Tensor {
        model.inferInBatches(inputs, emptyShape: [0, model.config.network.flatFeatures]) { model.features($0) }
    }
}
