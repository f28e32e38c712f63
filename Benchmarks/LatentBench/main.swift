import Latent

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "deep-ae": try runAutoencoderBenchmark(kind: .deep, arguments: Array(arguments.dropFirst()))
case "conv-ae": try runAutoencoderBenchmark(kind: .conv, arguments: Array(arguments.dropFirst()))
default: print("usage: LatentBench deep-ae|conv-ae [--epochs N] [--threads N] [--data DIR]")
}
