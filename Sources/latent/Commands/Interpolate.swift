import ArgumentParser
import Foundation
import Latent

/// `latent interpolate MODEL`: walks through latent space, between the codes of two images (an
/// autoencoder or a VAE) or between random codes (a GAN, which has no encoder).
struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode straight and spherical paths through latent space (a PNG strip).",
        discussion: """
            An autoencoder or a VAE walks between the codes of two images: --from and --to take a \
            test-image index or a PNG file of the model's size, and the strip shows the two originals \
            at its ends. A GAN has no encoder, so it walks between --pairs pairs of random codes \
            (--seed). Each walk is drawn twice: row "linear" along the straight line, row "spherical" \
            along the great circle, which keeps the codes at the prior's typical norm. Writes \
            interpolation.png and metrics.json (code norms along each path) into --out.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train autoencoder`, `vae` or `gan`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("Autoencoder or VAE: first image, a test-image index or a PNG file (default: 0).", valueName: "index|png"))
    var from: String?

    @Option(help: ArgumentHelp("Autoencoder or VAE: second image, a test-image index or a PNG file (default: 1).", valueName: "index|png"))
    var to: String?

    @Option(help: "GAN: number of random code pairs to walk between (default: 4).")
    var pairs: Int?

    @Option(help: "Decoded points along each path, ends included.")
    var steps: Int = 10

    @Option(help: ArgumentHelp("Output folder (default: interpolate-<time> beside the model).", valueName: "dir"))
    var out: String?

    func validate() throws {
        try FlagBounds.check("--steps", steps, in: 2...1000)
        try FlagBounds.check("--pairs", pairs, in: 1...100)
        if let pairs, pairs * steps > InputLimits.generatedImages {
            throw ValidationError("--pairs × --steps is \(pairs * steps) images; at most \(InputLimits.generatedImages).")
        }
    }

    func run() throws {
        compute.apply()
        let report = try InterpolationExperiment.run(InterpolationRequest(
            model: model, data: dataOptions.source, from: from, to: to, pairs: pairs, steps: steps, seed: compute.seed, out: out))
        print(summaryTable(report.summary))
    }
}
