import Foundation
import LatentTensor

/// Points in the plane coloured by class — typically a 2-D embedding (PCA, t-SNE) of labelled data.
///
/// ```swift
/// var plot = ScatterPlot(points: embedding, labels: digits, title: "t-SNE of MNIST")
/// plot.labelNames = (0...9).map(String.init)
/// plot.thumbnails = .init(images: pixels, side: 28)   // draw digits instead of dots
/// try plot.writePNG(to: URL(fileURLWithPath: "tsne.png"))
/// ```
public struct ScatterPlot: CairoChart {
    /// Small images drawn at the points instead of dots.
    public struct Thumbnails: Sendable {
        /// `[n, side * side]` (or `[n, side, side]`) intensities in [0, 1], one row per point.
        public var images: Tensor
        /// Image side in pixels (images are square).
        public var side: Int
        /// Integer upscaling of each thumbnail.
        public var scale: Int
        /// Skip thumbnails that would overlap one already drawn (those points get a dot), which
        /// keeps dense clusters readable; points are visited in a fixed shuffled order.
        public var avoidOverlap: Bool
        /// Draw each image's ink in its point's class colour (else black ink).
        public var colorByLabel: Bool

        /// Thumbnails from `images`, one row per point.
        public init(images: Tensor, side: Int, scale: Int = 1, avoidOverlap: Bool = true, colorByLabel: Bool = true) {
            precondition(side > 0 && images.rank >= 2 && images.count == images.shape[0] * side * side,
                         "ScatterPlot.Thumbnails: images of shape \(images.shape) are not [n, \(side * side)]")
            self.images = images; self.side = side; self.scale = max(1, scale)
            self.avoidOverlap = avoidOverlap; self.colorByLabel = colorByLabel
        }
    }

    /// X coordinates.
    public var x: [Double]
    /// Y coordinates.
    public var y: [Double]
    /// Class of each point, or `nil` for one colour.
    public var labels: [Int]?
    /// Legend text for class `k` is `labelNames[k]` when present, else the number `k`.
    public var labelNames: [String]?
    /// Heading above the plot.
    public var title: String
    /// Text under the x axis.
    public var xLabel: String = ""
    /// Text beside the y axis.
    public var yLabel: String = ""
    /// Picture width in pixels.
    public var width: Int
    /// Picture height in pixels.
    public var height: Int
    /// Dot diameter in pixels; `nil` picks one from the number of points.
    public var pointSize: Double?
    /// Dot opacity; `nil` picks one from the number of points (dense plots need translucency).
    public var pointOpacity: Double?
    /// Whether to draw ticks and grid; embeddings' coordinates often mean nothing, so they can go.
    public var showAxes: Bool = true
    /// Where the legend goes (outside on the right by default: embeddings fill their whole area).
    public var legendPosition: LegendPosition = .outsideRight
    /// Images to draw at the points instead of dots.
    public var thumbnails: Thumbnails?
    /// Text beside each point (`pointLabels[i]` for point `i`; empty strings get none), placed
    /// by `LabelPlacer` so labels neither overlap each other nor cover points.
    public var pointLabels: [String]?
    /// Fonts and colours.
    public var style: PlotStyle

    /// A scatter plot of `x[i], y[i]`, optionally coloured by `labels`.
    public init(x: [Double], y: [Double], labels: [Int]? = nil, title: String = "",
                width: Int = 800, height: Int = 640) {
        precondition(x.count == y.count, "ScatterPlot: \(x.count) x values but \(y.count) y values")
        if let labels {
            precondition(labels.count == x.count, "ScatterPlot: \(labels.count) labels for \(x.count) points")
        }
        self.x = x; self.y = y; self.labels = labels; self.title = title
        self.width = width; self.height = height
        style = PlotStyle(width: width, height: height)
    }

    /// A scatter plot of the rows of an `[n, 2]` tensor (further columns are ignored).
    public init(points: Tensor, labels: [Int]? = nil, title: String = "", width: Int = 800, height: Int = 640) {
        precondition(points.rank == 2 && points.shape[1] >= 2,
                     "ScatterPlot: points of shape \(points.shape) are not [n, 2]")
        let n = points.shape[0], d = points.shape[1]
        let (xs, ys) = points.withUnsafeBufferPointer { p in
            ((0..<n).map { Double(p[$0 * d]) }, (0..<n).map { Double(p[$0 * d + 1]) })
        }
        self.init(x: xs, y: ys, labels: labels, title: title, width: width, height: height)
    }

    // MARK: Rendering

    /// Points per drawing layer: few enough that dots of one class in a layer rarely overlap
    /// (they would not darken each other), many enough to keep SVG files small.
    static let layerSize = 500

    private func name(of label: Int) -> String {
        if let names = labelNames, label >= 0, label < names.count { return names[label] }
        return String(label)
    }

    func layout(metrics: TextMetrics = TextMetrics()) -> Axes {
        let finite = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        var xlo = finite.map { x[$0] }.min() ?? 0, xhi = finite.map { x[$0] }.max() ?? 1
        var ylo = finite.map { y[$0] }.min() ?? 0, yhi = finite.map { y[$0] }.max() ?? 1
        // A small margin keeps dots and thumbnails at the extremes inside the frame.
        let mx = (xhi - xlo) * 0.03, my = (yhi - ylo) * 0.03
        xlo -= mx; xhi += mx; ylo -= my; yhi += my
        var xTicks = Ticks.linear(xlo, xhi, maxCount: 7, expand: false)
        var yTicks = Ticks.linear(ylo, yhi, maxCount: 7, expand: false)
        if !showAxes {
            xTicks = Ticks(values: [], labels: [], lower: xTicks.lower, upper: xTicks.upper)
            yTicks = Ticks(values: [], labels: [], lower: yTicks.lower, upper: yTicks.upper)
        }
        var legend = [LegendEntry]()
        if let labels {
            for k in Set(labels).sorted() {
                legend.append(LegendEntry(name: name(of: k), color: Palette.color(k), isLine: false))
            }
        }
        return Axes(width: width, height: height, style: style, title: title, xLabel: xLabel, yLabel: yLabel,
                    xTicks: xTicks, yTicks: yTicks, logY: false, showTicks: showAxes,
                    legend: legend, legendPosition: legendPosition, metrics: metrics)
    }

    func render<S: PlotSurface>(on s: inout S) {
        let axes = layout(metrics: s.metrics)
        axes.drawBackground(on: &s)
        let n = x.count
        let size = pointSize ?? (n <= 300 ? 7 : n <= 3000 ? 5 : n <= 20000 ? 3.5 : 2.5)
        let alpha = pointOpacity ?? (n <= 1000 ? 0.85 : n <= 10000 ? 0.7 : 0.5)
        // Drawing in index order would paint the last class over the others when the data is
        // sorted by label; a fixed shuffle gives every class a fair share of the top layer.
        var rng = RandomGenerator(seed: 0x5CA7)
        let order = n > 1 ? rng.permutation(n) : Array(0..<n)
        var occupied = [(x: Double, y: Double)]()
        occupied.reserveCapacity(n)
        var thumbnailed = [Bool](repeating: false, count: n)
        var boxes = [(Double, Double, Double, Double)]()

        if let t = thumbnails {
            precondition(t.images.shape[0] == n, "ScatterPlot: \(t.images.shape[0]) thumbnails for \(n) points")
            let side = Double(t.side * t.scale)
            // Spatial hash of placed boxes: overlap tests stay cheap with tens of thousands of points.
            var grid = [Int: [Int]]()
            func cell(_ v: Double) -> Int { Int((v / side).rounded(.down)) }
            for i in order where x[i].isFinite && y[i].isFinite {
                let bx = axes.px(x[i]) - side / 2, by = axes.py(y[i]) - side / 2
                if t.avoidOverlap {
                    var clash = false
                    search: for gx in (cell(bx) - 1)...(cell(bx) + 1) {
                        for gy in (cell(by) - 1)...(cell(by) + 1) {
                            for j in grid[gx &* 73_856_093 ^ gy] ?? [] {
                                let b = boxes[j]
                                if abs(b.0 - bx) < side && abs(b.1 - by) < side { clash = true; break search }
                            }
                        }
                    }
                    if clash { continue }
                    grid[cell(bx) &* 73_856_093 ^ cell(by), default: []].append(boxes.count)
                }
                boxes.append((bx, by, side, side))
                thumbnailed[i] = true
            }
        }

        // Dots first (for points without a thumbnail), thumbnails on top. The shuffled order is
        // cut into layers of `ScatterPlot.layerSize` points and each layer is drawn as one shape
        // per class: every class still gets its share of the top, translucent dots still darken
        // where layers overlap, and a 10,000-point SVG holds a few hundred paths, not 10,000.
        let dotSize = thumbnails == nil ? size : min(size, 3)
        let dotted = order.filter { !thumbnailed[$0] && x[$0].isFinite && y[$0].isFinite }
        for layerStart in stride(from: 0, to: dotted.count, by: ScatterPlot.layerSize) {
            var byClass = [Int: [(x: Double, y: Double)]]()
            var classOrder = [Int]()
            for i in dotted[layerStart..<min(dotted.count, layerStart + ScatterPlot.layerSize)] {
                let k = labels?[i] ?? 0
                let p = (x: axes.px(x[i]), y: axes.py(y[i]))
                if byClass[k] == nil { classOrder.append(k) }
                byClass[k, default: []].append(p)
                occupied.append(p)
            }
            for k in classOrder { s.dots(byClass[k] ?? [], size: dotSize, color: Palette.color(k).opacity(alpha)) }
        }
        if let t = thumbnails {
            let side = t.side
            t.images.withUnsafeBufferPointer { buf in
                for i in order where thumbnailed[i] {
                    let ink = t.colorByLabel ? (labels.map { Palette.color($0[i]) } ?? Color.black) : Color.black
                    let p = (x: axes.px(x[i]), y: axes.py(y[i]))
                    let half = Double(side * t.scale) / 2
                    let values = Array(buf[(i * side * side)..<((i + 1) * side * side)])
                    s.grayscaleImage(values, imageWidth: side, imageHeight: side,
                                     x: (p.x - half).rounded(), y: (p.y - half).rounded(), scale: t.scale, ink: ink)
                    occupied.append(p)
                }
            }
        }
        if let pointLabels { drawPointLabels(pointLabels, axes: axes, dotSize: size, on: &s) }
        axes.drawForeground(on: &s)
        axes.drawLegend(on: &s, occupied: occupied)
    }

    /// The labels of `pointLabels`, placed clear of each other and of the points, with a thin
    /// line back to the point when a label had to move away from it.
    private func drawPointLabels<S: PlotSurface>(_ texts: [String], axes: Axes, dotSize: Double, on s: inout S) {
        let shown = x.indices.filter { $0 < texts.count && !texts[$0].isEmpty && x[$0].isFinite && y[$0].isFinite }
        let unlabelled = x.indices.filter { !($0 < texts.count && !texts[$0].isEmpty) && x[$0].isFinite && y[$0].isFinite }
        let size = axes.fontSize
        let height = axes.textHeight + axes.descent
        let placer = LabelPlacer(bounds: (axes.left + 2, axes.top + 2, axes.right - 2, axes.bottom - 2),
                                 pointRadius: dotSize / 2 + 2, padding: 2)
        let anchors = shown.map { (x: axes.px(x[$0]), y: axes.py(y[$0])) }
        let placements = placer.place(points: anchors,
                                      sizes: shown.map { (width: s.metrics.width(texts[$0], size: size), height: height) },
                                      obstacles: unlabelled.map { (x: axes.px(x[$0]), y: axes.py(y[$0])) })
        for (k, i) in shown.enumerated() {
            let box = placements[k]
            if box.needsLeader {
                let p = anchors[k], end = box.nearestPoint(to: p.x, p.y)
                s.polyline([p, end], color: Color(hex: 0x9A9A9A), lineWidth: 1, group: nil)
            }
            s.text(texts[i], x: box.x0, y: box.y0, size: size, color: style.ink, anchor: .topLeft,
                   rotation: .horizontal, bold: false)
        }
    }
}
