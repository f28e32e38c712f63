// The `dcgan` workload of ../shared/BENCHMARKS.md: s/epoch of the generator/discriminator pair
// on the 60k MNIST training images, batch 128, Adam 2e-4 (β₁ 0.5), k = m = 1, through the public
// GANTraining.run (no measurement, no checkpoints). Peer: Benchmarks/peers/dcgan_torch.py.
//
//   LatentBench dcgan [--threads 2] [--epochs 1] [--batches N] [--pack 1] [--data DIR] [--seed 1] [--profile]
//
// --batches N times the first N batches of each epoch and extrapolates to the full epoch (a full
// epoch is minutes on two cores); --profile runs the steps once without timing output, for
// callgrind/perf.

import ArgumentParser
import Foundation
import Latent

struct DCGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan",
        abstract: "The dcgan generator/discriminator pair, batch 128, Adam 2e-4: s/epoch.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Epochs to train.") var epochs = 1
    @Option(help: "Time the first N batches of each epoch and extrapolate to the full epoch (0: all).")
    var batches = 0
    @Option(help: "PacGAN packing: examples the discriminator sees side by side (the CLI's default is 2).")
    var pack = 1
    @Option(help: "Seed of the weights, the shuffling and the noise.") var seed: UInt64 = 1
    @Flag(help: "Run the steps without timing output (for callgrind or perf).") var profile = false

    func validate() throws {
        try require(epochs, atLeast: 1, "--epochs")
        try require(batches, atLeast: 0, "--batches")
        try require(pack, in: 1...64, "--pack")
        if 128 % pack != 0 { throw ValidationError("--pack must divide the batch of 128, got \(pack).") }
    }

    func run() throws { try runDCGANBenchmark(self) }
}

/// Runs the dcgan workload with the settings of `command`.
func runDCGANBenchmark(_ command: DCGANCommand) throws {
    let (threads, epochs, batches, pack, seed) = (command.threads.threads, command.epochs, command.batches, command.pack,
                                                  command.seed)
    let data = command.mnist.data
    let profile = command.profile
    Threads.set(threads)
    let loadBefore = dcganLoadAverage()
    let train = try MNIST.dataset(directory: data, split: .train)
    let fullBatches = train.count / 128
    let timedBatches = batches > 0 ? Swift.min(batches, fullBatches) : fullBatches
    let subset = Dataset(inputs: train.inputs.rows(0..<(timedBatches * 128)))
    var config = GAN.Config(kind: .dcgan, latentSize: 64)
    config.seed = seed
    config.pack = pack
    var training = GANTrainingConfig()
    training.epochs = epochs
    training.seed = seed
    var times: [Double] = []
    var epochStart = Date()
    try GANTraining.run(model: config, training: training, train: subset, quality: nil, runDirectory: nil, onEvent: { event in
        if event.epochSummary != nil {
            let seconds = Date().timeIntervalSince(epochStart) * Double(fullBatches) / Double(timedBatches)
            times.append(seconds)
            if !profile {
                let f = event.epochSummary!
                print(String(format: "epoch %d: %.2f s/epoch (%d of %d batches timed), d_loss %.4f g_loss %.4f",
                             event.epoch, seconds, timedBatches, fullBatches, f["d_loss"] ?? .nan, f["g_loss"] ?? .nan))
            }
            epochStart = Date()
        }
    })
    guard !profile else { return }
    let median = median(times)
    print(String(format: "latent dcgan: median %.2f s/epoch", median))
    let result: [String: Any] = ["workload": "dcgan", "impl": "latent", "threads": threads, "seconds_per_epoch": median,
                                 "batches": timedBatches, "loadBefore": loadBefore, "loadAfter": dcganLoadAverage()]
    let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print("RESULT " + String(decoding: json, as: UTF8.self))
}

private func dcganLoadAverage() -> [Double] {
    var loads = [Double](repeating: 0, count: 3)
    _ = getloadavg(&loads, 3)
    return loads
}
