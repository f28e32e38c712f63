import ArgumentParser
import Foundation
import Latent

/// `latent gan …`: using a trained GAN's generator.
struct GANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Sample from and interpolate with a trained GAN generator.",
        subcommands: [GANSample.self, GANInterpolate.self])
}

/// Flags shared by the GAN generator commands.
struct GANModelOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A GAN model file (model.safetensors or checkpoint.safetensors of `latent train gan`).", valueName: "model"))
    var model: String

    @Option(help: "Expected latent width; an error if the model's differs.")
    var latent: Int?

    /// Loads the model, checking `--latent` against it.
    func load() throws -> GAN {
        let gan = try GAN.load(path: model)
        if let latent, latent != gan.config.latentSize {
            throw CLIError("\(model): the generator takes \(gan.config.latentSize)-dimensional latent codes, --latent says \(latent)")
        }
        return gan
    }
}

/// `latent gan sample MODEL`: a grid of samples (and optionally the raw values as .npy).
struct GANSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw samples from a GAN generator into a PNG grid.",
        discussion: "Codes come from N(0, I) with --seed, or from --codes (an .npy of shape [n, latent]).")

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var modelOptions: GANModelOptions

    @Option(help: "How many samples.")
    var count: Int = 64

    @Option(help: "Images per row of the grid (default: square).")
    var columns: Int?

    @Option(help: ArgumentHelp("Generate from these latent codes (.npy, [n, latent]) instead of random ones.", valueName: "path"))
    var codes: String?

    @Option(help: ArgumentHelp("Output PNG.", valueName: "path"))
    var out: String = "samples.png"

    @Option(help: ArgumentHelp("Also write the samples as .npy (pixels in [0, 1]).", valueName: "path"))
    var npy: String?

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
        if let c = columns, c < 1 { throw ValidationError("--columns must be positive, got \(c).") }
    }

    func run() throws {
        compute.apply()
        let gan = try modelOptions.load()
        let z: Tensor
        if let codes {
            let t = try NPY.read(path: codes).tensor
            guard t.rank == 2, t.shape[1] == gan.config.latentSize else {
                throw CLIError("\(codes): codes of shape \(t.shape), the generator of \(modelOptions.model) takes [n, \(gan.config.latentSize)]")
            }
            z = t
        } else {
            var rng = RandomGenerator(seed: compute.seed)
            z = gan.generator.noise(count, using: &rng)
        }
        let images = GAN.toImages(try gan.generator.generate(z))
        let cols = columns ?? Int(Double(images.shape[0]).squareRoot().rounded(.up))
        try AtomicFile.write(ImageGrid(columns: cols, padding: 2, scale: 2).png(images), to: out)
        if let npy { try NPY.write(images, to: npy) }
        print(summaryTable([("model", "\(modelOptions.model): \(gan.summary)"),
                            ("samples", "\(images.shape[0])" + (codes == nil ? " (seed \(compute.seed))" : " (codes from \(codes!))")),
                            ("output", out + (npy.map { ", " + $0 } ?? ""))]))
    }
}

/// `latent gan interpolate MODEL`: rows of images along paths between random latent codes.
struct GANInterpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpolate",
        abstract: "Walk the latent space of a GAN generator between random codes.",
        discussion: """
            Each row goes from one random code to another in --steps steps. The default path is \
            spherical (slerp): under a Gaussian prior, straight-line midpoints have an atypically \
            small norm, which generators have rarely seen (White, 2016).
            """)

    enum Path: String, ExpressibleByArgument, CaseIterable { case linear, spherical }

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var modelOptions: GANModelOptions

    @Option(help: "Number of interpolations (rows).")
    var rows: Int = 8

    @Option(help: "Images per interpolation, including both ends.")
    var steps: Int = 10

    @Option(help: "Interpolation path: linear or spherical.")
    var path: Path = .spherical

    @Option(help: ArgumentHelp("Output PNG.", valueName: "path"))
    var out: String = "interpolation.png"

    func validate() throws {
        if rows < 1 { throw ValidationError("--rows must be positive, got \(rows).") }
        if steps < 2 { throw ValidationError("--steps must be at least 2, got \(steps).") }
    }

    func run() throws {
        compute.apply()
        let gan = try modelOptions.load()
        var rng = RandomGenerator(seed: compute.seed)
        let ends = gan.generator.noise(2 * rows, using: &rng).scalars
        let d = gan.config.latentSize
        var codes = [Float]()
        codes.reserveCapacity(rows * steps * d)
        for r in 0..<rows {
            let a = Array(ends[(2 * r) * d..<(2 * r + 1) * d]), b = Array(ends[(2 * r + 1) * d..<(2 * r + 2) * d])
            for s in 0..<steps {
                let t = Float(s) / Float(steps - 1)
                codes += path == .linear ? zip(a, b).map { $0 + t * ($1 - $0) } : slerp(a, b, t)
            }
        }
        let images = GAN.toImages(try gan.generator.generate(Tensor(shape: [rows * steps, d], scalars: codes)))
        try AtomicFile.write(ImageGrid(columns: steps, padding: 2, scale: 2).png(images), to: out)
        print(summaryTable([("model", "\(modelOptions.model): \(gan.summary)"),
                            ("interpolations", "\(rows) × \(steps) steps, \(path.rawValue) path (seed \(compute.seed))"),
                            ("output", out)]))
    }

    /// Spherical interpolation: constant angular speed along the great circle from a to b.
    func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let cosine = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / max(na * nb, 1e-12)
        let omega = acos(min(max(cosine, -1), 1))
        if omega < 1e-4 { return zip(a, b).map { $0 + t * ($1 - $0) } }
        let ka = sin((1 - t) * omega) / sin(omega), kb = sin(t * omega) / sin(omega)
        return zip(a, b).map { ka * $0 + kb * $1 }
    }
}
