import ArgumentParser
import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#endif

/// The `vae` workload of BENCHMARKS.md: 784-400-(μ, log σ² D)-400-784, ReLU, Bernoulli decoder
/// (BCE on logits summed over pixels), closed-form KL to 𝒩(0, I), Adam 1e-3, batch 128, on the
/// 60k MNIST training images. Prints per epoch the wall and CPU seconds and the test negative
/// ELBO, then the median s/epoch and the importance-weighted NLL.
///
/// Flags: `--data DIR` (default ../shared/data/mnist), `--epochs N` (10), `--latent D` (20),
/// `--threads T` (2), `--seed S` (1), `--iwae K` (100; 0 skips), `--train-limit N`.
/// Peer: `Benchmarks/peers/vae_torch.py` with the same flags.
struct VAECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "784-400-(μ, log σ²)-400-784 VAE, Adam 1e-3, batch 128: s/epoch, test negative ELBO, IWAE NLL.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Epochs to train.") var epochs = 10
    @Option(help: "Latent dimensions.") var latent = 20
    @Option(help: "Seed of the weights, the shuffling and the noise.") var seed: UInt64 = 1
    @Option(help: "Importance samples of the IWAE NLL (0 skips it).") var iwae = 100
    @Option(help: "Train on the first N training images only.") var trainLimit: Int?

    func validate() throws {
        try require(epochs, atLeast: 1, "--epochs")
        try require(latent, atLeast: 1, "--latent")
        try require(iwae, atLeast: 0, "--iwae")
        if let trainLimit { try require(trainLimit, atLeast: 1, "--train-limit") }
    }

    func run() throws { try runVAEBenchmark(self) }
}

func runVAEBenchmark(_ settings: VAECommand) throws {
    let data = settings.mnist.data
    let epochs = settings.epochs
    let latent = settings.latent
    let threads = settings.threads.threads
    let seed = settings.seed
    let iwae = settings.iwae
    Threads.set(threads)
    var train = try MNIST.dataset(directory: data, split: .train)
    let test = try MNIST.dataset(directory: data, split: .test)
    if let n = settings.trainLimit, n < train.count { train = train.split(first: n).first }

    var config = VAE.Config(inputSize: 784, hidden: [400], latentSize: latent)
    config.seed = seed
    var training = TrainingConfig()
    training.epochs = epochs
    training.batchSize = 128
    training.learningRate = 1e-3
    training.seed = seed
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-bench-vae-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }

    // Seconds per epoch exclude the test evaluation and checkpoint, as the peer's do.
    var wall: [Double] = [], cpu: [Double] = []
    var epochStart = Date(), cpuStart = cpuSeconds()
    let (model, loop) = try VAETraining.run(model: config, training: training, train: train, test: test, runDirectory: dir) { event in
        if event.batch == event.batches && event.epochSummary == nil {
            wall.append(Date().timeIntervalSince(epochStart))
            cpu.append(cpuSeconds() - cpuStart)
        }
        if let summary = event.epochSummary {
            print(String(format: "epoch %d: %.3f s (%.3f s CPU), test negative ELBO %.2f", event.epoch, wall.last ?? 0, cpu.last ?? 0,
                         summary["test_negative_elbo"] ?? .nan))
            epochStart = Date()
            cpuStart = cpuSeconds()
        }
    }
    let elbo = loop.history.last?["test_negative_elbo"] ?? .nan
    var nll = Double.nan
    if iwae > 0 {
        nll = model.importanceWeightedNLL(test.inputs, samples: iwae)
        print(String(format: "IWAE NLL (k = %d): %.2f", iwae, nll))
    }
    print(String(format: "latent vae (latent %d): median %.3f s/epoch (%.3f s CPU), test negative ELBO %.2f, IWAE NLL %.2f",
                 latent, median(wall), median(cpu), elbo, nll))
    var loads = [Double](repeating: 0, count: 3)
    _ = getloadavg(&loads, 3)
    let result: [String: Any] = ["workload": "vae", "impl": "latent", "seconds_per_epoch": median(wall),
                                 "cpu_seconds_per_epoch": median(cpu), "test_negative_elbo": elbo, "loadAfter": loads]
    print("RESULT " + String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
}
