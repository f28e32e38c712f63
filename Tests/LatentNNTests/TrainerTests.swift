import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite struct TrainerTests {
    struct Stop: Error {}

    /// Two separable blobs: enough for a classifier to learn something in a few steps.
    static func blobs(_ n: Int, seed: UInt64) -> Dataset {
        var rng = RandomGenerator(seed: seed)
        let labels = (0..<n).map { _ in rng.nextInt(below: 3) }
        var x = Tensor.normal([n, 6], using: &rng)
        x.withUnsafeMutableBufferPointer { p in for (i, l) in labels.enumerated() { p[i * 6 + l] += 3 } }
        return Dataset(inputs: x, labels: labels)
    }

    static func makeRun(_ dir: String) throws -> (Classifier, Trainer) {
        var config = Classifier.Config(inputSize: 6, hidden: [16], classes: 3)
        config.dropout = 0.2           // so module random streams must be restored too
        let model = try Classifier(config)
        var training = TrainingConfig()
        training.epochs = 3
        training.batchSize = 16
        training.schedule = .cosine
        return (model, try Trainer(model: model, config: training, runDirectory: dir))
    }

    @Test func resumedRunEndsBitIdenticalToUninterruptedRun() throws {
        let data = Self.blobs(200, seed: 1)
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("latent-resume-\(UUID())").path
        try FileManager.default.createDirectory(atPath: base + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/b", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let loss: (Classifier) -> (Dataset.Batch) -> Variable = { m in { m(Variable($0.inputs)).softmaxCrossEntropy(labels: $0.labels) } }

        let (full, fullTrainer) = try Self.makeRun(base + "/a")
        try fullTrainer.fit(data, loss: loss(full))

        // Interrupted after epoch 1 (the failure comes after that epoch's checkpoint).
        let (first, firstTrainer) = try Self.makeRun(base + "/b")
        #expect(throws: Stop.self) {
            try firstTrainer.fit(data, loss: loss(first), evaluate: { epoch in if epoch == 2 { throw Stop() }; return [:] })
        }
        // A fresh process would rebuild the model from scratch and resume from the folder.
        let (resumed, resumedTrainer) = try Self.makeRun(base + "/b")
        try resumedTrainer.resume()
        #expect(resumedTrainer.history.count == 1)
        try resumedTrainer.fit(data, loss: loss(resumed))
        for ((name, a), (_, b)) in zip(full.stateDict(), resumed.stateDict()) {
            #expect(a == b, "\(name) differs after resume")
        }
        #expect(fullTrainer.history.map { $0["train_loss"] } == resumedTrainer.history.map { $0["train_loss"] })
    }

    @Test func nonFiniteLossStopsWithEpochAndBatch() throws {
        let data = Self.blobs(64, seed: 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-nan-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (model, trainer) = try Self.makeRun(dir)
        var calls = 0
        do {
            try trainer.fit(data, loss: { batch in
                calls += 1
                let l = model(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels)
                return calls == 6 ? l * Float.nan : l
            })
            Issue.record("training should have stopped")
        } catch let TrainingError.nonFinite(epoch, batch, _) {
            #expect(epoch == 2 && batch == 2)   // 4 batches per epoch: the 6th call is epoch 2, batch 2
        }
        // The checkpoint of epoch 1 is still there and loads.
        let (_, again) = try Self.makeRun(dir)
        try again.resume()
        #expect(again.history.count == 1)
    }

    @Test func classifierLearnsHeldOutBlobs() throws {
        let train = Self.blobs(600, seed: 3), test = Self.blobs(300, seed: 4)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cls-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var training = TrainingConfig()
        training.epochs = 5
        training.batchSize = 32
        training.learningRate = 1e-2
        let (model, trainer) = try ClassifierTraining.run(model: Classifier.Config(inputSize: 6, hidden: [16], classes: 3),
                                                          training: training, train: train, test: test, runDirectory: dir)
        // Means 3 apart on separate axes: the Bayes rule is right about 97 % of the time
        // (each wrong class wins with probability Φ(−3/√2) ≈ 1.7 %); chance is 33 %.
        #expect(model.accuracy(test.inputs, labels: test.labels!) > 0.92)
        #expect(trainer.history.count == 5)
        let loaded = try ClassifierTraining.load(path: dir + "/model.safetensors")
        #expect(loaded.predict(test.inputs) == model.predict(test.inputs))
    }
}
