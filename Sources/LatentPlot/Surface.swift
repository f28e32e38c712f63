import Foundation

/// What a plot needs from an output format. Plots lay themselves out once and draw through this
/// protocol, so the PNG (via `Canvas`) and the SVG always show the same picture.
protocol PlotSurface {
    var width: Int { get }
    var height: Int { get }
    mutating func fillRect(x: Double, y: Double, width: Double, height: Double, color: Color)
    mutating func strokeRect(x: Double, y: Double, width: Double, height: Double, color: Color)
    mutating func polyline(_ points: [(x: Double, y: Double)], color: Color, lineWidth: Double, group: String?)
    mutating func marker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color)
    mutating func text(_ text: String, x: Double, y: Double, scale: Int, color: Color,
                       anchor: TextAnchor, rotation: TextRotation, bold: Bool)
    /// A grayscale image (values in [0, 1]) with top-left `(x, y)`; see `Canvas.drawGrayscale`.
    mutating func grayscaleImage(_ values: [Float], imageWidth: Int, imageHeight: Int,
                                 x: Double, y: Double, scale: Int, ink: Color?)
    /// Marks the start and end of a named group of elements (a series), for formats that keep
    /// structure; raster surfaces ignore it.
    mutating func beginGroup(_ name: String)
    mutating func endGroup()
}

extension Canvas: PlotSurface {
    mutating func fillRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        let x0 = Int(x.rounded()), y0 = Int(y.rounded())
        fillRect(x: x0, y: y0, width: Int((x + w).rounded()) - x0, height: Int((y + h).rounded()) - y0, color)
    }

    mutating func strokeRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        let x0 = Int(x.rounded()), y0 = Int(y.rounded())
        strokeRect(x: x0, y: y0, width: Int((x + w).rounded()) - x0 + 1, height: Int((y + h).rounded()) - y0 + 1, color)
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], color: Color, lineWidth: Double, group: String?) {
        drawPolyline(points, color: color, lineWidth: lineWidth)
    }

    mutating func marker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color) {
        drawMarker(shape, cx: cx, cy: cy, size: size, color: color)
    }

    mutating func text(_ text: String, x: Double, y: Double, scale: Int, color: Color,
                       anchor: TextAnchor, rotation: TextRotation, bold: Bool) {
        let xi = Int(x.rounded()), yi = Int(y.rounded())
        drawText(text, x: xi, y: yi, color: color, scale: scale, anchor: anchor, rotation: rotation)
        // Faux bold: a second pass one pixel along the writing direction thickens the stems
        // without changing the glyph shapes or the text's measured size by more than a pixel.
        if bold {
            switch rotation {
            case .horizontal: drawText(text, x: xi + 1, y: yi, color: color, scale: scale, anchor: anchor, rotation: rotation)
            case .vertical: drawText(text, x: xi, y: yi - 1, color: color, scale: scale, anchor: anchor, rotation: rotation)
            }
        }
    }

    mutating func grayscaleImage(_ values: [Float], imageWidth: Int, imageHeight: Int,
                                 x: Double, y: Double, scale: Int, ink: Color?) {
        values.withUnsafeBufferPointer {
            drawGrayscale($0, imageWidth: imageWidth, imageHeight: imageHeight,
                          x: Int(x.rounded()), y: Int(y.rounded()), scale: scale, ink: ink)
        }
    }

    mutating func beginGroup(_ name: String) {}
    mutating func endGroup() {}
}

/// Collects SVG elements; `document` wraps them in an `<svg>` root.
///
/// Text uses a monospace font at 10 px per font scale, whose 0.6 em advance matches the bitmap
/// font's 6-pixel advance, so labels measured for the PNG fit the SVG too.
struct SVGSurface: PlotSurface {
    let width: Int
    let height: Int
    private(set) var body: [String] = []

    init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        body.append("<rect width=\"\(width)\" height=\"\(height)\" fill=\"\(background.hexString)\"\(opacity(background, "fill"))/>")
    }

    var document: String {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
        s += "viewBox=\"0 0 \(width) \(height)\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\">\n"
        s += body.joined(separator: "\n")
        s += "\n</svg>\n"
        return s
    }

    private func opacity(_ c: Color, _ attribute: String) -> String {
        c.a == 255 ? "" : " \(attribute)-opacity=\"\(num(Double(c.a) / 255))\""
    }

    mutating func fillRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        body.append("<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(w))\" height=\"\(num(h))\" fill=\"\(color.hexString)\"\(opacity(color, "fill"))/>")
    }

    mutating func strokeRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        body.append("<rect x=\"\(num(x + 0.5))\" y=\"\(num(y + 0.5))\" width=\"\(num(w))\" height=\"\(num(h))\" fill=\"none\" stroke=\"\(color.hexString)\"\(opacity(color, "stroke"))/>")
    }

    mutating func polyline(_ points: [(x: Double, y: Double)], color: Color, lineWidth: Double, group: String?) {
        guard points.count > 1 else { return }
        let pts = points.map { "\(num($0.x)),\(num($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(pts)\" fill=\"none\" stroke=\"\(color.hexString)\"\(opacity(color, "stroke")) stroke-width=\"\(num(lineWidth))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>")
    }

    mutating func marker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color) {
        let fill = "fill=\"\(color.hexString)\"\(opacity(color, "fill"))"
        switch shape {
        case .circle:
            body.append("<circle cx=\"\(num(cx))\" cy=\"\(num(cy))\" r=\"\(num(size / 2))\" \(fill)/>")
        case .square:
            body.append("<rect x=\"\(num(cx - size / 2))\" y=\"\(num(cy - size / 2))\" width=\"\(num(size))\" height=\"\(num(size))\" \(fill)/>")
        case .cross:
            let h = size / 2
            body.append("<path d=\"M\(num(cx - h)),\(num(cy - h))L\(num(cx + h)),\(num(cy + h))M\(num(cx - h)),\(num(cy + h))L\(num(cx + h)),\(num(cy - h))\" stroke=\"\(color.hexString)\"\(opacity(color, "stroke")) stroke-width=\"\(num(max(1, size / 4)))\"/>")
        }
    }

    mutating func text(_ text: String, x: Double, y: Double, scale: Int, color: Color,
                       anchor: TextAnchor, rotation: TextRotation, bold: Bool) {
        let s = Double(max(1, scale))
        let textAnchor = anchor.x < 0.25 ? "start" : (anchor.x > 0.75 ? "end" : "middle")
        // SVG places text by its baseline; move from the anchor point down to it.
        let baseline = y + (1 - anchor.y) * Double(BitmapFont.capHeight) * s
        var attrs = "x=\"\(num(x))\" y=\"\(num(baseline))\" font-size=\"\(num(10 * s))\" text-anchor=\"\(textAnchor)\" fill=\"\(color.hexString)\""
        if bold { attrs += " font-weight=\"bold\"" }
        if rotation == .vertical { attrs += " transform=\"rotate(-90 \(num(x)) \(num(y)))\"" }
        body.append("<text \(attrs)>\(XML.escape(text))</text>")
    }

    mutating func grayscaleImage(_ values: [Float], imageWidth: Int, imageHeight: Int,
                                 x: Double, y: Double, scale: Int, ink: Color?) {
        var px = [UInt8]()
        let png: [UInt8]
        if let ink {
            px.reserveCapacity(values.count * 4)
            for v in values.prefix(imageWidth * imageHeight) {
                px += [ink.r, ink.g, ink.b, UInt8((Double(ink.a) * Double(v.isNaN ? 0 : max(0, min(1, v)))).rounded())]
            }
            png = PNG.encode(width: imageWidth, height: imageHeight, colorType: .rgba, pixels: px)
        } else {
            px = values.prefix(imageWidth * imageHeight).map { UInt8((Double(($0.isNaN ? 0 : max(0, min(1, $0)))) * 255).rounded()) }
            png = PNG.encode(width: imageWidth, height: imageHeight, colorType: .grayscale, pixels: px)
        }
        let s = Double(max(1, scale))
        body.append("<image x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(Double(imageWidth) * s))\" height=\"\(num(Double(imageHeight) * s))\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>")
    }

    mutating func beginGroup(_ name: String) {
        body.append("<g class=\"series\" data-name=\"\(XML.escape(name))\">")
    }

    mutating func endGroup() { body.append("</g>") }
}

/// Shortest decimal text for an SVG coordinate: two decimals at most, no trailing zeros.
func num(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (v * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    var s = String(format: "%.2f", r)
    while s.hasSuffix("0") { s.removeLast() }
    return s
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
