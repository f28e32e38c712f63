import ArgumentParser
import Foundation
import Latent

extension PixelOptimizer: ExpressibleByArgument {}
extension TextureStart: ExpressibleByArgument {}

/// `latent texture --style IMG`: a new image with the style image's texture (Gram matrices of
/// a convolutional network's features), optimised from noise.
struct Texture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesise a texture like a style image by optimising pixels (Gram-matrix loss).",
        discussion: """
            Matches the Gram matrices of a convolutional network's feature maps (Gatys et al. 2015), \
            optimising the pixels with L-BFGS or Adam. The default network is random multi-scale \
            filters drawn from --seed (no downloaded weights); --network MODEL uses the convolutional \
            layers of a Latent model file instead. The style image (PNG or JPEG, colour or grey) is \
            resized so its longest side is --size; the texture is --size × --size. Writes image.png, \
            progress.png, loss.png, metrics.json (and network.safetensors for random filters) into --out.
            """)

    @Option(help: ArgumentHelp("The texture to imitate (PNG or JPEG).", valueName: "image"))
    var style: String

    @OptionGroup var options: TextureOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        compute.apply()
        var request = TextureRequest(style: style)
        options.fill(&request, seed: compute.seed)
        let report = try TextureExperiment.run(request, log: ProgressLine(quiet: options.quiet).log)
        print(summaryTable(report.summary))
    }
}

/// The flags `latent texture` and `latent style` share.
struct TextureOptions: ParsableArguments {
    @Option(help: "Longest side of the images, in pixels (the texture is size × size).")
    var size: Int = 256

    @Option(help: "Optimisation steps (an L-BFGS step may evaluate the loss several times).")
    var steps: Int = 100

    @Option(help: "lbfgs or adam.")
    var optimizer: PixelOptimizer = .lbfgs

    @Option(help: "Adam's step size (in logit units of the pixels).")
    var lr: Float = 0.1

    @Option(help: ArgumentHelp("random (random multi-scale filters from --seed) or a model file with convolutional layers.", valueName: "network"))
    var network: String = "random"

    @Option(help: ArgumentHelp("Feature layers whose Gram matrices are matched, by index (default: all).", valueName: "i,j,…"))
    var layers: ListArgument<Int>?

    @Option(help: "Weight of the total-variation smoothness term.")
    var tvWeight: Float = 0

    @Option(help: ArgumentHelp("Output folder (default: runs/<command>-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func fill(_ request: inout TextureRequest, seed: UInt64) {
        request.size = size
        request.steps = steps
        request.optimizer = optimizer
        request.learningRate = lr
        request.network = network
        request.styleLayers = layers?.values
        request.tvWeight = tvWeight
        request.seed = seed
        request.out = out
    }
}
