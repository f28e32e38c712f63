import ArgumentParser
import Foundation
import Latent

/// `texture`: the texture workload of BENCHMARKS.md. Writes the random multi-scale network's
/// weights and the style, content and test images into --dir (for
/// `Benchmarks/peers/texture_torch.py`, which loads the same files), prints the style and
/// content losses of the test image, then times optimisation steps over the pixels (forward
/// through the network, style and content losses, backward to the pixels, the optimiser's
/// update): Adam steps, and L-BFGS steps with their evaluations counted.
struct TextureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "texture",
        abstract: "Time per pixel-optimisation step of texture synthesis (random multi-scale filters); losses for the PyTorch peer.")

    @OptionGroup var threads: ThreadsOption

    @Option(help: "Image side in pixels.")
    var size = 256

    @Option(help: "Timed rounds; the median is reported.")
    var repeats = 5

    @Option(help: "Adam steps per timed round.")
    var steps = 10

    @Option(help: "L-BFGS steps per timed round (0: skip L-BFGS).")
    var lbfgsSteps = 5

    @Option(help: ArgumentHelp("Style image.", valueName: "path"))
    var style = "../shared/data/images/gravel.png"

    @Option(help: ArgumentHelp("Content image.", valueName: "path"))
    var content = "../shared/data/images/chelsea.png"

    @Option(help: ArgumentHelp("Filters per scale of the random network.", valueName: "c,c,…"))
    var channels = "64,64,64,64,64"

    @Option(help: "Filter side of the random network.")
    var kernel = 3

    @Option(help: "Seed of the network and the test image.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Folder for network.safetensors, style.npy, content.npy, image.npy and latent.json.", valueName: "dir"))
    var dir = "/tmp/latent-texture-bench"

    func validate() throws {
        try require(size, in: 16...2048, "--size")
        try require(repeats, atLeast: 1, "--repeats")
        try require(steps, atLeast: 1, "--steps")
        try require(lbfgsSteps, atLeast: 0, "--lbfgs-steps")
    }

    func run() throws {
        Threads.set(threads.threads)
        print("latent texture: \(threads.threads) threads, \(loadLine())")
        let loadBefore = loadAverage()
        let widths = channels.split(separator: ",").compactMap { Int($0) }
        let network = try RandomFeatureNetwork(RandomFeatureNetwork.Config(channels: widths, kernelSize: kernel, seed: seed))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try network.save(to: dir + "/network.safetensors")
        func square(_ path: String) throws -> Tensor {
            // Centre crop to a square, then resize: the benchmark's images are size × size.
            let image = try ColorImage.read(path)
            let side = Swift.min(image.width, image.height)
            let x0 = (image.width - side) / 2, y0 = (image.height - side) / 2
            let crop = image.pixels.slice(axis: 1, y0..<(y0 + side)).slice(axis: 2, x0..<(x0 + side))
            return ColorImage(pixels: crop).resized(width: size, height: size).pixels.reshaped([1, 3, size, size])
        }
        let styleImage = try square(style), contentImage = try square(content)
        var rng = RandomGenerator(seed: seed ^ 0x7e47)
        let testImage = Tensor.uniform([1, 3, size, size], low: 0.25, high: 0.75, using: &rng)
        try NPY.write(styleImage, to: dir + "/style.npy")
        try NPY.write(contentImage, to: dir + "/content.npy")
        try NPY.write(testImage, to: dir + "/image.npy")
        let layers = Array(0..<network.layerNames.count)
        let objective = TextureObjective(network: network, style: styleImage, styleLayers: layers, content: contentImage,
                                         contentLayer: network.defaultContentLayer)
        let terms = withoutGradients { objective.evaluate(Variable(testImage)) }
        print(String(format: "network: %@; %d×%d; style loss %.8g, content loss %.8g (layer %d)", network.summary, size, size,
                     terms.style, terms.content, network.defaultContentLayer))

        // Warm-up, then timed rounds of Adam steps and of L-BFGS steps.
        _ = try PixelOptimization(objective: objective, start: testImage).run(steps: 2, optimizer: .adam)
        var adamMs: [Double] = [], lbfgsMs: [Double] = [], evaluationMs: [Double] = []
        var firstStyle: Float = .nan, lastStyle: Float = .nan
        for _ in 0..<repeats {
            let optimization = PixelOptimization(objective: objective, start: testImage)
            var curve: [PixelStep] = []
            let t = try timed { curve = try optimization.run(steps: steps, optimizer: .adam) }
            adamMs.append(t / Double(steps) * 1000)
            (firstStyle, lastStyle) = (curve.first?.style ?? .nan, curve.last?.style ?? .nan)
            if lbfgsSteps > 0 {
                let lbfgs = PixelOptimization(objective: objective, start: testImage)
                var records: [PixelStep] = []
                let tl = try timed { records = try lbfgs.run(steps: lbfgsSteps, optimizer: .lbfgs) }
                lbfgsMs.append(tl / Double(records.count) * 1000)
                evaluationMs.append(tl / Double(records.reduce(0) { $0 + $1.evaluations }) * 1000)
            }
        }
        let adam = Stats(adamMs)
        print(String(format: "adam: %.1f ms/step (median of %d rounds of %d steps; min %.1f, max %.1f); style loss %.4g → %.4g over a round",
                     adam.median, repeats, steps, adam.min, adam.max, firstStyle, lastStyle))
        var result: [String: Any] = [
            "impl": "latent", "workload": "texture", "size": size, "threads": threads.threads,
            "style_loss": Double(terms.style), "content_loss": Double(terms.content),
            "content_layer": network.defaultContentLayer, "adam_ms_per_step": adam.median, "adam_ms": adamMs,
            "loadBefore": loadBefore, "loadAfter": loadAverage(),
        ]
        if !lbfgsMs.isEmpty {
            let l = Stats(lbfgsMs), e = Stats(evaluationMs)
            print(String(format: "lbfgs: %.1f ms/step, %.1f ms/evaluation (median of %d rounds of %d steps)", l.median, e.median,
                         repeats, lbfgsSteps))
            result["lbfgs_ms_per_step"] = l.median
            result["lbfgs_ms_per_evaluation"] = e.median
        }
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: dir + "/latent.json"))
        print("RESULT " + String(decoding: json, as: UTF8.self))
    }
}
