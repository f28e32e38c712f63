import Foundation

/// Curves of y against x — loss and metric curves over epochs — rendered to PNG or SVG.
///
/// ```swift
/// var plot = LinePlot(title: "Training", xLabel: "epoch", yLabel: "loss", logY: true)
/// plot.add("train", y: trainLoss)          // x = 1, 2, 3, …
/// plot.add("validation", x: epochs, y: validLoss)
/// try plot.writePNG(to: URL(fileURLWithPath: "loss.png"))
/// ```
public struct LinePlot: CairoChart {
    /// One named curve.
    public struct Series: Sendable {
        /// Name shown in the legend.
        public var name: String
        /// X values; same count as `y`.
        public var x: [Double]
        /// Y values. Non-finite values (and non-positive ones on a log axis) break the line.
        public var y: [Double]
        /// Line colour; `nil` takes the next palette colour.
        public var color: Color?
        /// Line width in pixels; `nil` scales with the font.
        public var lineWidth: Double?
        /// Whether to draw a dot at every point (always done for isolated points).
        public var showMarkers: Bool

        /// A series from matching x and y arrays.
        public init(name: String, x: [Double], y: [Double], color: Color? = nil,
                    lineWidth: Double? = nil, showMarkers: Bool = false) {
            precondition(x.count == y.count, "LinePlot.Series \(name): \(x.count) x values but \(y.count) y values")
            self.name = name; self.x = x; self.y = y
            self.color = color; self.lineWidth = lineWidth; self.showMarkers = showMarkers
        }
    }

    /// Heading above the plot; empty for none.
    public var title: String
    /// Text under the x axis.
    public var xLabel: String
    /// Text beside the y axis, reading upwards.
    public var yLabel: String
    /// Base-10 logarithmic y axis (losses spanning decades).
    public var logY: Bool
    /// Picture size in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    /// The curves, drawn in order.
    public var series: [Series] = []
    /// Where the legend goes; it is left out when there is a single unnamed series.
    public var legendPosition: LegendPosition = .automatic
    /// Fonts and colours.
    public var style: PlotStyle
    /// Whether x values are counts (ticks on whole numbers only); `nil` decides from the data:
    /// all-integer x values (epochs 1, 2, 3) give integer ticks.
    public var integerX: Bool?

    /// An empty plot.
    public init(title: String = "", xLabel: String = "", yLabel: String = "", logY: Bool = false,
                width: Int = 800, height: Int = 500) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.logY = logY
        self.width = width; self.height = height
        style = PlotStyle(width: width, height: height)
    }

    /// Adds a series with explicit x values.
    public mutating func add(_ name: String, x: [Double], y: [Double], color: Color? = nil,
                             showMarkers: Bool = false) {
        series.append(Series(name: name, x: x, y: y, color: color, showMarkers: showMarkers))
    }

    /// Adds a series with explicit x values, from `Float` arrays (as training loops record them).
    public mutating func add(_ name: String, x: [Float], y: [Float], color: Color? = nil,
                             showMarkers: Bool = false) {
        add(name, x: x.map { Double($0) }, y: y.map { Double($0) }, color: color, showMarkers: showMarkers)
    }

    /// Adds a series against 1, 2, 3, … (epochs or steps).
    public mutating func add(_ name: String, y: [Double], color: Color? = nil, showMarkers: Bool = false) {
        add(name, x: (0..<y.count).map { Double($0 + 1) }, y: y, color: color, showMarkers: showMarkers)
    }

    /// Adds a series of `Float` values against 1, 2, 3, … (epochs or steps).
    public mutating func add(_ name: String, y: [Float], color: Color? = nil, showMarkers: Bool = false) {
        add(name, y: y.map { Double($0) }, color: color, showMarkers: showMarkers)
    }

    // MARK: Rendering

    /// Whether the x axis counts whole things: `integerX` when set, else whether every x value
    /// is a whole number (epochs, steps).
    var xIsInteger: Bool {
        if let integerX { return integerX }
        let xs = series.flatMap(\.x).filter(\.isFinite)
        return !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() }
    }

    private func usable(_ y: Double) -> Bool { y.isFinite && (!logY || y > 0) }

    private func color(of index: Int) -> Color { series[index].color ?? Palette.color(index) }

    func layout(metrics: TextMetrics = TextMetrics()) -> Axes {
        var xs = [Double](), ys = [Double]()
        for s in series {
            for (x, y) in zip(s.x, s.y) where x.isFinite && usable(y) { xs.append(x); ys.append(y) }
        }
        let xTicks: Ticks, yTicks: Ticks
        if let lo = xs.min(), let hi = xs.max() {
            // The x axis keeps the data's own extent, so curves run edge to edge; ticks fall inside.
            xTicks = Ticks.linear(lo, hi, maxCount: 8, expand: false, integer: xIsInteger)
        } else {
            xTicks = Ticks.linear(0, 1)
        }
        if let lo = ys.min(), let hi = ys.max() {
            yTicks = logY ? Ticks.logarithmic(lo, hi) : Ticks.linear(lo, hi, maxCount: 7)
        } else {
            yTicks = logY ? Ticks.logarithmic(0.1, 1) : Ticks.linear(0, 1)
        }
        let named = series.count > 1 || series.contains { !$0.name.isEmpty }
        let legend = named ? series.indices.map { LegendEntry(name: series[$0].name, color: color(of: $0), isLine: true) } : []
        return Axes(width: width, height: height, style: style, title: title, xLabel: xLabel, yLabel: yLabel,
                    xTicks: xTicks, yTicks: yTicks, logY: logY, legend: legend, legendPosition: legendPosition,
                    metrics: metrics)
    }

    func render<S: PlotSurface>(on s: inout S) {
        let axes = layout(metrics: s.metrics)
        axes.drawBackground(on: &s)
        var occupied = [(x: Double, y: Double)]()
        let defaultWidth = 1.0 + Double(style.fontScale) * 0.75
        for (i, series) in series.enumerated() {
            let c = color(of: i)
            let lw = series.lineWidth ?? defaultWidth
            s.beginGroup(series.name)
            // Split into runs of usable points; a gap in the data is a gap in the line.
            var runs = [[(x: Double, y: Double)]]()
            var current = [(x: Double, y: Double)]()
            for (x, y) in zip(series.x, series.y) {
                if x.isFinite && usable(y) {
                    current.append((axes.px(x), axes.py(y)))
                } else if !current.isEmpty {
                    runs.append(current); current = []
                }
            }
            if !current.isEmpty { runs.append(current) }
            for run in runs {
                s.polyline(run, color: c, lineWidth: lw, group: series.name)
                if series.showMarkers || run.count == 1 {
                    for p in run { s.marker(.circle, cx: p.x, cy: p.y, size: 2 * lw + 3, color: c) }
                }
                occupied += densify(run)
            }
            s.endGroup()
        }
        axes.drawForeground(on: &s)
        axes.drawLegend(on: &s, occupied: occupied)
    }

    /// Points every few pixels along a polyline, so legend placement sees the line and not just
    /// its vertices (a two-point line crosses a corner without a vertex in it).
    private func densify(_ run: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard run.count > 1 else { return run }
        var out = [run[0]]
        for i in 1..<run.count {
            let a = run[i - 1], b = run[i]
            let n = max(1, Int((hypot(b.x - a.x, b.y - a.y) / 4).rounded(.up)))
            for k in 1...n {
                let t = Double(k) / Double(n)
                out.append((a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
            }
        }
        return out
    }
}
