import Foundation
import Latent

/// Writing a run's metrics and standard pictures.
enum RunReport {
    /// Writes `metrics.json`: the command, its settings, per-epoch figures and final figures.
    static func writeMetrics<Settings: Encodable>(command: String, settings: Settings, history: [[String: Double]],
                                                  final: [String: Double], to dir: String) throws {
        let settingsJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(settings))
        var object: [String: Any] = ["command": command, "settings": settingsJSON, "epochs": history]
        for (k, v) in final { object[k] = v }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
    }

    /// A PNG line plot of the given per-epoch keys.
    static func writeLossPlot(history: [[String: Double]], keys: [String], title: String, to path: String) throws {
        var plot = LinePlot(title: title, xLabel: "epoch", yLabel: "loss")
        for key in keys {
            let points = history.compactMap { h in h[key].map { (h["epoch"] ?? 0, $0) } }
            plot.series.append(.init(name: key.replacingOccurrences(of: "_", with: " "), x: points.map(\.0), y: points.map(\.1),
                                     showMarkers: points.count < 30))
        }
        try AtomicFile.write(plot.png(), to: path)
    }
}
