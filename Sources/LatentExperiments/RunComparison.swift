import Foundation
import LatentIO
import LatentPlot

/// One run's per-epoch values of one metric, as `metrics.json` recorded them.
public struct RunCurve: Sendable, Equatable {
    /// The name shown in the legend and the table.
    public var name: String
    /// The `metrics.json` the values came from.
    public var path: String
    /// Epoch numbers (1-based, or the file's own `epoch` field when it has one).
    public var epochs: [Double]
    /// The metric at each of `epochs`; epochs where it was missing or not finite are left out.
    public var values: [Double]

    /// The value of the last recorded epoch.
    public var last: Double? { values.last }
}

/// Curves of one metric from several runs on one chart: TensorBoard's overlay of runs, for run
/// folders on disk (`latent compare`). Reads only `metrics.json`, so any command's run works.
public enum RunComparison {
    /// Reads `metric` from the `epochs` list of `run`'s `metrics.json` (`run` is the run folder
    /// or the file itself). Throws a one-line error naming the file when it is missing, is not
    /// a metrics file, or has no epoch with `metric` (the error lists the metrics it does have).
    public static func curve(run: String, metric: String, name: String? = nil) throws -> RunCurve {
        let path = metricsPath(run)
        let epochs = try epochRecords(path)
        var xs: [Double] = [], ys: [Double] = []
        for (i, record) in epochs.enumerated() {
            guard let y = number(record[metric]), y.isFinite else { continue }
            let x = number(record["epoch"]).flatMap { $0.isFinite ? $0 : nil } ?? Double(i + 1)
            xs.append(x)
            ys.append(y)
        }
        if ys.isEmpty {
            let known = Set(epochs.flatMap { $0.keys }).sorted()
            let list = known.isEmpty ? "it records no per-epoch figures" : "it has \(known.joined(separator: ", "))"
            throw ExperimentError("\(path): no epoch records \(metric); \(list)")
        }
        return RunCurve(name: name ?? defaultName(run), path: path, epochs: xs, values: ys)
    }

    /// The metrics every one of `runs` records per epoch (sorted), for choosing `--metric`.
    public static func commonMetrics(runs: [String]) throws -> [String] {
        var common: Set<String>?
        for run in runs {
            let keys = Set(try epochRecords(metricsPath(run)).flatMap { $0.keys }).subtracting(["epoch"])
            common = common.map { $0.intersection(keys) } ?? keys
        }
        return (common ?? []).sorted()
    }

    /// A line chart of `curves` (one series each, markers when a curve has few points).
    public static func plot(_ curves: [RunCurve], metric: String, title: String? = nil, logY: Bool = false) -> LinePlot {
        var plot = LinePlot(title: title ?? metric.replacingOccurrences(of: "_", with: " "), xLabel: "epoch",
                            yLabel: metric.replacingOccurrences(of: "_", with: " "), logY: logY)
        plot.integerX = curves.allSatisfy { $0.epochs.allSatisfy { $0 == $0.rounded() } }
        for curve in curves {
            plot.add(curve.name, x: curve.epochs, y: curve.values, showMarkers: curve.values.count <= 12)
        }
        return plot
    }

    /// Where a run keeps its figures: the folder's `metrics.json`, or `run` itself if it is a file.
    static func metricsPath(_ run: String) -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: run, isDirectory: &isDirectory), isDirectory.boolValue {
            return (run as NSString).appendingPathComponent("metrics.json")
        }
        return run
    }

    /// The run folder's name: the last path component that is not `metrics.json`.
    static func defaultName(_ run: String) -> String {
        var path = (run as NSString).standardizingPath
        if (path as NSString).lastPathComponent == "metrics.json" { path = (path as NSString).deletingLastPathComponent }
        let name = (path as NSString).lastPathComponent
        return name.isEmpty || name == "." ? run : name
    }

    /// The `epochs` list of a metrics file, each record's numbers by key.
    static func epochRecords(_ path: String) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ExperimentError("\(path): no such file (give a run folder with a metrics.json, or the file)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ExperimentError("\(path): cannot read: \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let top = object as? [String: Any] else {
            throw ExperimentError("\(path): not a JSON object (is it a metrics.json?)")
        }
        guard let epochs = top["epochs"] as? [Any] else {
            throw ExperimentError("\(path): has no \"epochs\" list (is it a metrics.json of a training run?)")
        }
        return epochs.compactMap { $0 as? [String: Any] }
    }

    /// A JSON number, or the strings metrics files write for non-finite values.
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let n as NSNumber: return n.doubleValue
        case let s as String:
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: return nil
            }
        default: return nil
        }
    }
}
