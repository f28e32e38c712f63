import Foundation

/// What a plot needs from an output format. Plots lay themselves out once and draw through this
/// protocol; `CairoSurface` is the one implementation, on an image (PNG), SVG or PDF target, so
/// every format shows the same picture.
protocol PlotSurface {
    var width: Int { get }
    var height: Int { get }
    /// Measures text exactly as `text(…)` will draw it.
    var metrics: TextMetrics { get }
    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, color: Color)
    /// A 1-pixel outline whose edges run through pixel centres of the given (rounded) box.
    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double, color: Color)
    mutating func polyline(_ points: [(x: Double, y: Double)], color: Color, lineWidth: Double, group: String?)
    mutating func marker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color)
    /// Round dots of one diameter and colour at `centres`, drawn as one shape: a scatter of
    /// thousands of points becomes one SVG path per call instead of one element per point.
    /// Overlapping dots of the same call are painted once, so translucent dots do not darken
    /// where they overlap each other (they do over earlier calls).
    mutating func dots(_ centres: [(x: Double, y: Double)], size: Double, color: Color)
    /// `text` at `size` pixels with `anchor` of its box (advance width × cap height) at `(x, y)`.
    mutating func text(_ text: String, x: Double, y: Double, size: Double, color: Color,
                       anchor: TextAnchor, rotation: TextRotation, bold: Bool)
    /// A grayscale image (values in [0, 1]) with top-left `(x, y)`, each pixel a `scale`-sided
    /// block; with `ink`, intensity is that colour's opacity (digit thumbnails on a scatter plot).
    mutating func grayscaleImage(_ values: [Float], imageWidth: Int, imageHeight: Int,
                                 x: Double, y: Double, scale: Int, ink: Color?)
    /// An RGBA picture (an image grid) drawn at `(x, y)` stretched to `width × height`, pixels kept sharp.
    mutating func picture(_ canvas: Canvas, x: Double, y: Double, width: Double, height: Double)
    /// Marks the start and end of a named group of elements (a series); kept for formats that
    /// could carry structure, ignored by Cairo.
    mutating func beginGroup(_ name: String)
    mutating func endGroup()
}

extension PlotSurface {
    mutating func beginGroup(_ name: String) {}
    mutating func endGroup() {}
}

/// Escaping for text and attribute values in XML and HTML.
enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab/newline are not allowed in XML 1.0 at all.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
