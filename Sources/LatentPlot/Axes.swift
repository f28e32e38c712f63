import Foundation

/// Where a plot's legend goes.
public enum LegendPosition: Sendable, Hashable {
    /// Inside the plot area, in whichever corner (or middle of a side) covers the fewest data points.
    case automatic
    /// Inside the plot area, top right.
    case topRight
    /// Inside the plot area, top left.
    case topLeft
    /// Inside the plot area, bottom right.
    case bottomRight
    /// Inside the plot area, bottom left.
    case bottomLeft
    /// In a column to the right of the plot area, never covering data.
    case outsideRight
    /// No legend.
    case hidden
}

/// Sizes and colours shared by the plots.
public struct PlotStyle: Sendable, Hashable {
    /// Font scale for tick labels, axis labels and the legend (`PlotFont.size(scale:)` gives
    /// the pixel size: 11 px at 1, 14 px at 2).
    public var fontScale: Int
    /// Font scale of the title.
    public var titleScale: Int
    /// Colour of text, tick marks and the frame.
    public var ink: Color = .ink
    /// Colour of the grid lines behind the data.
    public var gridColor: Color = .grid
    /// Colour of the frame around the plot area.
    public var frameColor: Color = Color(hex: 0x8C8C8C)
    /// Page colour.
    public var background: Color = .white

    /// Pixel size of tick labels, axis labels and the legend.
    public var fontSize: Double { PlotFont.size(scale: fontScale) }
    /// Pixel size of the (bold) title.
    public var titleSize: Double { PlotFont.size(scale: titleScale) }

    /// A style whose text size suits a picture of the given size: scale 2 from 400 pixels up;
    /// the title one step larger on wide pictures.
    public init(width: Int, height: Int) {
        fontScale = min(width, height) >= 400 ? 2 : 1
        titleScale = fontScale + (width >= 640 ? 1 : 0)
    }

    /// A style with explicit font scales.
    public init(fontScale: Int, titleScale: Int) {
        self.fontScale = max(1, fontScale)
        self.titleScale = max(1, titleScale)
    }
}

/// One legend line: a swatch in a colour and the name beside it.
struct LegendEntry {
    var name: String
    var color: Color
    var isLine: Bool
    /// The swatch of an entry that is not a line: a dot for points, a square for bars.
    var marker: MarkerShape = .circle
}

/// The layout of a 2-D plot: margins, plot area, ticks and the mapping from data to pixels.
/// Built once per render from measured text, and shared by the PNG, SVG and PDF outputs.
struct Axes {
    let width: Int, height: Int
    let style: PlotStyle
    let title: String, xLabel: String, yLabel: String
    let xTicks: Ticks, yTicks: Ticks
    let logY: Bool
    let showTicks: Bool
    /// Whether grid lines run up from the x ticks (not for categories: a line would split a group).
    var showXGrid = true
    /// Plot area in pixels: left, top, right, bottom.
    var left = 0.0, top = 0.0, right = 0.0, bottom = 0.0
    let legend: [LegendEntry]
    let legendPosition: LegendPosition
    /// The title broken into lines that fit the picture's width.
    let titleLines: [String]
    let metrics: TextMetrics

    static let tickLength = 5.0
    var unit: Double { Double(style.fontScale) }
    var fontSize: Double { style.fontSize }
    /// Cap height of the label font: the box `TextAnchor` pins.
    let textHeight: Double
    /// How far descenders hang below the baseline of the label font.
    let descent: Double
    var titleLineHeight: Double { metrics.lineHeight(size: style.titleSize, bold: true) }
    var outerMargin: Double { 12 * unit }

    init(width: Int, height: Int, style: PlotStyle, title: String, xLabel: String, yLabel: String,
         xTicks: Ticks, yTicks: Ticks, logY: Bool, showTicks: Bool = true,
         legend: [LegendEntry], legendPosition: LegendPosition, metrics: TextMetrics = TextMetrics()) {
        self.width = width; self.height = height; self.style = style
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xTicks = xTicks; self.yTicks = yTicks; self.logY = logY; self.showTicks = showTicks
        self.legend = legend
        self.legendPosition = legend.isEmpty ? .hidden : legendPosition
        self.metrics = metrics
        textHeight = metrics.capHeight(size: style.fontSize)
        descent = metrics.descent(size: style.fontSize)
        let gap = 4 * Double(style.fontScale)
        let margin = 12 * Double(style.fontScale)
        titleLines = title.isEmpty ? []
            : metrics.wrap(title, size: style.titleSize, bold: true, maxWidth: Double(width) - 2 * margin)
        let th = textHeight + descent
        // Margins grow with whatever text sits in them, so nothing is clipped at any font scale.
        var l = margin, t = margin, r = margin, b = margin
        if !titleLines.isEmpty {
            t += Double(titleLines.count) * metrics.lineHeight(size: style.titleSize, bold: true) + gap
        }
        if showTicks {
            let widest = yTicks.labels.map { metrics.width($0, size: style.fontSize) }.max() ?? 0
            l += widest + Axes.tickLength + gap
            b += th + Axes.tickLength + gap
            // The last x tick label is centred on its tick, which may sit on the right edge:
            // leave room for its half; likewise the first one on the left.
            let lastX = metrics.width(xTicks.labels.last ?? "", size: style.fontSize) / 2
            r = max(r, lastX + gap)
            let firstX = metrics.width(xTicks.labels.first ?? "", size: style.fontSize) / 2
            l = max(l, firstX + gap)
            // Half the cap height of the top y tick label sits above the plot area.
            t = max(t, margin + textHeight / 2)
        }
        if !yLabel.isEmpty { l += th + 2 * gap }
        if !xLabel.isEmpty { b += th + 2 * gap }
        left = l.rounded(); top = t.rounded()
        if self.legendPosition == .outsideRight { r += legendSize.width + 2 * gap }
        right = max(left + 10, (Double(width) - r).rounded())
        bottom = max(top + 10, (Double(height) - b).rounded())
    }

    /// Pixel column of data value `x`.
    func px(_ x: Double) -> Double {
        left + (x - xTicks.lower) / (xTicks.upper - xTicks.lower) * (right - left)
    }

    /// Pixel row of data value `y` (larger values higher up).
    func py(_ y: Double) -> Double {
        if logY {
            let l0 = log10(yTicks.lower), l1 = log10(yTicks.upper)
            return bottom - (log10(y) - l0) / (l1 - l0) * (bottom - top)
        }
        return bottom - (y - yTicks.lower) / (yTicks.upper - yTicks.lower) * (bottom - top)
    }

    /// Grid lines and the frame; drawn before the data so the data stays on top.
    func drawBackground<S: PlotSurface>(on s: inout S) {
        guard showTicks else {
            s.strokeRect(x: left, y: top, width: right - left, height: bottom - top, color: style.frameColor)
            return
        }
        for v in xTicks.values where showXGrid {
            let x = px(v).rounded() + 0.5
            s.polyline([(x, top), (x, bottom)], color: style.gridColor, lineWidth: 1, group: nil)
        }
        for v in yTicks.values {
            let y = py(v).rounded() + 0.5
            s.polyline([(left, y), (right, y)], color: style.gridColor, lineWidth: 1, group: nil)
        }
    }

    /// Frame, ticks, tick labels, axis labels and title.
    func drawForeground<S: PlotSurface>(on s: inout S) {
        let gap = 4 * unit
        let fs = fontSize
        if showTicks {
            s.strokeRect(x: left, y: top, width: right - left, height: bottom - top, color: style.frameColor)
            for (v, label) in zip(xTicks.values, xTicks.labels) {
                let x = px(v).rounded() + 0.5
                s.polyline([(x, bottom + 1), (x, bottom + 1 + Axes.tickLength)], color: style.ink, lineWidth: 1, group: nil)
                s.text(label, x: x, y: bottom + 1 + Axes.tickLength + gap, size: fs, color: style.ink,
                       anchor: .top, rotation: .horizontal, bold: false)
            }
            for (v, label) in zip(yTicks.values, yTicks.labels) {
                let y = py(v).rounded() + 0.5
                s.polyline([(left - Axes.tickLength, y), (left, y)], color: style.ink, lineWidth: 1, group: nil)
                s.text(label, x: left - Axes.tickLength - gap, y: y, size: fs, color: style.ink,
                       anchor: .right, rotation: .horizontal, bold: false)
            }
        }
        drawTitle(on: &s)
        if !xLabel.isEmpty {
            s.text(xLabel, x: (left + right) / 2, y: Double(height) - outerMargin - descent, size: fs, color: style.ink,
                   anchor: .bottom, rotation: .horizontal, bold: false)
        }
        if !yLabel.isEmpty {
            s.text(yLabel, x: outerMargin, y: (top + bottom) / 2, size: fs, color: style.ink,
                   anchor: .top, rotation: .vertical, bold: false)
        }
    }

    /// The title lines, centred on the picture (not the plot area: a long title needs the width).
    func drawTitle<S: PlotSurface>(on s: inout S) {
        let lineHeight = titleLineHeight
        let cap = metrics.capHeight(size: style.titleSize, bold: true)
        for (i, line) in titleLines.enumerated() {
            s.text(line, x: Double(width) / 2, y: outerMargin + Double(i) * lineHeight + (lineHeight - cap) / 2,
                   size: style.titleSize, color: style.ink, anchor: .top, rotation: .horizontal, bold: true)
        }
    }

    // MARK: Legend

    var legendRowHeight: Double { textHeight + descent + 2 * unit + 4 }
    var swatchWidth: Double { 10 * unit + 4 }

    var legendSize: (width: Double, height: Double) {
        let widest = legend.map { metrics.width($0.name, size: fontSize) }.max() ?? 0
        let pad = 4 * unit
        return (pad * 2 + swatchWidth + pad + widest, pad * 2 + Double(legend.count) * legendRowHeight - 2 * unit - 4)
    }

    /// The legend's top-left corner. `occupied` holds data positions in pixels, used by
    /// `.automatic` to pick the corner (or, failing a free corner, the middle of a side) whose
    /// box covers the fewest of them.
    func legendOrigin(occupied: [(x: Double, y: Double)]) -> (x: Double, y: Double)? {
        let (w, h) = legendSize
        let inset = 6 * unit
        let corners: [LegendPosition: (Double, Double)] = [
            .topRight: (right - inset - w, top + inset),
            .topLeft: (left + inset, top + inset),
            .bottomRight: (right - inset - w, bottom - inset - h),
            .bottomLeft: (left + inset, bottom - inset - h),
        ]
        // When lines run along the top and the bottom (a reference line, a falling curve), every
        // corner covers data; halfway down a side is often free.
        let middle = (top + bottom - h) / 2
        let sides = [(right - inset - w, middle), (left + inset, middle)]
        switch legendPosition {
        case .hidden: return nil
        case .outsideRight: return (right + 4 * unit * 2, top)
        case .automatic:
            var best: (Double, Double) = corners[.topRight]!
            var bestCount = Int.max
            let candidates = [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft].compactMap { corners[$0] } + sides
            for (x, y) in candidates {
                // A margin around the box: data just outside it would still look crowded.
                let m = 4 * unit
                let count = occupied.reduce(0) { n, p in
                    n + ((p.x >= x - m && p.x <= x + w + m && p.y >= y - m && p.y <= y + h + m) ? 1 : 0)
                }
                if count < bestCount { bestCount = count; best = (x, y) }
            }
            return best
        default:
            return corners[legendPosition].map { ($0.0, $0.1) }
        }
    }

    /// Whether the legend, where it would go, covers any of `occupied` (with the same margin
    /// `.automatic` keeps): a chart can then lay itself out again with the legend outside.
    func legendCovers(_ occupied: [(x: Double, y: Double)]) -> Bool {
        guard legendPosition != .outsideRight, legendPosition != .hidden, let origin = legendOrigin(occupied: occupied) else { return false }
        let (w, h) = legendSize
        let m = 4 * unit
        return occupied.contains { p in
            p.x >= origin.x - m && p.x <= origin.x + w + m && p.y >= origin.y - m && p.y <= origin.y + h + m
        }
    }

    func drawLegend<S: PlotSurface>(on s: inout S, occupied: [(x: Double, y: Double)]) {
        guard let origin = legendOrigin(occupied: occupied) else { return }
        let (w, h) = legendSize
        let pad = 4 * unit
        if legendPosition != .outsideRight {
            s.fillRect(x: origin.x, y: origin.y, width: w, height: h, color: style.background.opacity(0.88))
            s.strokeRect(x: origin.x.rounded(), y: origin.y.rounded(), width: w.rounded(), height: h.rounded(),
                         color: Color(hex: 0xC8C8C8))
        }
        for (i, entry) in legend.enumerated() {
            let cy = origin.y + pad + Double(i) * legendRowHeight + textHeight / 2
            let sx = origin.x + pad
            if entry.isLine {
                s.polyline([(sx, cy), (sx + swatchWidth, cy)], color: entry.color, lineWidth: 1 + unit, group: nil)
            } else {
                s.marker(entry.marker, cx: sx + swatchWidth / 2, cy: cy, size: 4 * unit + 2, color: entry.color)
            }
            s.text(entry.name, x: sx + swatchWidth + pad, y: cy, size: fontSize, color: style.ink,
                   anchor: .left, rotation: .horizontal, bold: false)
        }
    }
}
