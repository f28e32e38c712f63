import Foundation
import Latent
import Testing

/// The README's "Using the library" examples, as a library user would write them: they compile,
/// and the model they train learns (checked on images it did not see).
@Suite struct LibraryExampleTests {
    @Test func readmeTrainingExamplesRunAndLearn() throws {
        let all = try MNIST.dataset(directory: CLI.root.appendingPathComponent("Data/mnist").path, split: .test)
        let (train, heldOut) = all.split(first: 8000)
        var rng = RandomGenerator(seed: 1)
        let model = Sequential {
            Linear(784, 256, rng: &rng); ReLU()
            Linear(256, 10, rng: &rng)
        }
        let optimizer = try Adam(learningRate: 1e-3)
        for batch in train.batches(size: 128, shuffle: true, rng: &rng) {
            let (_, gradients) = valueAndGrad(model) {
                model(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels)
            }
            optimizer.update(gradients)
        }
        // The second example continues the same model with the loop, checkpointing as it goes.
        let dir = try temporaryDirectory("library-example")
        defer { try? FileManager.default.removeItem(at: dir) }
        let loop = try TrainingLoop(epochs: 2, batchSize: 128, seed: 1, runDirectory: dir.path, settings: "mlp")
        loop.register(model)
        loop.register(optimizer, schedule: .cosine)
        try loop.run(train) { step in
            let loss = optimizer.minimize(model) {
                model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
            }
            return ["train_loss": Double(loss)]
        }
        #expect(loop.history.count == 2 && FileManager.default.fileExists(atPath: dir.path + "/checkpoint.safetensors"))
        let predictions = model.withEvaluation { model(Variable(heldOut.inputs)).value.argmax(axis: 1) }
        let accuracy = Double(zip(predictions, heldOut.labels!).filter { $0 == $1 }.count) / Double(heldOut.count)
        #expect(accuracy > 0.9, "held-out accuracy after the README's examples: \(accuracy)")
    }
}
