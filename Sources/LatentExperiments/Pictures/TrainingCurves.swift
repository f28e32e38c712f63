import Foundation
import LatentIO
import LatentPlot

/// Line plots of per-epoch figures.
public enum TrainingCurves {
    /// A plot of `keys` of `history` against the epoch, written to `path` as PNG. A series is
    /// named by `names[key]`, or by the key with spaces for underscores.
    public static func write(_ history: [[String: Double]], keys: [String], names: [String: String] = [:], title: String,
                             yLabel: String = "loss", logY: Bool = false, to path: String) throws {
        var plot = LinePlot(title: title, xLabel: "epoch", yLabel: yLabel, logY: logY)
        for key in keys {
            let points = history.compactMap { h in h[key].map { (h["epoch"] ?? 0, $0) } }
            guard !points.isEmpty else { continue }
            plot.add(names[key] ?? key.replacingOccurrences(of: "_", with: " "), x: points.map(\.0), y: points.map(\.1),
                     showMarkers: points.count < 30)
        }
        try plot.writePNGAndSVG(to: URL(fileURLWithPath: path))
    }
}
