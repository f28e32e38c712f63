import Foundation
import Latent

/// `deep-ae` and `conv-ae` of BENCHMARKS.md through Latent's own training path (the code
/// `latent train autoencoder` runs): s/epoch (median) and test squared error per image.
///
///     LatentBench deep-ae [--epochs 3] [--loss mse|bce] [--schedule constant|cosine] [--threads 2] [--data DIR]
///     LatentBench conv-ae [--epochs 3] …
func runAutoencoderBenchmark(kind: AutoencoderConfig.Kind, arguments: [String]) throws {
    var options: [String: String] = [:]
    var i = 0
    while i + 1 < arguments.count {
        options[arguments[i]] = arguments[i + 1]
        i += 2
    }
    let epochs = Int(options["--epochs"] ?? "3") ?? 3
    Threads.set(Int(options["--threads"] ?? "2") ?? 2)
    let directory = options["--data"] ?? "../shared/data/mnist"
    var config = AutoencoderConfig(kind: kind)
    config.loss = AutoencoderConfig.Loss(rawValue: options["--loss"] ?? "mse") ?? .mse
    var training = TrainingConfig()
    training.epochs = epochs
    training.schedule = LearningRateSchedule(rawValue: options["--schedule"] ?? "constant") ?? .constant
    let train = try MNIST.dataset(directory: directory, split: .train)
    let test = try MNIST.dataset(directory: directory, split: .test)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-bench-\(UUID())").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var times: [Double] = []
    var last = Date()
    let (_, trainer) = try AutoencoderTraining.run(model: config, training: training, train: train, test: test, runDirectory: dir) { event in
        guard let summary = event.epochSummary else { return }
        // Evaluation and checkpointing are outside the timed part, as in the peer script.
        let now = Date()
        times.append(summary["train_seconds"] ?? now.timeIntervalSince(last))
        last = now
        print(String(format: "epoch %d: %.2f s, test squared error %.3f", event.epoch, times.last!, summary["test_squared_error"] ?? .nan))
    }
    let error = trainer.history.last?["test_squared_error"] ?? .nan
    let median = times.sorted()[times.count / 2]
    print(String(format: "latent %@: median %.3f s/epoch, test squared error %.3f", kind == .conv ? "conv-ae" : "deep-ae", median, error))
    print("RESULT {\"workload\": \"\(kind == .conv ? "conv-ae" : "deep-ae")\", \"seconds_per_epoch\": \(median), \"test_squared_error\": \(error), \"epochs\": \(epochs)}")
}
