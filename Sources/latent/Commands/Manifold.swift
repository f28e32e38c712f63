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
    var dims: ListArgument<Int>?

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

    @Option(help: ArgumentHelp("Output folder (default: manifold-<time> beside the model).", valueName: "dir"))
    var out: String?

    func validate() throws {
        try FlagBounds.check("--grid", grid, in: 2...InputLimits.gridSide)
        if !(coverage > 0 && coverage < 1) { throw ValidationError("--coverage must be inside (0, 1), got \(coverage).") }
        if scale < 1 || scale > 8 { throw ValidationError("--scale must be between 1 and 8, got \(scale).") }
        // manifold.png is grid × 28 × scale pixels on a side; at 400 (11,200 pixels) the command
        // peaked at 1.7 GB, at 300 it stays near 1 GB.
        if grid * scale > 300 { throw ValidationError("--grid × --scale is \(grid * scale); at most 300 (manifold.png would be too large).") }
        if let dims, dimensions == nil {
            throw ValidationError("--dims must be two different latent dimensions like 0,1, got '\(dims.defaultValueDescription)'.")
        }
    }

    /// The two dimensions --dims names, if it names two different ones.
    var dimensions: (Int, Int)? {
        guard let values = dims?.values, values.count == 2, values[0] != values[1] else { return nil }
        return (values[0], values[1])
    }

    func run() throws {
        compute.apply()
        let report = try ManifoldExperiment.run(ManifoldRequest(
            model: model, data: dataOptions.source, dimensions: dimensions, grid: noGrid ? nil : grid, coverage: coverage,
            scale: scale, classifier: classifier, out: out))
        print(summaryTable(report.summary))
    }
}
