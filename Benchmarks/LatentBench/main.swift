// LatentBench: the standard workloads of ../shared/BENCHMARKS.md, run through Latent's public API.
//
//   swift run -c release LatentBench <workload> [--threads N] [--repeats R] [--data DIR] [...]
//
// Workloads: gemm, mlp, train-step. Each prints human-readable lines and ends with one
// `RESULT {json}` line for scripts (scripts/bench.sh reads it). Benchmarks print figures; they
// never fail on speed.

import Foundation
import Latent

/// Command-line settings shared by the workloads; each workload reads what it needs.
struct Options {
    var workload = ""
    var threads = 2
    /// Number of timed repeats; nil means the workload's own default.
    var repeats: Int?
    var data = "../shared/data/mnist"
    /// mlp: epochs to train.
    var epochs = 5
    /// train-step: timed steps per repeat.
    var steps = 20
    /// train-step: batch size.
    var batch = 256
    /// gemm: matrix sizes.
    var sizes = [512, 1024, 2048]
    var seed: UInt64 = 1
    /// train-step: run the steps only (no reference GEMMs), for profilers.
    var profile = false
    /// deep-ae / conv-ae: reconstruction loss, schedule and initialisation.
    var loss = "mse"
    var schedule = "constant"
    var initializer = "pytorch-default"

    static let usage = """
        usage: LatentBench <workload> [options]

        workloads:
          gemm        float32 square sgemm (n = 512, 1024, 2048) through Tensor.matmul and raw gemm: GFLOP/s
          mlp         784-256-10 classifier, Adam 1e-3, batch 128, on MNIST through Classifier + Trainer:
                      s/epoch and test accuracy
          deep-ae     the deep autoencoder of BENCHMARKS.md through AutoencoderTraining: s/epoch, test
                      squared error per image, and PCA with 30 components on the same metric
          conv-ae     the convolutional autoencoder of BENCHMARKS.md: s/epoch, test squared error
          vae, dcgan, pca, tsne-10k, tsne-70k, affinity, w2v
                      the model workloads; each takes its own flags (see Benchmarks/README.md)
          train-step  one training step of the deep autoencoder 784-1000-500-250-30-250-500-1000-784
                      (batch 256): GFLOP/s of the step and its ratio to sgemm on the same shapes

        options:
          --threads N    threads for Latent and OpenBLAS (default 2)
          --repeats R    timed repeats (default: gemm 7, mlp = epochs, train-step 7)
          --data DIR     MNIST directory (default ../shared/data/mnist)
          --epochs E     mlp: epochs (default 5)
          --steps S      train-step: steps per repeat (default 20)
          --batch B      train-step: batch size (default 256)
          --sizes a,b,c  gemm: sizes (default 512,1024,2048)
          --seed S       seed (default 1)
          --profile      train-step: time the steps only, no reference GEMMs (for perf/callgrind)
          --loss L       deep-ae/conv-ae: mse (default) or bce
          --schedule S   deep-ae/conv-ae: constant (default) or cosine
          --initializer I  deep-ae/conv-ae: pytorch-default (default), he-uniform, …
        """

    /// Parses `arguments` (without the program name); returns an error message on bad input.
    static func parse(_ arguments: [String]) -> Result<Options, BenchError> {
        var o = Options()
        var rest = arguments[...]
        guard let first = rest.popFirst(), !first.hasPrefix("-") else { return .failure(BenchError(usage)) }
        o.workload = first
        func int(_ flag: String, _ text: String?) -> Result<Int, BenchError> {
            guard let text, let v = Int(text), v > 0 else {
                return .failure(BenchError("\(flag) needs a positive integer, got '\(text ?? "")'"))
            }
            return .success(v)
        }
        while let flag = rest.popFirst() {
            if flag == "--profile" {
                o.profile = true
                continue
            }
            let value = rest.popFirst()
            do {
                switch flag {
                case "--threads": o.threads = try int(flag, value).get()
                case "--repeats": o.repeats = try int(flag, value).get()
                case "--epochs":
                    // deep-ae accepts 0: the PCA baseline alone.
                    if value == "0" { o.epochs = 0 } else { o.epochs = try int(flag, value).get() }
                case "--steps": o.steps = try int(flag, value).get()
                case "--batch": o.batch = try int(flag, value).get()
                case "--seed": o.seed = UInt64(try int(flag, value).get())
                case "--loss", "--schedule", "--initializer":
                    guard let value else { return .failure(BenchError("\(flag) needs a value")) }
                    if flag == "--loss" { o.loss = value } else if flag == "--schedule" { o.schedule = value } else { o.initializer = value }
                case "--data":
                    guard let value else { return .failure(BenchError("--data needs a directory")) }
                    o.data = value
                case "--sizes":
                    let parts = (value ?? "").split(separator: ",").map { Int($0) }
                    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
                        return .failure(BenchError("--sizes needs positive integers separated by commas, got '\(value ?? "")'"))
                    }
                    o.sizes = parts.map { $0! }
                default:
                    return .failure(BenchError("unknown option '\(flag)'\n\n\(usage)"))
                }
            } catch {
                return .failure(error)
            }
        }
        return .success(o)
    }
}

/// A message for the user; the program prints it and exits non-zero.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Workloads added by the model issues parse their own flags.
func ownFlagWorkload(_ name: String) -> (([String]) throws -> Void)? {
    switch name {
    case "vae": runVAEBenchmark
    case "dcgan": runDCGANBenchmark
    case "pca": runPCABenchmark
    case "tsne-10k": runTSNE10kBenchmark
    case "tsne-70k": runTSNE70kBenchmark
    case "affinity": runAffinityBenchmark
    case "w2v": runW2VBenchmark
    case "conv-layers": runConvLayerBenchmark
    default: nil
    }
}

func runBench() -> Int32 {
    let all = Array(CommandLine.arguments.dropFirst())
    if let name = all.first, let workload = ownFlagWorkload(name) {
        do {
            try workload(Array(all.dropFirst()))
            return 0
        } catch {
            FileHandle.standardError.write(Data("LatentBench: \(error)\n".utf8))
            return 1
        }
    }
    let options: Options
    switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
    case .success(let o): options = o
    case .failure(let e):
        FileHandle.standardError.write(Data("LatentBench: \(e)\n".utf8))
        return 2
    }
    Threads.set(options.threads)
    print("LatentBench \(options.workload): \(options.threads) threads, \(loadLine())")
    do {
        switch options.workload {
        case "gemm": try GemmBench.run(options)
        case "mlp": try MLPBench.run(options)
        case "train-step": try TrainStepBench.run(options)
        case "deep-ae": try AutoencoderBench.run(options, kind: .deep)
        case "conv-ae": try AutoencoderBench.run(options, kind: .conv)
        case "-h", "--help", "help":
            print(Options.usage)
        default:
            throw BenchError("unknown workload '\(options.workload)'\n\n\(Options.usage)")
        }
    } catch {
        FileHandle.standardError.write(Data("LatentBench: \(error)\n".utf8))
        return 1
    }
    return 0
}

BLASEnvironment.prepare()
exit(runBench())
