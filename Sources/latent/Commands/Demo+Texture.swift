import Foundation
import Latent

/// Texture synthesis and style transfer with random multi-scale filters (no trained network),
/// on the small images shipped in Data/images.
struct TextureSection: DemoSection {
    let key = "texture", title = "Texture synthesis and style transfer (pixels optimised, weights random)"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let images = try EmbeddedData.imagesDirectory()
        // Sizes and steps keep the section near 20 s on 2 cores in a release build.
        var texture = TextureRequest(style: images + "/gravel.png")
        texture.size = context.quick ? 48 : 96
        texture.steps = context.quick ? 20 : 100
        texture.seed = context.seed
        texture.out = context.directory + "/\(key)/synthesis"
        let synthesis = try TextureExperiment.run(texture, log: context.log)

        var style = TextureRequest(style: images + "/rocket.jpg", content: images + "/chelsea.png")
        style.size = context.quick ? 48 : 128
        style.steps = context.quick ? 20 : 100
        style.styleWeight = TextureDemoDefaults.styleWeight
        style.seed = context.seed
        style.out = context.directory + "/\(key)/style"
        let transfer = try TextureExperiment.run(style, log: context.log)

        let s = synthesis.results, t = transfer.results
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("Gatys et al.'s texture synthesis and style transfer optimise the pixels of an image, not the weights of a network: the loss compares Gram matrices (correlations between feature maps) of the image with those of a style image, and for style transfer also the feature maps themselves with those of a content image. The features here come from random filters that were never trained (Ustyuzhaninov et al. 2016; He, Wang & Hopcroft 2016): \(s.network), applied to an image pyramid. The pixels are optimised with L-BFGS."),
            .keyValues([
                ("texture", "\(s.width)×\(s.height), \(s.steps) steps: style loss \(String(format: "%.3g → %.3g (%.0f× lower)", s.initialStyleLoss, s.finalStyleLoss, s.styleLossRatio)), \(formatDuration(s.seconds))"),
                ("style transfer", "\(t.width)×\(t.height), \(t.steps) steps, style weight \(style.styleWeight): style loss \(String(format: "%.3g → %.3g", t.initialStyleLoss, t.finalStyleLoss)), content loss \(String(format: "%.3g → %.3g", t.initialContentLoss ?? .nan, t.finalContentLoss ?? .nan)), \(formatDuration(t.seconds))"),
            ]),
            .image(path: "\(key)/synthesis/progress.png", caption: "Texture synthesis: the style image (gravel), the noise it starts from, the image as L-BFGS goes on, and the result", width: nil),
            .image(path: "\(key)/style/progress.png", caption: "Style transfer: the style (a rocket at night, a JPEG), the content (a cat), the start (the content), the image as it goes on, and the result", width: nil),
            .image(path: "\(key)/synthesis/loss.png", caption: "Style loss of the texture per step", width: nil),
        ])
        return (section, ["texture_style_loss_ratio": .value(Double(s.styleLossRatio)), "texture_seconds": .value(s.seconds),
                          "style_final_style_loss": .value(Double(t.finalStyleLoss)), "style_seconds": .value(t.seconds)])
    }
}

/// The style weight the tour's style transfer uses.
enum TextureDemoDefaults {
    static let styleWeight: Float = 1000
}
