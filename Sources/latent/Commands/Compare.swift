import ArgumentParser
import Foundation
import Latent

/// `latent compare RUN RUN …`: one metric of several runs on one chart (TensorBoard's run overlay).
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot one per-epoch metric of several runs on one chart, and print their last values.",
        discussion: """
            Reads each run folder's metrics.json (any command's), draws --metric against the epoch for \
            every run into --out (PNG, SVG or PDF by its extension) and prints each run's last and best \
            value. Without --metric it lists the metrics every run records. Example: \
            latent compare runs/ae-pretrained runs/ae-scratch --metric test_squared_error --out curves.png
            """)

    @Argument(help: ArgumentHelp("Run folders (or their metrics.json files).", valueName: "run"))
    var runs: [String]

    @Option(help: ArgumentHelp("The per-epoch metric to plot (a key of metrics.json's epochs).", valueName: "name"))
    var metric: String?

    @Option(help: ArgumentHelp("Legend names, comma-separated, one per run (default: the folder names).", valueName: "names"))
    var names: ListArgument<String>?

    @Option(help: "Chart title (default: the metric).")
    var title: String?

    @Flag(help: "Logarithmic y axis.")
    var logY = false

    @Flag(help: "Lower is better (for the best value; default: guessed from the name: loss, error, distance).")
    var lowerIsBetter = false

    @Option(help: ArgumentHelp("The chart file: .png, .svg or .pdf (default: compare-<metric>.png).", valueName: "file"))
    var out: String?

    func validate() throws {
        if runs.isEmpty { throw ValidationError("Give at least one run folder.") }
        if let names, names.values.count != runs.count {
            throw ValidationError("--names has \(names.values.count) names for \(runs.count) runs.")
        }
        if let out, !["png", "svg", "pdf"].contains((out as NSString).pathExtension.lowercased()) {
            throw ValidationError("--out must end in .png, .svg or .pdf, got '\(out)'.")
        }
        if let metric, metric.isEmpty || metric.count > 200 { throw ValidationError("--metric must be a metric name.") }
    }

    func run() throws {
        guard let metric else {
            let common = try RunComparison.commonMetrics(runs: runs)
            print(common.isEmpty ? "no per-epoch metric is recorded by every run" : common.joined(separator: "\n"))
            return
        }
        let curves = try runs.enumerated().map { i, run in
            try RunComparison.curve(run: run, metric: metric, name: names?.values[i])
        }
        let path = out ?? "compare-\(metric).png"
        let plot = RunComparison.plot(curves, metric: metric, title: title, logY: logY)
        switch (path as NSString).pathExtension.lowercased() {
        case "svg": try AtomicFile.write(plot.svg(), to: path)
        case "pdf": try AtomicFile.write(plot.pdf(), to: path)
        default: try AtomicFile.write(plot.png(), to: path)
        }
        let lower = lowerIsBetter || ["loss", "error", "distance", "perplexity"].contains { metric.contains($0) }
        let width = curves.map(\.name.count).max() ?? 0
        for curve in curves {
            let best = lower ? curve.values.min() : curve.values.max()
            let bestEpoch = best.flatMap { b in curve.values.firstIndex(of: b).map { curve.epochs[$0] } }
            print(curve.name.padding(toLength: width, withPad: " ", startingAt: 0)
                  + "  last \(format(curve.last)) (epoch \(epoch(curve.epochs.last)))"
                  + "  best \(format(best)) (epoch \(epoch(bestEpoch)))")
        }
        print("chart".padding(toLength: width, withPad: " ", startingAt: 0) + "  \(path)")
    }

    private func format(_ v: Double?) -> String {
        guard let v else { return "–" }
        return String(format: abs(v) >= 100 ? "%.2f" : "%.4f", v)
    }

    private func epoch(_ v: Double?) -> String {
        guard let v else { return "–" }
        return v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : String(format: "%.2f", v)
    }
}
