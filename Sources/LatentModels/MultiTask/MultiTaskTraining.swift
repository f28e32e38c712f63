import Foundation
import LatentIO
import LatentNN
import LatentTensor

/// How the tasks' losses are combined into the one loss a `MultiTaskNetwork` minimises.
public struct MultiTaskLoss: Codable, Sendable, Equatable {
    /// Weight of each task's loss, in task order; nil weighs every task 1.
    public var taskWeights: [Float]?
    /// Weight of the soft-sharing penalty (ignored by hard and single). Its gradient on a weight is
    /// 2 × penalty × (the weight's distance to its counterparts): with 0.001 the towers stay
    /// free to differ where the tasks pull apart, but drift together where they agree.
    public var penalty: Float = 1e-3

    public init(taskWeights: [Float]? = nil, penalty: Float = 1e-3) {
        self.taskWeights = taskWeights
        self.penalty = penalty
    }

    /// Checks the weights against `tasks`.
    public func validate(tasks: [LearningTask]) throws(ModelError) {
        if let w = taskWeights {
            if w.count != tasks.count {
                throw .invalidConfig("\(w.count) task weights for \(tasks.count) tasks (\(tasks.map(\.rawValue).joined(separator: ",")))")
            }
            if let bad = w.first(where: { !($0 >= 0 && $0 <= 1000) }) { throw .invalidConfig("task weights must be in [0, 1000], got \(bad)") }
            if !w.contains(where: { $0 > 0 }) { throw .invalidConfig("at least one task weight must be positive") }
        }
        if !(penalty >= 0 && penalty <= 1000) { throw .invalidConfig("the soft-sharing penalty must be in [0, 1000], got \(penalty)") }
    }

    /// The weight of task `t`.
    public func weight(_ t: Int) -> Float { taskWeights?[t] ?? 1 }
}

/// Training a `MultiTaskNetwork` on the training core's loop: one step minimises the weighted sum
/// of the tasks' losses (plus, for soft sharing, the penalty between towers).
public enum MultiTaskTraining {
    /// The test figures of `model` on `test`: accuracy per classification task, and the mean
    /// squared error per pixel of the reconstruction (after a sigmoid).
    public static func evaluate(_ model: MultiTaskNetwork, on test: MultiTaskExamples) -> [String: Double] {
        var figures: [String: Double] = [:]
        for (t, task) in model.config.tasks.enumerated() {
            let width = task.outputSize(inputSize: model.config.inputSize)
            let outputs = model.inferInBatches(test.inputs, emptyShape: [0, width]) { model.output(t, $0) }
            if let labels = test.labels[task] {
                let correct = zip(outputs.argmax(axis: 1), labels).filter { $0 == $1 }.count
                figures[task.metricName] = Double(correct) / Double(Swift.max(labels.count, 1))
            } else if task == .reconstruction {
                var squared = 0.0
                outputs.withUnsafeBufferPointer { logits in
                    test.inputs.withUnsafeBufferPointer { images in
                        for i in 0..<logits.count {
                            let d = Double(1 / (1 + Foundation.exp(-logits[i])) - images[i])
                            squared += d * d
                        }
                    }
                }
                figures[task.metricName] = squared / Double(Swift.max(outputs.count, 1))
            }
        }
        return figures
    }

    /// Trains `model` on `train`, reporting `evaluate` on `test` after every epoch; resumes from
    /// `runDirectory` when `resume`.
    public static func fit(_ model: MultiTaskNetwork, training: TrainingConfig, loss: MultiTaskLoss,
                           train: MultiTaskExamples, test: MultiTaskExamples, runDirectory: String?, resume: Bool = false,
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingLoop {
        let tasks = model.config.tasks
        try loss.validate(tasks: tasks)
        for (name, set) in [("training", train), ("test", test)] {
            guard set.inputs.rank == 2, set.inputs.shape[1] == model.config.inputSize else {
                throw ModelError.invalidConfig("\(name) inputs of shape \(set.inputs.shape) do not fit the network's \(model.config.inputSize) inputs")
            }
            if let missing = tasks.first(where: { $0.isClassification && set.labels[$0]?.count != set.count }) {
                throw ModelError.invalidConfig("the \(name) examples have no \(missing.rawValue) labels")
            }
        }
        let (loop, optimizer) = try ModelTraining.loop(for: model, training: training, runDirectory: runDirectory, resume: resume)
        try loop.run(Dataset(inputs: train.inputs)) { step in
            let batch = step.batch
            var taskLosses = [Float](repeating: 0, count: tasks.count)
            let total = optimizer.minimize(model) {
                let outputs = model(Variable(batch.inputs))
                var sum: Variable?
                for (t, task) in tasks.enumerated() {
                    let taskLoss = if let labels = train.labels[task] {
                        outputs[t].softmaxCrossEntropy(labels: batch.indices.map { labels[$0] })
                    } else {
                        outputs[t].binaryCrossEntropyWithLogits(batch.inputs)
                    }
                    taskLosses[t] = taskLoss.value.scalar
                    let weighted = taskLoss * loss.weight(t)
                    sum = sum.map { $0 + weighted } ?? weighted
                }
                if model.config.sharing == .soft, let penalty = model.sharingPenalty() {
                    sum = sum.map { $0 + penalty * loss.penalty }
                }
                return sum ?? Variable(Tensor(shape: [], repeating: 0))
            }
            var report: StepReport = ["train_loss": Double(total)]
            for (t, task) in tasks.enumerated() { report.add("\(task.rawValue)_loss", Double(taskLosses[t])) }
            return report
        } evaluate: { _ in
            evaluate(model, on: test)
        } afterEpoch: { _ in
            try ModelTraining.saveModel(model, runDirectory: runDirectory)
        } onEvent: { onEvent($0) }
        return loop
    }
}
