import Foundation
import LatentIO
import LatentNN
import LatentTensor

/// Greedy layer-wise training of a `DBN`: each RBM is trained (by `RBMTraining`, in its own
/// run folder `rbm-1`, `rbm-2`, … with checkpoints) on the hidden probabilities of the one below.
/// Resuming continues the layer that was interrupted and reuses the finished ones, so the whole
/// stack ends with the same weights as an uninterrupted run.
public enum DBNTraining {
    /// Per-layer figures, and the stack.
    public struct Result {
        public let dbn: DBN
        /// Each layer's per-epoch history (see `RBMTraining.evaluate`).
        public let histories: [[[String: Double]]]
    }

    /// Trains the stack `model` on `train` (evaluating each layer on `test`'s codes), each layer
    /// under `training` except that layers with Gaussian or linear units use
    /// `linearLearningRate` (their inputs are unbounded; Hinton & Salakhutdinov use 0.001).
    /// `onLayer(i)` is called before layer i (0-based) starts. Writes `model.safetensors` (the
    /// DBN) into `runDirectory`.
    public static func run(model: DBN.Config, training: RBMTrainingConfig, linearLearningRate: Float,
                           train: Dataset, test: Dataset, runDirectory: String?, resume: Bool = false,
                           onLayer: (Int) -> Void = { _ in },
                           onEvent: (TrainingEvent) -> Void = { _ in }) throws -> Result {
        try model.validate()
        try training.validate()
        guard linearLearningRate > 0, linearLearningRate.isFinite else {
            throw TrainingError.invalidConfig("the linear layers' learning rate must be positive, got \(linearLearningRate)")
        }
        // The first layer sees the data: check it before anything is written.
        let first = try RBM(model.rbm(0))
        try first.checkData(train.inputs, name: "the training data")
        try first.checkData(test.inputs, name: "the test data")
        var trainCodes = train.inputs, testCodes = test.inputs
        var machines: [RBM] = [], histories: [[[String: Double]]] = []
        for i in 0..<(model.layers.count - 1) {
            onLayer(i)
            let config = model.rbm(i)
            var layerTraining = training
            if config.visibleUnits == .gaussian || config.hiddenUnits == .linear { layerTraining.learningRate = linearLearningRate }
            layerTraining.seed = training.seed &+ UInt64(i)
            let folder = runDirectory.map { $0 + "/rbm-\(i + 1)" }
            if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let resumeLayer = resume && folder.map { FileManager.default.fileExists(atPath: $0 + "/checkpoint.safetensors") } == true
            let (rbm, loop) = try RBMTraining.run(model: config, training: layerTraining, train: Dataset(inputs: trainCodes),
                                                  test: Dataset(inputs: testCodes), runDirectory: folder,
                                                  resume: resumeLayer, onEvent: onEvent)
            machines.append(rbm)
            histories.append(loop.history)
            if i < model.layers.count - 2 {
                trainCodes = rbm.transform(trainCodes)
                testCodes = rbm.transform(testCodes)
            }
        }
        let dbn = try DBN(model, machines: machines)
        try ModelTraining.saveModel(dbn, runDirectory: runDirectory)
        return Result(dbn: dbn, histories: histories)
    }
}
