import Foundation

/// Grouped bars: for each category along the x axis, one bar per series side by side — a few
/// figures compared across settings, such as test accuracy per start (series) and label count
/// (category). Bars rise from zero, so their lengths compare honestly, and each carries its value.
///
/// ```swift
/// var chart = BarChart(title: "Transfer to digits 5–9", categories: ["10 labels", "100 labels"],
///                      yLabel: "test accuracy")
/// chart.add("scratch", values: [0.80, 0.91])
/// chart.add("fine-tuned", values: [0.81, 0.94])
/// chart.valueText = .percent(decimals: 1)
/// try chart.writePNGAndSVG(to: URL(fileURLWithPath: "transfer.png"))
/// ```
public struct BarChart: CairoChart {
    /// One named set of bars, one value per category (NaN leaves the slot empty).
    public struct Series: Sendable {
        /// Name shown in the legend.
        public var name: String
        /// One value per category.
        public var values: [Double]
        /// Bar colour; `nil` takes the palette colour of the series' index.
        public var color: Color?
    }

    /// How the value above each bar is written.
    public enum ValueText: Sendable, Hashable {
        /// No value above the bars.
        case hidden
        /// The value with `decimals` decimals.
        case number(decimals: Int)
        /// The value times 100 with `decimals` decimals and " %" (fractions such as accuracy).
        case percent(decimals: Int)

        func text(_ v: Double) -> String? {
            switch self {
            case .hidden: nil
            case .number(let d): String(format: "%.\(max(0, d))f", v)
            case .percent(let d): String(format: "%.\(max(0, d))f %%", v * 100)
            }
        }
    }

    /// Heading above the chart; empty for none.
    public var title: String
    /// The groups along the x axis, left to right.
    public var categories: [String]
    /// Text under the x axis.
    public var xLabel: String
    /// Text beside the y axis, reading upwards.
    public var yLabel: String
    /// The series, drawn left to right within each category.
    public var series: [Series] = []
    /// The figure written above each bar.
    public var valueText: ValueText = .number(decimals: 2)
    /// Picture width in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    /// Where the legend goes; it is left out for a single unnamed series.
    public var legendPosition: LegendPosition = .automatic
    /// Fonts and colours.
    public var style: PlotStyle

    /// An empty chart over `categories`.
    public init(title: String = "", categories: [String], xLabel: String = "", yLabel: String = "",
                width: Int = 800, height: Int = 500) {
        self.title = title; self.categories = categories; self.xLabel = xLabel; self.yLabel = yLabel
        self.width = width; self.height = height
        style = PlotStyle(width: width, height: height)
    }

    /// Adds a series; `values` beyond the categories are ignored, missing ones leave gaps.
    public mutating func add(_ name: String, values: [Double], color: Color? = nil) {
        series.append(Series(name: name, values: values, color: color))
    }

    // MARK: Rendering

    private func color(of index: Int) -> Color { series[index].color ?? Palette.color(index) }

    /// The value of series `k` in category `c`, if it is there and finite.
    private func value(_ k: Int, _ c: Int) -> Double? {
        let values = series[k].values
        return c < values.count && values[c].isFinite ? values[c] : nil
    }

    /// The layout with the legend inside the plot when a spot there is free of bars and values,
    /// else in a column on the right.
    func layout(metrics: TextMetrics = TextMetrics()) -> Axes {
        let inside = layout(metrics: metrics, legendPosition: legendPosition)
        guard legendPosition == .automatic, inside.legendCovers(occupiedPoints(axes: inside)) else { return inside }
        return layout(metrics: metrics, legendPosition: .outsideRight)
    }

    private func layout(metrics: TextMetrics, legendPosition: LegendPosition) -> Axes {
        let values = series.indices.flatMap { k in categories.indices.compactMap { value(k, $0) } }
        // Zero is always on the axis: a bar's length is its value. Headroom keeps the value
        // above the tallest bar inside the frame.
        let headroom = valueText == .hidden ? 1.0 : 1.1
        let yTicks = Ticks.linear(min(0, (values.min() ?? 0) * headroom), max(0, (values.max() ?? 1) * headroom), maxCount: 7)
        let n = max(1, categories.count)
        let xTicks = Ticks(values: (0..<n).map(Double.init), labels: (0..<n).map { $0 < categories.count ? categories[$0] : "" },
                           lower: -0.5, upper: Double(n) - 0.5)
        let named = series.count > 1 || series.contains { !$0.name.isEmpty }
        let legend = named ? series.indices.map { LegendEntry(name: series[$0].name, color: color(of: $0), isLine: false, marker: .square) } : []
        var axes = Axes(width: width, height: height, style: style, title: title, xLabel: xLabel, yLabel: yLabel,
                        xTicks: xTicks, yTicks: yTicks, logY: false, legend: legend, legendPosition: legendPosition,
                        metrics: metrics)
        axes.showXGrid = false
        return axes
    }

    /// Points every few pixels over each bar and the value above it: what the legend must not cover.
    func occupiedPoints(axes: Axes) -> [(x: Double, y: Double)] {
        var occupied = [(x: Double, y: Double)]()
        let base = axes.py(0)
        for bar in bars(axes: axes) {
            // The value's line of text sits above a positive bar and below a negative one.
            let text = valueText == .hidden ? 0 : 3 * axes.unit + axes.textHeight
            let textTop = bar.value >= 0 ? bar.top - text : bar.top
            let textBottom = bar.value >= 0 ? bar.top : bar.top + text
            for yy in stride(from: min(textTop, base), through: max(textBottom, base), by: 4) {
                for xx in stride(from: bar.x, through: bar.x + bar.width, by: 4) { occupied.append((xx, yy)) }
            }
        }
        return occupied
    }

    /// Every bar that has a value: its series, value, left edge, width and top in pixels.
    func bars(axes: Axes) -> [(series: Int, value: Double, x: Double, width: Double, top: Double)] {
        series.indices.flatMap { k in
            categories.indices.compactMap { c in
                value(k, c).map { v in
                    let (x, w) = barFrame(k, c, axes: axes)
                    return (k, v, x, w, axes.py(v))
                }
            }
        }
    }

    /// The left edge and width of the bar of series `k` in category `c`: the series share 80 %
    /// of the category's width, with a small gap between neighbours.
    func barFrame(_ k: Int, _ c: Int, axes: Axes) -> (x: Double, width: Double) {
        let slot = (axes.px(0.5) - axes.px(-0.5)) * 0.8 / Double(max(1, series.count))
        let x = axes.px(Double(c) - 0.4) + Double(k) * slot
        return (x + slot * 0.06, slot * 0.88)
    }

    func render<S: PlotSurface>(on s: inout S) {
        let axes = layout(metrics: s.metrics)
        axes.drawBackground(on: &s)
        let base = axes.py(0)
        for bar in bars(axes: axes) {
            s.fillRect(x: bar.x, y: min(bar.top, base), width: bar.width, height: abs(base - bar.top), color: color(of: bar.series))
            guard let text = valueText.text(bar.value) else { continue }
            // Shrink a value wider than its bar, as image-grid captions do.
            let natural = s.metrics.width(text, size: axes.fontSize)
            let size = natural > bar.width ? max(7, axes.fontSize * bar.width / natural) : axes.fontSize
            let y = bar.value >= 0 ? bar.top - 3 * axes.unit : bar.top + 3 * axes.unit
            s.text(text, x: bar.x + bar.width / 2, y: y, size: size, color: style.ink, anchor: bar.value >= 0 ? .bottom : .top,
                   rotation: .horizontal, bold: false)
        }
        axes.drawForeground(on: &s)
        axes.drawLegend(on: &s, occupied: occupiedPoints(axes: axes))
    }
}
