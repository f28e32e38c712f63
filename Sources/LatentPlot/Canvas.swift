import Foundation

/// Where a piece of text is pinned relative to the point it is drawn at, as fractions of its box.
///
/// The box is the text's width by its cap height (descenders hang below it), before rotation:
/// `(0, 0)` is the top-left corner, `(1, 1)` the bottom-right (the baseline at the end).
public struct TextAnchor: Sendable, Hashable {
    /// 0 = left edge, 0.5 = centre, 1 = right edge.
    public var x: Double
    /// 0 = top of the capitals, 0.5 = middle, 1 = baseline.
    public var y: Double

    /// An anchor at fractions `x`, `y` of the text box.
    public init(x: Double, y: Double) { self.x = x; self.y = y }

    /// The `topLeft` point of the text box.
    public static let topLeft = TextAnchor(x: 0, y: 0)
    /// The `top` point of the text box.
    public static let top = TextAnchor(x: 0.5, y: 0)
    /// The `topRight` point of the text box.
    public static let topRight = TextAnchor(x: 1, y: 0)
    /// The `left` point of the text box.
    public static let left = TextAnchor(x: 0, y: 0.5)
    /// The `center` point of the text box.
    public static let center = TextAnchor(x: 0.5, y: 0.5)
    /// The `right` point of the text box.
    public static let right = TextAnchor(x: 1, y: 0.5)
    /// The `bottomLeft` point of the text box.
    public static let bottomLeft = TextAnchor(x: 0, y: 1)
    /// The `bottom` point of the text box.
    public static let bottom = TextAnchor(x: 0.5, y: 1)
    /// The `bottomRight` point of the text box.
    public static let bottomRight = TextAnchor(x: 1, y: 1)
}

/// The direction text runs in.
public enum TextRotation: Sendable, Hashable {
    /// Left to right.
    case horizontal
    /// Bottom to top, turned 90° counter-clockwise: the usual y-axis label.
    case vertical
}

/// An RGBA raster to draw plots on: `width × height` pixels, top row first, straight alpha.
///
/// Coordinates are continuous: pixel `(i, j)` covers `[i, i+1) × [j, j+1)`, so its centre is
/// `(i + 0.5, j + 0.5)`. Anti-aliased shapes compute how much of each pixel they cover from the
/// distance between the pixel centre and the shape; a 1-pixel line crisp on the pixel grid is
/// therefore drawn at `y = j + 0.5`.
public struct Canvas: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// `width * height * 4` bytes: red, green, blue, alpha per pixel.
    public private(set) var pixels: [UInt8]

    /// A canvas filled with `background` (white by default).
    public init(width: Int, height: Int, background: Color = .white) {
        precondition(width > 0 && height > 0, "Canvas: size \(width)x\(height) must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        fill(background)
    }

    /// A canvas over existing RGBA bytes (`width * height * 4` of them).
    init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 4, "Canvas: \(pixels.count) bytes for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A canvas holding a decoded image (any colour type), e.g. one read with `PNG.decode`.
    public init(image: PNGImage) {
        self.init(width: image.width, height: image.height, background: .clear)
        let c = image.colorType.channels
        for i in 0..<(width * height) {
            let s = i * c, d = i * 4
            switch image.colorType {
            case .grayscale, .grayscaleAlpha:
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s]; pixels[d + 2] = image.pixels[s]
                pixels[d + 3] = c == 2 ? image.pixels[s + 1] : 255
            case .rgb, .rgba:
                pixels[d] = image.pixels[s]; pixels[d + 1] = image.pixels[s + 1]; pixels[d + 2] = image.pixels[s + 2]
                pixels[d + 3] = c == 4 ? image.pixels[s + 3] : 255
            }
        }
    }

    // MARK: Pixels

    /// The colour at column `x`, row `y` (which must be inside the canvas).
    public subscript(x: Int, y: Int) -> Color {
        get {
            precondition(contains(x: x, y: y), "Canvas: pixel (\(x), \(y)) outside \(width)x\(height)")
            let o = (y * width + x) * 4
            return Color(r: pixels[o], g: pixels[o + 1], b: pixels[o + 2], a: pixels[o + 3])
        }
        set { setPixel(x: x, y: y, newValue) }
    }

    /// Whether `(x, y)` is a pixel of this canvas.
    @inline(__always)
    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Sets every pixel to `color`, replacing what was there (no blending).
    public mutating func fill(_ color: Color) {
        pixels.withUnsafeMutableBufferPointer { p in
            for i in stride(from: 0, to: p.count, by: 4) {
                p[i] = color.r; p[i + 1] = color.g; p[i + 2] = color.b; p[i + 3] = color.a
            }
        }
    }

    /// Replaces one pixel with `color` (no blending); pixels outside the canvas are ignored.
    public mutating func setPixel(x: Int, y: Int, _ color: Color) {
        guard contains(x: x, y: y) else { return }
        let o = (y * width + x) * 4
        pixels[o] = color.r; pixels[o + 1] = color.g; pixels[o + 2] = color.b; pixels[o + 3] = color.a
    }

    /// Paints `color` over one pixel with "source over" alpha compositing; `coverage` (0…1) scales
    /// the colour's opacity, which is how anti-aliased edges are drawn. Outside pixels are ignored.
    public mutating func blendPixel(x: Int, y: Int, _ color: Color, coverage: Double = 1) {
        guard contains(x: x, y: y), coverage > 0 else { return }
        let sa = Double(color.a) / 255 * min(1, coverage)
        guard sa > 0 else { return }
        let o = (y * width + x) * 4
        if sa >= 1 {
            pixels[o] = color.r; pixels[o + 1] = color.g; pixels[o + 2] = color.b; pixels[o + 3] = 255
            return
        }
        let da = Double(pixels[o + 3]) / 255
        let oa = sa + da * (1 - sa)
        func mix(_ s: UInt8, _ d: UInt8) -> UInt8 {
            UInt8(max(0, min(255, ((Double(s) * sa + Double(d) * da * (1 - sa)) / oa).rounded())))
        }
        pixels[o] = mix(color.r, pixels[o])
        pixels[o + 1] = mix(color.g, pixels[o + 1])
        pixels[o + 2] = mix(color.b, pixels[o + 2])
        pixels[o + 3] = UInt8((oa * 255).rounded())
    }

    // MARK: Shapes

    /// Fills the pixel rectangle with top-left `(x, y)` and the given size, blending `color`.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { blendPixel(x: xx, y: yy, color) } }
    }

    /// Outlines the pixel rectangle with top-left `(x, y)` and the given size with lines
    /// `lineWidth` pixels thick, drawn inside the rectangle.
    public mutating func strokeRect(x: Int, y: Int, width w: Int, height h: Int, _ color: Color,
                                    lineWidth: Int = 1) {
        let t = max(1, min(lineWidth, w / 2, h / 2))
        fillRect(x: x, y: y, width: w, height: t, color)
        fillRect(x: x, y: y + h - t, width: w, height: t, color)
        fillRect(x: x, y: y + t, width: t, height: h - 2 * t, color)
        fillRect(x: x + w - t, y: y + t, width: t, height: h - 2 * t, color)
    }

    /// Draws a line segment from `(x0, y0)` to `(x1, y1)`.
    ///
    /// Anti-aliased lines are capsules `lineWidth` wide (round ends), so joined segments of a
    /// polyline meet without gaps. Plain lines light whole pixels: width-1 lines follow Bresenham's
    /// algorithm between the pixels containing the end points, wider ones every pixel whose centre
    /// lies within half the width of the segment.
    public mutating func drawLine(from p0: (x: Double, y: Double), to p1: (x: Double, y: Double),
                                  color: Color, lineWidth: Double = 1, antialiased: Bool = true) {
        guard p0.x.isFinite, p0.y.isFinite, p1.x.isFinite, p1.y.isFinite else { return }
        if !antialiased && lineWidth <= 1 {
            bresenham(Int(p0.x.rounded(.down)), Int(p0.y.rounded(.down)),
                      Int(p1.x.rounded(.down)), Int(p1.y.rounded(.down)), color)
            return
        }
        let r = max(lineWidth, 0.5) / 2
        let pad = r + 1
        let xs = max(0, Int((min(p0.x, p1.x) - pad).rounded(.down)))
        let xe = min(width - 1, Int((max(p0.x, p1.x) + pad).rounded(.up)))
        let ys = max(0, Int((min(p0.y, p1.y) - pad).rounded(.down)))
        let ye = min(height - 1, Int((max(p0.y, p1.y) + pad).rounded(.up)))
        guard xs <= xe, ys <= ye else { return }
        let dx = p1.x - p0.x, dy = p1.y - p0.y
        let len2 = dx * dx + dy * dy
        for py in ys...ye {
            for px in xs...xe {
                let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                // Distance from the pixel centre to the nearest point of the segment.
                var t = len2 > 0 ? ((cx - p0.x) * dx + (cy - p0.y) * dy) / len2 : 0
                t = max(0, min(1, t))
                let ex = p0.x + t * dx - cx, ey = p0.y + t * dy - cy
                let d = (ex * ex + ey * ey).squareRoot()
                if antialiased {
                    let cover = r + 0.5 - d
                    if cover > 0 { blendPixel(x: px, y: py, color, coverage: cover) }
                } else if d <= r {
                    blendPixel(x: px, y: py, color)
                }
            }
        }
    }

    /// Draws connected segments through `points`; consecutive points are joined, nothing else.
    public mutating func drawPolyline(_ points: [(x: Double, y: Double)], color: Color,
                                      lineWidth: Double = 1, antialiased: Bool = true) {
        guard points.count > 1 else { return }
        if color.a == 255 || !antialiased {
            for i in 1..<points.count {
                drawLine(from: points[i - 1], to: points[i], color: color, lineWidth: lineWidth,
                         antialiased: antialiased)
            }
            return
        }
        // A translucent polyline drawn segment by segment would darken where segments overlap at
        // the joints; draw it opaque on a scratch layer and composite that once instead.
        var layer = Canvas(width: width, height: height, background: .clear)
        var opaque = color
        opaque.a = 255
        for i in 1..<points.count {
            layer.drawLine(from: points[i - 1], to: points[i], color: opaque, lineWidth: lineWidth)
        }
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let a = layer.pixels[o + 3]
                if a > 0 { blendPixel(x: x, y: y, color, coverage: Double(a) / 255) }
            }
        }
    }

    private mutating func bresenham(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: Color) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            blendPixel(x: x, y: y, color)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// Fills the disc of `radius` around `(cx, cy)`, with soft edges when `antialiased`.
    public mutating func fillCircle(cx: Double, cy: Double, radius: Double, color: Color,
                                    antialiased: Bool = true) {
        guard cx.isFinite, cy.isFinite, radius > 0 else { return }
        let xs = max(0, Int((cx - radius - 1).rounded(.down)))
        let xe = min(width - 1, Int((cx + radius + 1).rounded(.up)))
        let ys = max(0, Int((cy - radius - 1).rounded(.down)))
        let ye = min(height - 1, Int((cy + radius + 1).rounded(.up)))
        guard xs <= xe, ys <= ye else { return }
        for py in ys...ye {
            for px in xs...xe {
                let dx = Double(px) + 0.5 - cx, dy = Double(py) + 0.5 - cy
                let d = (dx * dx + dy * dy).squareRoot()
                if antialiased {
                    let cover = radius + 0.5 - d
                    if cover > 0 { blendPixel(x: px, y: py, color, coverage: cover) }
                } else if d <= radius {
                    blendPixel(x: px, y: py, color)
                }
            }
        }
    }

    /// Draws a plot marker of `size` (its diameter or side, in pixels) centred on `(cx, cy)`.
    public mutating func drawMarker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color) {
        let h = size / 2
        switch shape {
        case .circle:
            fillCircle(cx: cx, cy: cy, radius: h, color: color)
        case .square:
            let x0 = Int((cx - h).rounded()), y0 = Int((cy - h).rounded())
            let s = max(1, Int(size.rounded()))
            fillRect(x: x0, y: y0, width: s, height: s, color)
        case .cross:
            let w = max(1, size / 4)
            drawLine(from: (cx - h, cy - h), to: (cx + h, cy + h), color: color, lineWidth: w)
            drawLine(from: (cx - h, cy + h), to: (cx + h, cy - h), color: color, lineWidth: w)
        }
    }

    // MARK: Text

    /// Draws `text` in the plot font (DejaVu Sans through Cairo, anti-aliased) at the size of
    /// font scale `scale` (`PlotFont.size(scale:)`).
    ///
    /// `(x, y)` is where `anchor` of the text box (advance width × cap height) lands; with
    /// `.vertical` rotation the box is turned counter-clockwise about that point, so the text
    /// reads bottom to top.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: Color = .ink, scale: Int = 1,
                                  anchor: TextAnchor = .topLeft, rotation: TextRotation = .horizontal) {
        drawText(text, x: Double(x), y: Double(y), size: PlotFont.size(scale: scale), color: color,
                 anchor: anchor, rotation: rotation)
    }

    /// Draws `text` at `size` pixels (bold if asked), `anchor` of its box at `(x, y)`.
    public mutating func drawText(_ text: String, x: Double, y: Double, size: Double, color: Color = .ink,
                                  anchor: TextAnchor = .topLeft, rotation: TextRotation = .horizontal,
                                  bold: Bool = false) {
        withCairo { $0.text(text, x: x, y: y, size: size, color: color, anchor: anchor, rotation: rotation, bold: bold) }
    }

    /// The advance width in pixels of `text` drawn by `drawText(_:x:y:color:scale:…)` at `scale`.
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        Int(TextMetrics().width(text, size: PlotFont.size(scale: scale)).rounded(.up))
    }

    /// Lets `body` draw on this canvas through Cairo (one round trip for any number of calls).
    mutating func withCairo(_ body: (CairoSurface) -> Void) {
        let surface = CairoSurface.image(width: width, height: height, background: nil)
        surface.picture(self, x: 0, y: 0, width: Double(width), height: Double(height))
        body(surface)
        self = surface.canvas()
    }

    // MARK: Images

    /// Copies another canvas onto this one with its top-left corner at `(x, y)`, alpha blended.
    public mutating func draw(_ other: Canvas, x: Int, y: Int) {
        for sy in 0..<other.height {
            for sx in 0..<other.width {
                let o = (sy * other.width + sx) * 4
                let c = Color(r: other.pixels[o], g: other.pixels[o + 1], b: other.pixels[o + 2], a: other.pixels[o + 3])
                blendPixel(x: x + sx, y: y + sy, c)
            }
        }
    }

    /// Draws a grayscale image given as intensities in [0, 1] (clamped; NaN counts as 0), each
    /// source pixel a `scale × scale` block, top-left at `(x, y)`.
    ///
    /// Without `ink` the intensities are painted as grays. With `ink`, intensity becomes that
    /// colour's opacity, so the image's dark background stays see-through — the way digit
    /// thumbnails are overlaid on a scatter plot.
    public mutating func drawGrayscale(_ values: UnsafeBufferPointer<Float>, imageWidth: Int, imageHeight: Int,
                                       x: Int, y: Int, scale: Int = 1, ink: Color? = nil) {
        precondition(values.count >= imageWidth * imageHeight,
                     "Canvas.drawGrayscale: \(values.count) values for a \(imageWidth)x\(imageHeight) image")
        let s = max(1, scale)
        for iy in 0..<imageHeight {
            for ix in 0..<imageWidth {
                let raw = values[iy * imageWidth + ix]
                let v = raw.isNaN ? 0 : max(0, min(1, raw))
                for dy in 0..<s {
                    for dx in 0..<s {
                        let px = x + ix * s + dx, py = y + iy * s + dy
                        if let ink {
                            blendPixel(x: px, y: py, ink, coverage: Double(v))
                        } else {
                            setPixel(x: px, y: py, Color(gray: v))
                        }
                    }
                }
            }
        }
    }

    // MARK: Output

    /// The canvas as an RGBA image.
    public var image: PNGImage { PNGImage(width: width, height: height, colorType: .rgba, pixels: pixels) }

    /// The canvas encoded as a PNG file. When every pixel is opaque the alpha channel is dropped,
    /// which makes the file a quarter smaller and keeps viewers from drawing a checkerboard.
    public func png() -> [UInt8] {
        var opaque = true
        for i in stride(from: 3, to: pixels.count, by: 4) where pixels[i] != 255 { opaque = false; break }
        guard opaque else { return PNG.encode(image) }
        var rgb = [UInt8]()
        rgb.reserveCapacity(width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 4) { rgb += pixels[i..<(i + 3)] }
        return PNG.encode(width: width, height: height, colorType: .rgb, pixels: rgb)
    }

    /// Writes `png()` to `url`, replacing any existing file only once the new one is complete.
    public func writePNG(to url: URL) throws(PlotError) {
        try PlotFile.write(Data(png()), to: url)
    }
}

/// Shapes a plot can mark data points with.
public enum MarkerShape: Sendable, Hashable {
    /// A filled disc.
    case circle
    /// A filled axis-aligned square.
    case square
    /// An ×.
    case cross
}
