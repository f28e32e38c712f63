import ArgumentParser
import Foundation
import Latent

/// `latent style --content IMG --style IMG`: the content image repainted with the style image's
/// texture (Gatys et al. 2016), by optimising pixels.
struct Style: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Style transfer: repaint a content image with a style image's texture.",
        discussion: """
            Minimises style-weight × style loss (Gram matrices of a convolutional network's maps) + \
            content-weight × content loss (squared feature differences at one layer) + tv-weight × \
            total variation over the pixels, starting from the content image (or noise). Both images \
            are resized so their longest side is --size. Same network, optimiser and outputs as \
            `latent texture`.
            """)

    @Option(help: ArgumentHelp("The picture whose layout is kept (PNG or JPEG).", valueName: "image"))
    var content: String

    @Option(help: ArgumentHelp("The picture whose texture is applied (PNG or JPEG).", valueName: "image"))
    var style: String

    @Option(help: "Weight of the style loss.")
    var styleWeight: Float = 1

    @Option(help: "Weight of the content loss.")
    var contentWeight: Float = 1

    @Option(help: ArgumentHelp("The feature layer the content loss compares (default: the network's middle scale, or a model's last convolution).", valueName: "i"))
    var contentLayer: Int?

    @Option(name: .customLong("init"), help: "Start from the content image or from noise.")
    var start: TextureStart = .content

    @OptionGroup var options: TextureOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        compute.apply()
        var request = TextureRequest(style: style, content: content)
        options.fill(&request, seed: compute.seed)
        request.styleWeight = styleWeight
        request.contentWeight = contentWeight
        request.contentLayer = contentLayer
        request.start = start
        let report = try TextureExperiment.run(request, log: ProgressLine(quiet: options.quiet).log)
        print(summaryTable(report.summary))
    }
}
