import ArgumentParser
import Foundation
import Latent

/// `latent sample MODEL`: new images decoded from prior draws.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode codes drawn from a VAE's prior into new images (a PNG grid).",
        discussion: "Writes samples.png and metrics.json into --out. The same --seed gives the same images.")

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions

    @Option(help: "Number of images.")
    var count: Int = 64

    @Option(help: "Images per row of the grid.")
    var columns: Int = 8

    @Option(help: ArgumentHelp("Output folder (default: runs/sample-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
        if columns < 1 { throw ValidationError("--columns must be positive, got \(columns).") }
    }

    func run() throws {
        compute.apply()
        let vae = try LatentModelFile.load(model)
        let dir = try RunDirectory.make(out, name: "sample")
        var rng = RandomGenerator(seed: compute.seed)
        let images = vae.sample(count: count, using: &rng)
        try LatentModelFile.writeGrid(images, columns: columns, to: dir + "/samples.png")
        try LatentModelFile.writeMetrics(["command": "sample", "model": model, "count": count, "seed": compute.seed,
                                          "latent_size": vae.latentSize, "prior": vae.config.prior.rawValue], to: dir)
        print(summaryTable([("model", "\(model): \(vae.config.summary)"), ("samples", "\(count), seed \(compute.seed)"),
                            ("output", dir + "/samples.png")]))
    }
}
