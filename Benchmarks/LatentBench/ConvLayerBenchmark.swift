// The `conv-layers` workload: forward and backward time of each convolution of the dcgan and
// conv-ae shapes on its own (batch 128, 2 threads), to see which layer an epoch's time goes to;
// then 2×2 max pooling at the DANN network's and the conv classifier's shapes.
//
//   LatentBench conv-layers [--threads 2] [--repeats 20] [--batch 128]

import ArgumentParser
import Foundation
import Latent

struct ConvLayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv-layers", abstract: "Forward and backward time of each dcgan convolution alone.")

    @OptionGroup var threads: ThreadsOption
    @Option(help: "Timed repeats (after two warm-up runs).") var repeats = 20
    @Option(help: "Batch size.") var batch = 128
    @Option(help: "automatic, im2col or onednn: the convolution route to time.") var algorithm = "automatic"

    func validate() throws {
        try require(repeats, atLeast: 1, "--repeats")
        try require(batch, atLeast: 1, "--batch")
        if convolutionAlgorithm == nil {
            throw ValidationError("--algorithm: unknown route '\(algorithm)' (automatic, im2col, onednn)")
        }
    }

    func run() throws { try runConvLayerBenchmark(self) }

    var convolutionAlgorithm: ConvolutionAlgorithm? {
        ["automatic": .automatic, "im2col": .im2col, "onednn": .oneDNN][algorithm]
    }
}

func runConvLayerBenchmark(_ settings: ConvLayersCommand) throws {
    let (threads, repeats, batch) = (settings.threads.threads, settings.repeats, settings.batch)
    let algorithm = settings.convolutionAlgorithm ?? .automatic
    Threads.set(threads)
    var rng = RandomGenerator(seed: 1)
    // (name, transposed, Cin, Cout, input extent)
    let layers: [(String, Bool, Int, Int, Int)] = [
        ("D conv 1→64 28²", false, 1, 64, 28), ("D conv 64→128 14²", false, 64, 128, 14),
        ("G convT 128→64 7²", true, 128, 64, 7), ("G convT 64→1 14²", true, 64, 1, 14),
    ]
    print("conv-layers (\(settings.algorithm)): batch \(batch), \(threads) threads, median of \(repeats) (ms)")
    for (name, transposed, cin, cout, extent) in layers {
        let x = Variable(Tensor.normal([batch, cin, extent, extent], using: &rng), requiresGrad: true)
        let wShape = transposed ? [cin, cout, 4, 4] : [cout, cin, 4, 4]
        let w = Variable(Tensor.normal(wShape, std: 0.02, using: &rng), requiresGrad: true)
        let b = Variable(Tensor.normal([cout], using: &rng), requiresGrad: true)
        func forward() -> Variable {
            transposed ? Variable.convTranspose2d(x, weight: w, bias: b, stride: 2, padding: 1, algorithm: algorithm)
                       : Variable.conv2d(x, weight: w, bias: b, stride: 2, padding: 1, algorithm: algorithm)
        }
        let (f, bw) = medianForwardBackward(repeats: repeats, reset: { x.zeroGrad(); w.zeroGrad(); b.zeroGrad() }, forward)
        print(String(format: "%-22@ forward %7.2f  backward %7.2f", name as NSString, f, bw))
    }
    // (name, channels, input extent): DANN's two pools, the conv classifier's pool.
    let pools: [(String, Int, Int)] = [("max-pool 32ch 24²", 32, 24), ("max-pool 48ch 8²", 48, 8), ("max-pool 64ch 24²", 64, 24)]
    for (name, channels, extent) in pools {
        let x = Variable(Tensor.normal([batch, channels, extent, extent], using: &rng), requiresGrad: true)
        let (f, bw) = medianForwardBackward(repeats: repeats, reset: { x.zeroGrad() }) {
            Variable.maxPool2d(x, kernelSize: 2)
        }
        print(String(format: "%-22@ forward %7.2f  backward %7.2f", name as NSString, f, bw))
    }
}

/// Median forward and backward times (ms) of `forward` over `repeats` runs after two warm-ups;
/// the backward pass is seeded with ones.
private func medianForwardBackward(repeats: Int, reset: () -> Void, _ forward: () -> Variable) -> (Double, Double) {
    var forwardTimes: [Double] = [], backwardTimes: [Double] = []
    for _ in 0..<(repeats + 2) {
        reset()
        let t0 = Date()
        let y = forward()
        let t1 = Date()
        y.backward(Tensor(shape: y.shape, repeating: 1))
        let t2 = Date()
        forwardTimes.append(t1.timeIntervalSince(t0) * 1000)
        backwardTimes.append(t2.timeIntervalSince(t1) * 1000)
    }
    return (forwardTimes.dropFirst(2).sorted()[repeats / 2], backwardTimes.dropFirst(2).sorted()[repeats / 2])
}
