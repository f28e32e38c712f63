// The `dcgan` workload of ../shared/BENCHMARKS.md: s/epoch of the generator/discriminator pair
// on the 60k MNIST training images, batch 128, Adam 2e-4 (β₁ 0.5), k = m = 1, through the public
// GANTrainer (no measurement, no checkpoints). Peer: Benchmarks/peers/dcgan_torch.py.
//
//   LatentBench dcgan [--threads 2] [--epochs 1] [--batches N] [--pack 1] [--data DIR] [--seed 1] [--profile]
//
// --batches N times the first N batches of each epoch and extrapolates to the full epoch (a full
// epoch is minutes on two cores); --profile runs the steps once without timing output, for
// callgrind/perf.

import Foundation
import Latent

/// Runs the dcgan workload with `arguments` (everything after the workload name).
func runDCGANBenchmark(arguments: [String]) throws {
    var threads = 2, epochs = 1, batches = 0, pack = 1, seed: UInt64 = 1
    var data = "../shared/data/mnist"
    var profile = false
    var i = 0
    func value() throws -> String {
        i += 1
        guard i < arguments.count else { throw DCGANBenchmarkError("\(arguments[i - 1]) needs a value") }
        return arguments[i]
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--threads": threads = Int(try value()) ?? threads
        case "--epochs": epochs = Int(try value()) ?? epochs
        case "--batches": batches = Int(try value()) ?? batches
        case "--pack": pack = Int(try value()) ?? pack
        case "--seed": seed = UInt64(try value()) ?? seed
        case "--data": data = try value()
        case "--profile": profile = true
        default: throw DCGANBenchmarkError("unknown option \(arguments[i]) for dcgan")
        }
        i += 1
    }
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

private struct DCGANBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

private func dcganLoadAverage() -> [Double] {
    var loads = [Double](repeating: 0, count: 3)
    _ = getloadavg(&loads, 3)
    return loads
}
