import ArgumentParser
import Foundation
import Latent

/// `latent interpolate MODEL --from A --to B`: a walk through latent space between two images.
struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a straight and a spherical path between the codes of two images (a PNG strip).",
        discussion: """
            --from and --to take a test-image index or a PNG file of the model's size. Writes \
            interpolation.png (row 1 linear, row 2 spherical, the two originals at the ends) and \
            metrics.json with the code norms along each path.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("First image: a test-image index or a PNG file.", valueName: "index|png"))
    var from: String = "0"

    @Option(help: ArgumentHelp("Second image: a test-image index or a PNG file.", valueName: "index|png"))
    var to: String = "1"

    @Option(help: "Decoded points along each path, ends included.")
    var steps: Int = 10

    @Option(help: ArgumentHelp("Output folder (default: runs/interpolate-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if steps < 2 { throw ValidationError("--steps must be at least 2, got \(steps).") }
    }

    func run() throws {
        compute.apply()
        let vae = try LatentModelFile.load(model)
        let (_, test, _) = try dataOptions.load()
        try LatentModelFile.check(test, fits: vae, path: model)
        let (a, aName) = try LatentModelFile.image(from, flag: "--from", data: test, model: vae)
        let (b, bName) = try LatentModelFile.image(to, flag: "--to", data: test, model: vae)
        let codes = vae.encode(Tensor.concat([a, b], axis: 0))
        let d = vae.latentSize
        let za = Array(codes.scalars[0..<d]), zb = Array(codes.scalars[d..<(2 * d)])
        var rows: [Tensor] = [], norms: [String: [Double]] = [:]
        for kind in LatentInterpolation.allCases {
            let path = kind.path(from: za, to: zb, steps: steps)
            norms[kind.rawValue] = (0..<steps).map { s in (0..<d).reduce(0.0) { $0 + Double(path.scalars[s * d + $1]) * Double(path.scalars[s * d + $1]) }.squareRoot() }
            rows += [a, vae.decode(path), b]
        }
        let dir = try RunDirectory.make(out, name: "interpolate")
        try LatentModelFile.writeGrid(Tensor.concat(rows, axis: 0), columns: steps + 2, rowLabels: LatentInterpolation.allCases.map(\.rawValue),
                                      to: dir + "/interpolation.png")
        try LatentModelFile.writeMetrics(["command": "interpolate", "model": model, "from": aName, "to": bName, "steps": steps,
                                          "code_norms": norms], to: dir)
        let middle = steps / 2
        print(summaryTable([("model", "\(model): \(vae.config.summary)"), ("from", aName), ("to", bName),
                            ("mid-path |z|", String(format: "linear %.2f, spherical %.2f (ends %.2f and %.2f)", norms["linear"]![middle],
                                                    norms["spherical"]![middle], norms["linear"]![0], norms["linear"]![steps - 1])),
                            ("output", dir + "/interpolation.png")]))
    }
}
