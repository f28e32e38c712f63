import ArgumentParser
import Foundation
import Latent

/// `latent sample MODEL`: new images generated from prior draws (or given codes) by a VAE's
/// decoder or a GAN's generator.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate new images from a VAE, a GAN or an RBM (a PNG grid).",
        discussion: """
            Codes come from the model's prior with --seed (N(0, I), or a VAE's learned mixture), or \
            from --codes (an .npy of shape [n, latent]). Writes samples.png, metrics.json and, with \
            --npy, samples.npy (pixels in [0, 1]) into --out. The same --seed gives the same images. \
            An RBM's samples are Gibbs chains started from random images (--gibbs-steps steps).
            """)

    @Argument(help: ArgumentHelp("A model.safetensors (or checkpoint) written by `latent train vae` or `latent train gan`.",
                                 valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions

    @Option(help: "Number of images (ignored with --codes).")
    var count: Int = 64

    @Option(help: "Images per row of the grid (default: 8, or the square root of the count for --codes).")
    var columns: Int?

    @Option(help: ArgumentHelp("Generate from these latent codes (.npy, [n, latent]) instead of prior draws.", valueName: "path"))
    var codes: String?

    @Option(help: "Expected latent width; an error if the model's differs.")
    var latent: Int?

    @Option(help: "With an RBM: Gibbs steps of each chain.")
    var gibbsSteps: Int = 1000

    @Flag(help: "Also write the images as samples.npy.")
    var npy = false

    @Option(help: ArgumentHelp("Output folder (default: sample-<time> beside the model).", valueName: "dir"))
    var out: String?

    func validate() throws {
        try FlagBounds.check("--count", count, in: FlagBounds.images)
        try FlagBounds.check("--columns", columns, in: 1...InputLimits.gridColumns)
        try FlagBounds.check("--latent", latent, in: FlagBounds.width)
        try FlagBounds.check("--gibbs-steps", gibbsSteps, in: 1...1_000_000)
    }

    func run() throws {
        compute.apply()
        let report = try SampleExperiment.run(SampleRequest(model: model, count: count, columns: columns, codes: codes,
                                                            latent: latent, npy: npy, seed: compute.seed, out: out, gibbsSteps: gibbsSteps))
        print(summaryTable(report.summary))
    }
}
