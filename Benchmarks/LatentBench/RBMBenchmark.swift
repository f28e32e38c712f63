import ArgumentParser
import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#endif

/// The `rbm` workload of BENCHMARKS.md: binarised MNIST (> 0.5), 256 hidden units, scikit-learn's
/// `BernoulliRBM` update (PCD with one Gibbs step, no momentum, no weight decay, the learning rate
/// on the batch-mean gradient), lr 0.05, batch 64, 10 epochs on the 60k training images. Prints
/// the training seconds (the per-epoch test evaluation apart, as the peer's `fit` has none) and
/// the test pseudo-likelihood as `score_samples` defines it.
///
/// Peer: `Benchmarks/peers/rbm_sklearn.py` with the same flags.
struct RBMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm",
        abstract: "BernoulliRBM 784-256, PCD-1, lr 0.05, batch 64 on binarised MNIST: training s, test pseudo-likelihood.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Epochs to train.") var epochs = 10
    @Option(help: "Hidden units.") var hidden = 256
    @Option(help: "Seed of the weights, the shuffling, the chains and the pseudo-likelihood's flips.") var seed: UInt64 = 1

    func validate() throws {
        try require(epochs, atLeast: 1, "--epochs")
        try require(hidden, atLeast: 1, "--hidden")
    }

    func run() throws {
        Threads.set(threads.threads)
        let binary: (Dataset) -> Dataset = { Dataset(inputs: $0.inputs.map { $0 > 0.5 ? 1 : 0 }) }
        let train = binary(try MNIST.dataset(directory: mnist.data, split: .train))
        let test = binary(try MNIST.dataset(directory: mnist.data, split: .test))
        let training = RBMTrainingConfig.scikitLearn(learningRate: 0.05, batchSize: 64, epochs: epochs, seed: seed)
        let (rbm, loop) = try RBMTraining.run(model: RBM.Config(visible: 784, hidden: hidden, seed: seed), training: training,
                                              train: train, test: test, runDirectory: nil) { event in
            if let summary = event.epochSummary {
                print(String(format: "epoch %d: %.2f s, test pseudo-likelihood %.2f, reconstruction error %.2f", event.epoch,
                             summary["train_seconds"] ?? .nan, summary["test_pseudo_likelihood"] ?? .nan,
                             summary["test_reconstruction_error"] ?? .nan))
            }
        }
        let seconds = loop.history.reduce(0) { $0 + ($1["train_seconds"] ?? 0) }
        let pl = (rbm.pseudoLikelihood(test.inputs, seed: seed) ?? []).reduce(0, +) / Double(test.count)
        print(String(format: "latent rbm: %.2f s for %d epochs, test pseudo-likelihood %.2f", seconds, epochs, pl))
        var loads = [Double](repeating: 0, count: 3)
        _ = getloadavg(&loads, 3)
        let result: [String: Any] = ["workload": "rbm", "impl": "latent", "seconds": seconds, "epochs": epochs,
                                     "test_pseudo_likelihood": pl, "loadAfter": loads]
        print("RESULT " + String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// The features bar of the RBM issue: an RBM with 1,024 hidden units (CD-1, Hinton's defaults)
/// on the 60k MNIST training images (pixels as probabilities), then a linear softmax classifier
/// (a `Classifier` without hidden layers, Adam) on its hidden probabilities, against the same
/// classifier on raw pixels. Prints both test accuracies.
struct RBMFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm-features",
        abstract: "Logistic regression on the hidden probabilities of a 1,024-unit RBM vs on raw pixels: test accuracy.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "RBM epochs.") var epochs = 10
    @Option(help: "Hidden units.") var hidden = 1024
    @Option(help: "Epochs of the linear classifier.") var classifierEpochs = 30
    @Option(help: "Seed.") var seed: UInt64 = 1

    func validate() throws {
        try require(epochs, atLeast: 1, "--epochs")
        try require(hidden, atLeast: 1, "--hidden")
        try require(classifierEpochs, atLeast: 1, "--classifier-epochs")
    }

    func run() throws {
        Threads.set(threads.threads)
        let train = try MNIST.dataset(directory: mnist.data, split: .train)
        let test = try MNIST.dataset(directory: mnist.data, split: .test)
        var training = RBMTrainingConfig()
        training.epochs = epochs
        training.seed = seed
        let start = Date()
        let (rbm, _) = try RBMTraining.run(model: RBM.Config(visible: 784, hidden: hidden, seed: seed), training: training,
                                           train: Dataset(inputs: train.inputs), test: Dataset(inputs: test.inputs),
                                           runDirectory: nil) { event in
            if let s = event.epochSummary {
                print(String(format: "rbm epoch %d: %.1f s, test reconstruction error %.2f", event.epoch, s["train_seconds"] ?? .nan,
                             s["test_reconstruction_error"] ?? .nan))
            }
        }
        let rbmSeconds = Date().timeIntervalSince(start)
        func linear(_ trainInputs: Tensor, _ testInputs: Tensor, _ name: String) throws -> Double {
            var c = Classifier.Config(inputSize: trainInputs.shape[1], hidden: [], classes: 10)
            c.seed = seed
            var t = TrainingConfig()
            t.epochs = classifierEpochs
            t.batchSize = 100
            t.learningRate = 1e-3
            t.seed = seed
            let model = try Classifier(c)
            let loop = try ClassifierTraining.fit(model, training: t, train: Dataset(inputs: trainInputs, labels: train.labels),
                                                  test: Dataset(inputs: testInputs, labels: test.labels), runDirectory: nil)
            let accuracy = loop.history.last?["test_accuracy"] ?? .nan
            print(String(format: "linear softmax on %@: test accuracy %.2f %%", name, accuracy * 100))
            return accuracy
        }
        let features = try linear(rbm.transform(train.inputs), rbm.transform(test.inputs), "RBM hidden probabilities")
        let pixels = try linear(train.inputs, test.inputs, "raw pixels")
        let result: [String: Any] = ["workload": "rbm-features", "impl": "latent", "hidden": hidden, "rbm_epochs": epochs,
                                     "rbm_seconds": rbmSeconds, "features_test_accuracy": features, "pixels_test_accuracy": pixels]
        print("RESULT " + String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
