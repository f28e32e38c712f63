import ArgumentParser
import Foundation
import Latent

/// `latent sample MODEL`: new images generated from prior draws (or given codes) by a VAE's
/// decoder or a GAN's generator.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate new images from a VAE or a GAN (a PNG grid).",
        discussion: """
            Codes come from the model's prior with --seed (N(0, I), or a VAE's learned mixture), or \
            from --codes (an .npy of shape [n, latent]). Writes samples.png, metrics.json and, with \
            --npy, samples.npy (pixels in [0, 1]) into --out. The same --seed gives the same images.
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

    @Flag(help: "Also write the images as samples.npy.")
    var npy = false

    @Option(help: ArgumentHelp("Output folder (default: runs/sample-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
        if let c = columns, c < 1 { throw ValidationError("--columns must be positive, got \(c).") }
    }

    func run() throws {
        compute.apply()
        let (generator, summary) = try LatentModelFile.loadGenerator(model)
        try LatentModelFile.check(latent: latent, of: generator, path: model)
        let z: Tensor
        if let codes {
            z = try LatentModelFile.codes(codes, for: generator, modelPath: model)
        } else {
            var rng = RandomGenerator(seed: compute.seed)
            z = generator.samplePrior(count: count, using: &rng)
        }
        let images = generator.decodeInBatches(z)
        let n = images.shape[0]
        let dir = try RunDirectory.make(out, name: "sample")
        try LatentModelFile.writeGrid(images, columns: columns ?? (codes == nil ? 8 : Int(Double(n).squareRoot().rounded(.up))),
                                      to: dir + "/samples.png")
        if npy { try NPY.write(images, to: dir + "/samples.npy") }
        var metrics: [String: Any] = ["command": "sample", "model": model, "count": n, "latent_size": generator.latentSize]
        if let codes { metrics["codes"] = codes } else { metrics["seed"] = compute.seed }
        try LatentModelFile.writeMetrics(metrics, to: dir)
        print(summaryTable([("model", "\(model): \(summary)"),
                            ("samples", "\(n)" + (codes.map { ", codes from \($0)" } ?? ", seed \(compute.seed)")),
                            ("output", dir + "/samples.png" + (npy ? ", samples.npy" : ""))]))
    }
}
