import Foundation

/// Where a plot's legend goes.
public enum LegendPosition: Sendable, Hashable {
    /// Inside the plot area, in whichever corner covers the fewest data points.
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
    /// Font scale for tick labels, axis labels and the legend (the font is 7 pixels tall per unit).
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

    /// A style whose text size suits a picture of the given size: scale 2 from 400 pixels up,
    /// where 7-pixel text would be hard to read; the title one step larger on wide pictures.
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
}

/// The layout of a 2-D plot: margins, plot area, ticks and the mapping from data to pixels.
/// Built once per render and shared by the PNG and SVG paths.
struct Axes {
    let width: Int, height: Int
    let style: PlotStyle
    let title: String, xLabel: String, yLabel: String
    let xTicks: Ticks, yTicks: Ticks
    let logY: Bool
    let showTicks: Bool
    /// Plot area in pixels: left, top, right, bottom.
    var left = 0.0, top = 0.0, right = 0.0, bottom = 0.0
    let legend: [LegendEntry]
    let legendPosition: LegendPosition

    static let tickLength = 5.0
    var unit: Double { Double(style.fontScale) }
    var textHeight: Double { Double(BitmapFont.capHeight * style.fontScale) }

    init(width: Int, height: Int, style: PlotStyle, title: String, xLabel: String, yLabel: String,
         xTicks: Ticks, yTicks: Ticks, logY: Bool, showTicks: Bool = true,
         legend: [LegendEntry], legendPosition: LegendPosition) {
        self.width = width; self.height = height; self.style = style
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xTicks = xTicks; self.yTicks = yTicks; self.logY = logY; self.showTicks = showTicks
        self.legend = legend
        self.legendPosition = legend.isEmpty ? .hidden : legendPosition
        let gap = 4 * unit
        let th = textHeight
        // Margins grow with whatever text sits in them, so nothing is clipped at any font scale.
        var l = 3 * gap, t = 3 * gap, r = 4 * gap, b = 3 * gap
        if !title.isEmpty { t += Double(BitmapFont.capHeight * style.titleScale) + 2 * gap }
        if showTicks {
            let widest = yTicks.labels.map { BitmapFont.width(of: $0, scale: style.fontScale) }.max() ?? 0
            l += Double(widest) + Axes.tickLength + gap
            b += th + Axes.tickLength + gap
            // The last x tick label is centred on the right edge; leave room for its half.
            let lastX = Double(BitmapFont.width(of: xTicks.labels.last ?? "", scale: style.fontScale)) / 2
            r = max(r, lastX + gap)
        }
        if !yLabel.isEmpty { l += th + 2 * gap }
        if !xLabel.isEmpty { b += th + 2 * gap }
        if self.legendPosition == .outsideRight { r += legendSize.width + 2 * gap }
        left = l.rounded(); top = t.rounded()
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
        for v in xTicks.values {
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
        let fs = style.fontScale
        if showTicks {
            s.strokeRect(x: left, y: top, width: right - left, height: bottom - top, color: style.frameColor)
            for (v, label) in zip(xTicks.values, xTicks.labels) {
                let x = px(v).rounded() + 0.5
                s.polyline([(x, bottom + 1), (x, bottom + 1 + Axes.tickLength)], color: style.ink, lineWidth: 1, group: nil)
                s.text(label, x: x, y: bottom + 1 + Axes.tickLength + gap, scale: fs, color: style.ink,
                       anchor: .top, rotation: .horizontal, bold: false)
            }
            for (v, label) in zip(yTicks.values, yTicks.labels) {
                let y = py(v).rounded() + 0.5
                s.polyline([(left - Axes.tickLength, y), (left, y)], color: style.ink, lineWidth: 1, group: nil)
                s.text(label, x: left - Axes.tickLength - gap, y: y, scale: fs, color: style.ink,
                       anchor: .right, rotation: .horizontal, bold: false)
            }
        }
        if !title.isEmpty {
            s.text(title, x: (left + right) / 2, y: 3 * gap, scale: style.titleScale, color: style.ink,
                   anchor: .top, rotation: .horizontal, bold: true)
        }
        if !xLabel.isEmpty {
            s.text(xLabel, x: (left + right) / 2, y: Double(height) - 3 * gap, scale: fs, color: style.ink,
                   anchor: .bottom, rotation: .horizontal, bold: false)
        }
        if !yLabel.isEmpty {
            s.text(yLabel, x: 3 * gap, y: (top + bottom) / 2, scale: fs, color: style.ink,
                   anchor: .top, rotation: .vertical, bold: false)
        }
    }

    // MARK: Legend

    var legendRowHeight: Double { textHeight + 3 * unit + 4 }
    var swatchWidth: Double { 10 * unit + 4 }

    var legendSize: (width: Double, height: Double) {
        let widest = Double(legend.map { BitmapFont.width(of: $0.name, scale: style.fontScale) }.max() ?? 0)
        let pad = 4 * unit
        return (pad * 2 + swatchWidth + pad + widest, pad * 2 + Double(legend.count) * legendRowHeight - 3 * unit)
    }

    /// The legend's top-left corner. `occupied` holds data positions in pixels, used by
    /// `.automatic` to pick the corner whose box covers the fewest of them.
    func legendOrigin(occupied: [(x: Double, y: Double)]) -> (x: Double, y: Double)? {
        let (w, h) = legendSize
        let inset = 6 * unit
        let corners: [LegendPosition: (Double, Double)] = [
            .topRight: (right - inset - w, top + inset),
            .topLeft: (left + inset, top + inset),
            .bottomRight: (right - inset - w, bottom - inset - h),
            .bottomLeft: (left + inset, bottom - inset - h),
        ]
        switch legendPosition {
        case .hidden: return nil
        case .outsideRight: return (right + 4 * unit * 2, top)
        case .automatic:
            var best: (Double, Double) = corners[.topRight]!
            var bestCount = Int.max
            for pos in [LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft] {
                let (x, y) = corners[pos]!
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
                s.marker(.circle, cx: sx + swatchWidth / 2, cy: cy, size: 4 * unit + 2, color: entry.color)
            }
            s.text(entry.name, x: sx + swatchWidth + pad, y: cy, scale: style.fontScale, color: style.ink,
                   anchor: .left, rotation: .horizontal, bold: false)
        }
    }
}
