import Foundation

/// A picture made of cells (an image grid) framed by axes whose ticks name each column's and
/// row's value: a VAE's decoded latent grid with the z values it was decoded from.
///
/// ```swift
/// var plot = PicturePlot(picture: ImageGrid(columns: 20, padding: 0).canvas(decoded),
///                        columnValues: zx, rowValues: zy, title: "Decoded latent grid")
/// plot.xLabel = "z0"; plot.yLabel = "z1"
/// try plot.writePNG(to: url)
/// ```
///
/// Values need not be evenly spaced (quantiles of a prior are not): ticks sit at cell centres
/// and say each cell's value.
public struct PicturePlot: Chart {
    /// The picture, drawn with its pixels kept sharp.
    public var picture: Canvas
    /// Scale of the picture's pixels on the plot.
    public var scale: Int
    /// The value of each column, left to right.
    public var columnValues: [Double]
    /// The value of each row, top to bottom.
    public var rowValues: [Double]
    /// Heading above the plot.
    public var title: String
    /// Text under the x axis.
    public var xLabel: String = ""
    /// Text beside the y axis.
    public var yLabel: String = ""
    /// Tick labels per axis at most (every k-th cell is labelled).
    public var maxTicks: Int = 7
    /// Fonts and colours.
    public var style: PlotStyle

    /// A plot of `picture`, its columns and rows worth `columnValues` and `rowValues`.
    public init(picture: Canvas, scale: Int = 1, columnValues: [Double], rowValues: [Double], title: String = "") {
        self.picture = picture
        self.scale = max(1, scale)
        self.columnValues = columnValues
        self.rowValues = rowValues
        self.title = title
        style = PlotStyle(fontScale: 2, titleScale: 2)
    }

    /// Ticks at the centres of every k-th of `values.count` cells (the last always), labelled
    /// with the values; cell `i` sits at `position(i)` on an axis from -0.5 to count - 0.5.
    private func ticks(_ values: [Double], position: (Int) -> Double) -> Ticks {
        let n = values.count
        guard n > 0 else { return Ticks(values: [], labels: [], lower: -0.5, upper: 0.5) }
        let every = max(1, Int((Double(n) / Double(max(1, maxTicks))).rounded(.up)))
        var cells = Array(stride(from: 0, to: n, by: every))
        if let last = cells.last, last != n - 1 {
            // Keep the last cell; drop the one before it when they would crowd.
            if n - 1 - last < every / 2 + 1, cells.count > 1 { cells.removeLast() }
            cells.append(n - 1)
        }
        let finite = values.filter(\.isFinite)
        let span = (finite.max() ?? 1) - (finite.min() ?? 0)
        let decimals = span >= 20 ? 0 : (span >= 2 ? 1 : 2)
        let pairs = cells.map { (position($0), Ticks.format(values[$0], decimals: decimals, exponent: false)) }
            .sorted { $0.0 < $1.0 }
        return Ticks(values: pairs.map(\.0), labels: pairs.map(\.1), lower: -0.5, upper: Double(n) - 0.5)
    }

    /// The layout, sized so the plot area is exactly the scaled picture.
    func layout(metrics: TextMetrics = TextMetrics()) -> Axes {
        let rows = rowValues.count
        let xTicks = ticks(columnValues) { Double($0) }
        // Row 0 is at the top: larger positions are higher up.
        let yTicks = ticks(rowValues) { Double(rows - 1 - $0) }
        let pw = picture.width * scale, ph = picture.height * scale
        func axes(_ w: Int, _ h: Int) -> Axes {
            Axes(width: w, height: h, style: style, title: title, xLabel: xLabel, yLabel: yLabel,
                 xTicks: xTicks, yTicks: yTicks, logY: false, legend: [], legendPosition: .hidden, metrics: metrics)
        }
        // Margins depend on the size only through the title's wrapping: measure, then fit.
        var guess = axes(pw + 400, ph + 400)
        for _ in 0..<2 {
            let w = pw + Int(guess.left) + (guess.width - Int(guess.right))
            let h = ph + Int(guess.top) + (guess.height - Int(guess.bottom))
            guess = axes(w, h)
        }
        return guess
    }

    /// Picture width in pixels (picture, margins and labels).
    public var width: Int { layout().width }
    /// Picture height in pixels.
    public var height: Int { layout().height }

    func render<S: PlotSurface>(on s: inout S, axes: Axes) {
        axes.drawBackground(on: &s)
        s.picture(picture, x: axes.left, y: axes.top, width: axes.right - axes.left, height: axes.bottom - axes.top)
        axes.drawForeground(on: &s)
    }

    /// The plot drawn on a canvas.
    public func canvas() -> Canvas {
        let axes = layout()
        return CairoSurface.canvas(width: axes.width, height: axes.height, background: style.background) { s in
            var s = s
            render(on: &s, axes: axes)
        }
    }

    /// The plot as a PNG file.
    public func png() -> [UInt8] { canvas().png() }

    /// The plot as a standalone SVG document.
    public func svg() -> String {
        let axes = layout()
        return CairoSurface.svg(width: axes.width, height: axes.height, background: style.background) { s in
            var s = s
            render(on: &s, axes: axes)
        }
    }

    /// The plot as a one-page PDF.
    public func pdf() -> [UInt8] {
        let axes = layout()
        return CairoSurface.pdf(width: axes.width, height: axes.height, background: style.background) { s in
            var s = s
            render(on: &s, axes: axes)
        }
    }


}
