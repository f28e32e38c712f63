import Foundation
import Latent

/// `mlp`: the classifier 784-256-10 (ReLU, softmax cross-entropy, Adam 1e-3, batch 128) trained on
/// the 60k MNIST training images through `ClassifierTraining.run`, the code `latent train
/// classifier` runs (Classifier, TrainingLoop, valueAndGrad, Adam, checkpoints after each epoch).
///
/// Training time per epoch is measured from the end of the previous epoch's bookkeeping to the
/// last optimiser step of the epoch: shuffling, batch gathering, forward, backward and update,
/// as the PyTorch peer times it. The per-epoch test evaluation and checkpoint writing are timed
/// separately ("overhead") and reported beside it.
enum MLPBench {
    struct Output: Codable {
        var workload = "mlp"
        var impl = "latent"
        var threads: Int
        var epochs: Int
        /// Median training seconds per epoch.
        var sPerEpoch: Double
        var epochSeconds: [Double]
        /// Median seconds per epoch spent on evaluation and checkpoints (not in sPerEpoch).
        var overheadSPerEpoch: Double
        var testAccuracy: Double
        var accuracies: [Double]
        var trainLoss: Double
        var loadBefore: [Double]
        var loadAfter: [Double]
    }

    static func run(_ options: Options) throws {
        let loadBefore = loadAverage()
        let loadStart = now()
        let train = try MNIST.dataset(directory: options.data, split: .train)
        let test = try MNIST.dataset(directory: options.data, split: .test)
        print("data: \(options.data): \(train.count) train, \(test.count) test (loaded in \(fmt(now() - loadStart)) s)")

        var model = Classifier.Config(inputSize: 784, hidden: [256], classes: 10)
        model.seed = options.seed
        var training = TrainingConfig()
        training.epochs = options.repeats ?? options.epochs
        training.batchSize = 128
        training.learningRate = 1e-3
        training.optimizer = .adam
        training.seed = options.seed

        let runDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-bench-mlp-\(ProcessInfo.processInfo.processIdentifier)").path
        try FileManager.default.createDirectory(atPath: runDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }

        var epochStart = now()
        var trainSeconds: [Double] = [], overhead: [Double] = [], accuracies: [Double] = []
        var trainEnd = epochStart
        let (_, loop) = try ClassifierTraining.run(
            model: model, training: training, train: train, test: test, runDirectory: runDirectory
        ) { event in
            if let summary = event.epochSummary {
                let t = now()
                overhead.append(t - trainEnd)
                accuracies.append(summary["test_accuracy"] ?? .nan)
                print("epoch \(event.epoch): \(fmt(trainSeconds.last ?? .nan, 3)) s training, "
                      + "\(fmt(t - trainEnd, 3)) s evaluation + checkpoint, loss \(fmt(summary["train_loss"] ?? .nan, 4)), "
                      + "test accuracy \(fmt(accuracies.last!, 4))")
                epochStart = now()
            } else if event.batch == event.batches {
                trainEnd = now()
                trainSeconds.append(trainEnd - epochStart)
            }
        }
        let loadAfter = loadAverage()
        let s = Stats(trainSeconds)
        let accuracy = accuracies.last ?? .nan
        print("latent mlp: median \(fmt(s.median, 3)) s/epoch (min \(fmt(s.min, 3)), max \(fmt(s.max, 3))), "
              + "test accuracy \(fmt(accuracy, 4)) after \(training.epochs) epochs; \(loadLine())")
        printResult(Output(threads: options.threads, epochs: training.epochs, sPerEpoch: s.median,
                           epochSeconds: trainSeconds, overheadSPerEpoch: Stats(overhead).median,
                           testAccuracy: accuracy, accuracies: accuracies,
                           trainLoss: loop.history.last?["train_loss"] ?? .nan,
                           loadBefore: loadBefore, loadAfter: loadAfter))
    }
}
