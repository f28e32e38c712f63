import Foundation
import Latent

/// `deep-ae` and `conv-ae` of BENCHMARKS.md through `AutoencoderTraining.run`, the code `latent
/// train autoencoder` runs: seconds per epoch of training (evaluation and checkpoints excluded,
/// as in the PyTorch peer) and the test squared error per image (sum over 784 pixels, mean over
/// the 10k test images) after the last epoch.
enum AutoencoderBench {
    struct Output: Codable {
        var workload: String
        var impl = "latent"
        var threads: Int
        var epochs: Int
        var loss: String
        var schedule: String
        var initializer: String
        /// Median training seconds per epoch.
        var sPerEpoch: Double
        var epochSeconds: [Double]
        var testSquaredError: Double
        var errors: [Double]
        var loadBefore: [Double]
        var loadAfter: [Double]
    }

    static func run(_ options: Options, kind: Autoencoder.Config.Kind) throws {
        let loadBefore = loadAverage()
        let train = try MNIST.dataset(directory: options.data, split: .train)
        let test = try MNIST.dataset(directory: options.data, split: .test)
        if kind == .deep {
            // The linear baseline on the same metric (Hinton & Salakhutdinov report 13.87).
            let start = now()
            let pca = try PCA.fit(train.inputs, config: PCA.Config(components: 30, solver: .exact))
            let reconstruction = try pca.inverseTransform(try pca.transform(test.inputs))
            print("pca-30: test squared error \(fmt(Autoencoder.squaredErrorPerImage(reconstruction, test.inputs), 3)) per image (fit in \(fmt(now() - start)) s)")
            if options.epochs == 0 { return }
        }
        var config = Autoencoder.Config(kind: kind)
        let (loss, schedule, initializer) = (options.loss, options.schedule, options.initializer)
        config.loss = loss
        config.initializer = initializer
        config.seed = options.seed
        var training = TrainingConfig()
        training.epochs = options.repeats ?? options.epochs
        training.schedule = schedule
        training.seed = options.seed
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let name = kind == .conv ? "conv-ae" : "deep-ae"
        print("\(name): \(config.summary), \(training.epochs) epochs, \(schedule.rawValue) schedule, \(initializer.rawValue) init")
        let (_, loop) = try AutoencoderTraining.run(model: config, training: training, train: train, test: test,
                                                       runDirectory: dir) { event in
            guard let s = event.epochSummary else { return }
            print("epoch \(event.epoch): \(fmt(s["train_seconds"] ?? .nan)) s, test squared error \(fmt(s["test_squared_error"] ?? .nan))")
        }
        let seconds = loop.history.compactMap { $0["train_seconds"] }
        let errors = loop.history.compactMap { $0["test_squared_error"] }
        let median = median(seconds)
        print("latent \(name): median \(fmt(median)) s/epoch, test squared error \(fmt(errors.last ?? .nan))")
        printResult(Output(workload: name, threads: options.threads, epochs: training.epochs, loss: loss.rawValue,
                           schedule: schedule.rawValue, initializer: initializer.rawValue, sPerEpoch: median,
                           epochSeconds: seconds, testSquaredError: errors.last ?? .nan, errors: errors,
                           loadBefore: loadBefore, loadAfter: loadAverage()))
    }
}
