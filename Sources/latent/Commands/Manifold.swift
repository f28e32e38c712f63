import ArgumentParser
import Foundation
import Latent

/// `latent manifold MODEL`: the decoded grid over two latent dimensions and the codes of the test set.
struct Manifold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a grid over the prior's quantiles of two latent dimensions; plot the test codes by label.",
        discussion: """
            Writes manifold.png (a --grid × --grid picture: dimension x left to right, y bottom \
            to top, every other dimension at the prior's median), codes.png (the test images' codes \
            coloured by digit: the chosen dimensions, the codes themselves for a 2-d model, or \
            their two principal axes) and metrics.json. A model with more than two latent \
            dimensions needs --dims for the grid (or --no-grid for the scatter alone).
            """)

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("The two latent dimensions of the grid, e.g. 0,1.", valueName: "x,y"))
    var dims: String?

    @Option(help: "Images per side of the grid.")
    var grid: Int = 20

    @Option(help: "Central probability mass of the prior the grid spans along each axis (0.9: its 5–95 % quantiles).")
    var coverage: Double = 0.9

    @Option(help: "Pixels per image pixel in manifold.png.")
    var scale: Int = 1

    @Option(help: ArgumentHelp("""
        A classifier model.safetensors: reads each grid image and counts, per class, the cells it \
        recognises with at least 90 % probability (which digits the manifold shows).
        """, valueName: "path"))
    var classifier: String?

    @Flag(help: "Only the scatter of codes (any latent size).")
    var noGrid = false

    @Option(help: ArgumentHelp("Output folder (default: runs/manifold-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if grid < 2 { throw ValidationError("--grid must be at least 2, got \(grid).") }
        if !(coverage > 0 && coverage < 1) { throw ValidationError("--coverage must be inside (0, 1), got \(coverage).") }
        if scale < 1 || scale > 8 { throw ValidationError("--scale must be between 1 and 8, got \(scale).") }
        if dims != nil && dimensions() == nil { throw ValidationError("--dims must be two different latent dimensions like 0,1, got '\(dims!)'.") }
    }

    func dimensions() -> (Int, Int)? {
        guard let dims else { return nil }
        let parts = dims.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let x = parts[0], let y = parts[1], x != y else { return nil }
        return (x, y)
    }

    func run() throws {
        compute.apply()
        let vae = try LatentModelFile.load(model)
        let chosen = dimensions()
        var gridCodes: Tensor?
        if !noGrid {
            let result = Result { () throws(LatentSpaceError) -> Tensor in try LatentGrid.codes(vae, dimensions: chosen, size: grid, levels: (0.5 - coverage / 2)...(0.5 + coverage / 2)) }
            switch result {
            case .success(let codes): gridCodes = codes
            case .failure(.dimensionsRequired(let d)):
                throw CLIError("\(model): \(LatentSpaceError.dimensionsRequired(latentSize: d).description): choose them with --dims (e.g. --dims 0,1), or pass --no-grid for the scatter of codes alone")
            case .failure(let error): throw CLIError("\(model): \(error.description)")
            }
        }
        let (_, test, _) = try dataOptions.load()
        try LatentModelFile.check(test, fits: vae, path: model)
        let judge = try classifier.map { try LatentModelFile.classifier($0, for: vae) }
        let dir = try RunDirectory.make(out, name: "manifold")
        var recognised: [String: Int]?
        if let gridCodes {
            let images = vae.decodeInBatches(gridCodes)
            try LatentModelFile.writeGrid(images, columns: grid, padding: 0, scale: scale, to: dir + "/manifold.png")
            if let judge { recognised = Self.confidentCells(judge.probabilities(images), threshold: 0.9) }
        }
        let codes = vae.encodeInBatches(test.inputs)
        // How spread the codes are: with β = 0 nothing pulls them toward N(0, I), and they drift far out.
        let d = vae.latentSize, n = max(test.count, 1), p = codes.scalars
        let meanNorm = (0..<n).reduce(0.0) { s, i in s + (0..<d).reduce(0.0) { $0 + Double(p[i * d + $1]) * Double(p[i * d + $1]) }.squareRoot() } / Double(n)
        let variances = (0..<d).map { j -> Double in
            let mean = (0..<n).reduce(0.0) { $0 + Double(p[$1 * d + j]) } / Double(n)
            return (0..<n).reduce(0.0) { $0 + (Double(p[$1 * d + j]) - mean) * (Double(p[$1 * d + j]) - mean) } / Double(n)
        }
        let (points, axes) = try LatentGrid.plane(codes, dimensions: chosen)
        var scatter = ScatterPlot(points: points, labels: test.labels, title: "Codes of \(test.count) test images by digit")
        scatter.xLabel = axes.0
        scatter.yLabel = axes.1
        try scatter.writePNG(to: URL(fileURLWithPath: dir + "/codes.png"))
        var metrics: [String: Any] = ["command": "manifold", "model": model, "grid": noGrid ? 0 : grid,
                                      "dimensions": chosen.map { [$0.0, $0.1] } ?? (vae.latentSize == 2 ? [0, 1] : []),
                                      "scatter_axes": [axes.0, axes.1], "test_samples": test.count,
                                      "code_mean_norm": meanNorm, "code_variances": variances]
        if let recognised, let classifier {
            metrics["grid_cells_recognised_per_class"] = recognised
            metrics["grid_classifier"] = classifier
        }
        try LatentModelFile.writeMetrics(metrics, to: dir)
        var rows = [("model", "\(model): \(vae.config.summary)")]
        if gridCodes != nil { rows.append(("manifold", dir + "/manifold.png (\(grid)×\(grid))")) }
        rows.append(("codes", dir + "/codes.png (\(axes.0), \(axes.1))"))
        let shown = variances.prefix(8).map { String(format: "%.2f", $0) }.joined(separator: ", ") + (d > 8 ? ", …" : "")
        rows.append(("code spread", String(format: "mean |z| %.2f, ", meanNorm) + "variance per dimension \(shown)"))
        if let recognised {
            let shown = recognised.keys.sorted { Int($0) ?? 0 < Int($1) ?? 0 }.map { "\($0): \(recognised[$0]!)" }
            rows.append(("digits in grid", shown.joined(separator: " ") + " (cells read with ≥ 90 %)"))
        }
        print(summaryTable(rows))
    }

    /// For each class, how many rows of `probabilities` give it at least `threshold`.
    static func confidentCells(_ probabilities: Tensor, threshold: Float) -> [String: Int] {
        let classes = probabilities.shape[1], p = probabilities.scalars
        var counts = [String: Int]()
        for c in 0..<classes { counts["\(c)"] = 0 }
        for row in 0..<probabilities.shape[0] {
            for c in 0..<classes where p[row * classes + c] >= threshold { counts["\(c)", default: 0] += 1 }
        }
        return counts
    }
}
