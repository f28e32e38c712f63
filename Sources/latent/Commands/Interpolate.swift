import ArgumentParser
import Foundation
import Latent

/// `latent interpolate MODEL`: walks through latent space, between the codes of two images (a
/// VAE) or between random codes (a GAN, which has no encoder).
struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode straight and spherical paths through latent space (a PNG strip).",
        discussion: """
            A VAE walks between the codes of two images: --from and --to take a test-image index or a \
            PNG file of the model's size, and the strip shows the two originals at its ends. A GAN has \
            no encoder, so it walks between --pairs pairs of random codes (--seed). Each walk is drawn \
            twice: row "linear" along the straight line, row "spherical" along the great circle, which \
            keeps the codes at the prior's typical norm. Writes interpolation.png and metrics.json (code \
            norms along each path) into --out.
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae` or `latent train gan`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("VAE: first image, a test-image index or a PNG file (default 0).", valueName: "index|png"))
    var from: String?

    @Option(help: ArgumentHelp("VAE: second image, a test-image index or a PNG file (default 1).", valueName: "index|png"))
    var to: String?

    @Option(help: "GAN: number of random code pairs to walk between (default 4).")
    var pairs: Int?

    @Option(help: "Decoded points along each path, ends included.")
    var steps: Int = 10

    @Option(help: ArgumentHelp("Output folder (default: runs/interpolate-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if steps < 2 { throw ValidationError("--steps must be at least 2, got \(steps).") }
        if let pairs, pairs < 1 { throw ValidationError("--pairs must be positive, got \(pairs).") }
    }

    func run() throws {
        compute.apply()
        let (generator, summary) = try LatentModelFile.loadGenerator(model)
        if let vae = generator as? VAE {
            if pairs != nil { throw CLIError("--pairs is for a GAN; a VAE walks between the images --from and --to") }
            try interpolate(vae, summary: summary)
        } else {
            if from != nil || to != nil {
                throw CLIError("\(model): a GAN has no encoder, so --from/--to cannot be used; it walks between --pairs random codes")
            }
            try interpolate(generator, summary: summary)
        }
    }

    /// Code norms at each step of `path` (`[steps, D]`).
    private func norms(_ path: Tensor) -> [Double] {
        let d = path.shape[1]
        return (0..<path.shape[0]).map { s in (0..<d).reduce(0.0) { $0 + Double(path.scalars[s * d + $1]) * Double(path.scalars[s * d + $1]) }.squareRoot() }
    }

    private func interpolate(_ vae: VAE, summary: String) throws {
        let (_, test, _) = try dataOptions.load()
        try LatentModelFile.check(test, fits: vae, path: model)
        let (a, aName) = try LatentModelFile.image(from ?? "0", flag: "--from", data: test, model: vae)
        let (b, bName) = try LatentModelFile.image(to ?? "1", flag: "--to", data: test, model: vae)
        let codes = vae.encode(Tensor.concat([a, b], axis: 0))
        let d = vae.latentSize
        let za = Array(codes.scalars[0..<d]), zb = Array(codes.scalars[d..<(2 * d)])
        var rows: [Tensor] = [], pathNorms: [String: [Double]] = [:]
        for kind in LatentInterpolation.allCases {
            let path = kind.path(from: za, to: zb, steps: steps)
            pathNorms[kind.rawValue] = norms(path)
            rows += [a, vae.decode(path), b]
        }
        let dir = try RunDirectory.make(out, name: "interpolate")
        try LatentModelFile.writeGrid(Tensor.concat(rows, axis: 0), columns: steps + 2, rowLabels: LatentInterpolation.allCases.map(\.rawValue),
                                      to: dir + "/interpolation.png")
        try LatentModelFile.writeMetrics(["command": "interpolate", "model": model, "from": aName, "to": bName, "steps": steps,
                                          "code_norms": pathNorms], to: dir)
        let middle = steps / 2
        print(summaryTable([("model", "\(model): \(summary)"), ("from", aName), ("to", bName),
                            ("mid-path |z|", String(format: "linear %.2f, spherical %.2f (ends %.2f and %.2f)", pathNorms["linear"]![middle],
                                                    pathNorms["spherical"]![middle], pathNorms["linear"]![0], pathNorms["linear"]![steps - 1])),
                            ("output", dir + "/interpolation.png")]))
    }

    private func interpolate(_ generator: any LatentGenerator, summary: String) throws {
        let pairs = pairs ?? 4
        var rng = RandomGenerator(seed: compute.seed)
        let ends = generator.samplePrior(count: 2 * pairs, using: &rng).scalars
        let d = generator.latentSize
        var rows: [Tensor] = [], labels: [String] = [], pathNorms: [String: [[Double]]] = [:]
        for p in 0..<pairs {
            let za = Array(ends[(2 * p) * d..<(2 * p + 1) * d]), zb = Array(ends[(2 * p + 1) * d..<(2 * p + 2) * d])
            for kind in LatentInterpolation.allCases {
                let path = kind.path(from: za, to: zb, steps: steps)
                pathNorms[kind.rawValue, default: []].append(norms(path))
                rows.append(generator.decode(path))
                labels.append(kind.rawValue)
            }
        }
        let dir = try RunDirectory.make(out, name: "interpolate")
        try LatentModelFile.writeGrid(Tensor.concat(rows, axis: 0), columns: steps, rowLabels: labels, to: dir + "/interpolation.png")
        try LatentModelFile.writeMetrics(["command": "interpolate", "model": model, "pairs": pairs, "seed": compute.seed,
                                          "steps": steps, "code_norms": pathNorms], to: dir)
        let middle = steps / 2
        let mean = { (kind: String, s: Int) in (pathNorms[kind] ?? []).reduce(0) { $0 + $1[s] } / Double(pairs) }
        print(summaryTable([("model", "\(model): \(summary)"), ("walks", "\(pairs) random pairs (seed \(compute.seed)), \(steps) steps"),
                            ("mid-path |z|", String(format: "linear %.2f, spherical %.2f (ends %.2f), means over pairs",
                                                    mean("linear", middle), mean("spherical", middle), mean("linear", 0))),
                            ("output", dir + "/interpolation.png")]))
    }
}
