import Foundation
import LatentTensor

/// Tiles a batch of small images into one picture: samples, reconstructions, learned filters.
///
/// Accepted tensors: `[n, h*w]` (square images, or pass `imageHeight`), `[n, h, w]`, and
/// `[n, c, h, w]` with `c` = 1 (gray) or 3 (RGB). Values are intensities in [0, 1]; anything
/// outside is clamped and NaN shows as black.
///
/// The picture is `columns·w·scale + (columns+1)·padding` wide (plus the label column when
/// there are row labels) and `rows·h·scale + (rows+1)·padding` tall.
public struct ImageGrid: Sendable {
    /// Images per row.
    public var columns: Int
    /// Pixels between images and around the border.
    public var padding: Int
    /// Integer upscaling of each image pixel (MNIST's 28×28 is tiny on screen).
    public var scale: Int
    /// Colour of the padding.
    public var background: Color
    /// Text drawn left of each row (row `i` gets `rowLabels[i]`; missing entries stay blank).
    public var rowLabels: [String]
    /// Image height for `[n, h*w]` input that is not square; `nil` means square.
    public var imageHeight: Int?
    /// Heading above the grid (wrapped to the grid's width); empty for none.
    public var title: String = ""
    /// Text under each image (`captions[i]` under image `i`; missing entries stay blank), e.g. a
    /// classifier's answer. Shrunk to the image's width when longer.
    public var captions: [String] = []
    /// Colour of each caption (`captionColors[i]`; missing entries use the ink colour), e.g. red
    /// for a wrong answer.
    public var captionColors: [Color] = []

    /// A grid configuration; render it with `canvas(_:)` or `png(_:)`.
    public init(columns: Int = 8, padding: Int = 2, scale: Int = 1, background: Color = .white,
                rowLabels: [String] = [], imageHeight: Int? = nil, title: String = "", captions: [String] = []) {
        self.title = title
        self.captions = captions
        precondition(columns > 0, "ImageGrid: columns must be positive, got \(columns)")
        precondition(padding >= 0 && scale > 0, "ImageGrid: padding \(padding) and scale \(scale) must be ≥ 0 and > 0")
        self.columns = columns; self.padding = padding; self.scale = scale
        self.background = background; self.rowLabels = rowLabels; self.imageHeight = imageHeight
    }

    /// The images' geometry, read from the tensor's shape.
    struct Layout {
        var count: Int, channels: Int, height: Int, width: Int
    }

    func geometry(of images: Tensor) -> Layout {
        let s = images.shape
        switch s.count {
        case 2:
            let n = s[0], hw = s[1]
            let h = imageHeight ?? Int(Double(hw).squareRoot().rounded())
            precondition(h > 0 && hw % h == 0 && (imageHeight != nil || h * h == hw),
                         "ImageGrid: rows of \(hw) values in shape \(s) are not square images; pass imageHeight")
            return Layout(count: n, channels: 1, height: h, width: hw / h)
        case 3:
            return Layout(count: s[0], channels: 1, height: s[1], width: s[2])
        case 4:
            precondition(s[1] == 1 || s[1] == 3, "ImageGrid: shape \(s) has \(s[1]) channels, expected 1 or 3")
            return Layout(count: s[0], channels: s[1], height: s[2], width: s[3])
        default:
            preconditionFailure("ImageGrid: shape \(s) is not [n, h*w], [n, h, w] or [n, c, h, w]")
        }
    }

    /// Width of the row-label column (0 without labels).
    private func labelColumnWidth(_ metrics: TextMetrics) -> Int {
        let widest = rowLabels.map { metrics.width($0, size: labelSize) }.max() ?? 0
        return widest == 0 ? 0 : Int(widest.rounded(.up)) + labelGap + max(8, 2 * padding)
    }

    /// Space between a row label and its row.
    private var labelGap: Int { max(6, padding * 2) }

    /// Labels grow with the images: small text beside 56-pixel digits is hard to read.
    private var labelSize: Double { PlotFont.size(scale: scale >= 2 ? 2 : 1) }

    /// The title size: one step above the labels.
    private var titleSize: Double { labelSize + 3 }

    /// Height of the caption band under each row (0 without captions).
    private func captionHeight(_ metrics: TextMetrics) -> Int {
        captions.contains { !$0.isEmpty } ? Int((metrics.lineHeight(size: labelSize) + 2).rounded(.up)) : 0
    }

    /// The title broken into lines that fit `width`.
    private func titleLines(_ metrics: TextMetrics, width: Int) -> [String] {
        title.isEmpty ? [] : metrics.wrap(title, size: titleSize, bold: true, maxWidth: Double(width - 2 * max(6, padding)))
    }

    /// Height of the title band (0 without a title).
    private func titleHeight(_ metrics: TextMetrics, width: Int) -> Int {
        let lines = titleLines(metrics, width: width).count
        return lines == 0 ? 0 : Int((Double(lines) * metrics.lineHeight(size: titleSize, bold: true) + 8).rounded(.up))
    }

    /// Where everything goes: picture size, grid origin, bands.
    private struct Frame {
        var width: Int, height: Int, x0: Int, y0: Int, captionHeight: Int
    }

    private func frame(count: Int, imageHeight h: Int, imageWidth w: Int, metrics: TextMetrics) -> Frame {
        let cols = columns
        let rows = max(1, (count + cols - 1) / cols)
        let x0 = labelColumnWidth(metrics)
        let width = x0 + cols * w * scale + (cols + 1) * padding
        let ch = captionHeight(metrics)
        let y0 = titleHeight(metrics, width: width)
        return Frame(width: width, height: y0 + rows * (h * scale + ch) + (rows + 1) * padding,
                     x0: x0, y0: y0, captionHeight: ch)
    }

    /// The pixel size of the grid for `count` images of `height × width`.
    public func size(count: Int, imageHeight h: Int, imageWidth w: Int) -> (width: Int, height: Int) {
        let f = frame(count: count, imageHeight: h, imageWidth: w, metrics: TextMetrics())
        return (f.width, f.height)
    }

    /// Top-left pixel of image `i`.
    private func origin(of i: Int, _ g: Layout, _ f: Frame) -> (x: Int, y: Int) {
        (f.x0 + padding + (i % columns) * (g.width * scale + padding),
         f.y0 + padding + (i / columns) * (g.height * scale + f.captionHeight + padding))
    }

    /// The grid drawn on a canvas: raw pixels copied directly, text drawn with Cairo.
    public func canvas(_ images: Tensor) -> Canvas {
        let metrics = TextMetrics()
        let g = geometry(of: images)
        let f = frame(count: g.count, imageHeight: g.height, imageWidth: g.width, metrics: metrics)
        var c = Canvas(width: f.width, height: f.height, background: background)
        let plane = g.height * g.width
        images.withUnsafeBufferPointer { buf in
            for i in 0..<g.count {
                let (ox, oy) = origin(of: i, g, f)
                let base = i * g.channels * plane
                for yy in 0..<g.height {
                    for xx in 0..<g.width {
                        let p = yy * g.width + xx
                        let color: Color
                        if g.channels == 3 {
                            func byte(_ k: Int) -> UInt8 { ImageGrid.byte(buf[base + k * plane + p]) }
                            color = Color(r: byte(0), g: byte(1), b: byte(2))
                        } else {
                            let v = ImageGrid.byte(buf[base + p])
                            color = Color(r: v, g: v, b: v)
                        }
                        for dy in 0..<scale {
                            for dx in 0..<scale { c.setPixel(x: ox + xx * scale + dx, y: oy + yy * scale + dy, color) }
                        }
                    }
                }
            }
        }
        let rows = (g.count + columns - 1) / columns
        let ink = (Int(background.r) + Int(background.g) + Int(background.b)) > 384 ? Color.ink : Color.white
        let hasText = !title.isEmpty || rowLabels.contains { !$0.isEmpty } || captions.contains { !$0.isEmpty }
        guard hasText else { return c }
        c.withCairo { s in
            let titleLineHeight = metrics.lineHeight(size: titleSize, bold: true)
            let cap = metrics.capHeight(size: titleSize, bold: true)
            for (i, line) in titleLines(metrics, width: f.width).enumerated() {
                s.text(line, x: Double(f.width) / 2, y: 6 + Double(i) * titleLineHeight + (titleLineHeight - cap) / 2,
                       size: titleSize, color: ink, anchor: .top, rotation: .horizontal, bold: true)
            }
            for (r, label) in rowLabels.enumerated() where r < rows && !label.isEmpty {
                let cy = f.y0 + padding + r * (g.height * scale + f.captionHeight + padding) + g.height * scale / 2
                s.text(label, x: Double(f.x0 - labelGap), y: Double(cy), size: labelSize, color: ink,
                       anchor: .right, rotation: .horizontal, bold: false)
            }
            let cell = Double(g.width * scale + padding)
            for (i, caption) in captions.enumerated() where i < g.count && !caption.isEmpty {
                let (ox, oy) = origin(of: i, g, f)
                // Shrink a caption wider than its image (and the padding beside it) until it fits.
                let natural = metrics.width(caption, size: labelSize)
                let size = natural > cell - 2 ? max(6, labelSize * (cell - 2) / natural) : labelSize
                let color = i < captionColors.count ? captionColors[i] : ink
                s.text(caption, x: Double(ox) + Double(g.width * scale) / 2, y: Double(oy + g.height * scale) + 3,
                       size: size, color: color, anchor: .top, rotation: .horizontal, bold: false)
            }
        }
        return c
    }

    /// The grid as a PNG file.
    public func png(_ images: Tensor) -> [UInt8] { canvas(images).png() }

    /// Writes the grid's PNG to `url` atomically.
    public func writePNG(_ images: Tensor, to url: URL) throws(PlotError) {
        try PlotFile.write(Data(png(images)), to: url)
    }

    /// Intensity in [0, 1] to a byte, clamping and mapping NaN to 0.
    @inline(__always)
    static func byte(_ v: Float) -> UInt8 {
        guard v > 0 else { return 0 }  // also catches NaN
        return v >= 1 ? 255 : UInt8((v * 255).rounded())
    }

    // MARK: Conveniences

    /// Originals above their reconstructions: row pairs of `top` and `bottom` images, at most
    /// `columns` per row (all of them in one row pair by default), labelled when `labels` is given.
    ///
    /// `top` and `bottom` must have the same shape. `title` goes above the grid (empty for none).
    public static func comparison(top: Tensor, bottom: Tensor, columns: Int? = nil, padding: Int = 2,
                                  scale: Int = 2, labels: (top: String, bottom: String)? = ("original", "reconstruction"),
                                  imageHeight: Int? = nil, title: String = "") -> Canvas {
        precondition(top.shape == bottom.shape,
                     "ImageGrid.comparison: top \(top.shape) and bottom \(bottom.shape) differ")
        let n = top.shape.first ?? 0
        precondition(n > 0, "ImageGrid.comparison: no images")
        let cols = min(max(1, columns ?? n), n)
        // Interleave chunks of `cols` images: top chunk, its bottom chunk, next top chunk, …
        // Unfilled slots in a short last chunk stay blank.
        let per = top.count / n
        let chunks = (n + cols - 1) / cols
        var merged = [Float](repeating: .nan, count: 2 * chunks * cols * per)
        top.withUnsafeBufferPointer { t in
            bottom.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let chunk = i / cols, col = i % cols
                    let ti = (2 * chunk) * cols + col, bi = (2 * chunk + 1) * cols + col
                    for k in 0..<per {
                        merged[ti * per + k] = t[i * per + k]
                        merged[bi * per + k] = b[i * per + k]
                    }
                }
            }
        }
        var shape = top.shape
        shape[0] = 2 * chunks * cols
        var rowLabels = [String]()
        if let labels { for _ in 0..<chunks { rowLabels += [labels.top, labels.bottom] } }
        let grid = ImageGrid(columns: cols, padding: padding, scale: scale, rowLabels: rowLabels, imageHeight: imageHeight,
                             title: title)
        var canvas = grid.canvas(Tensor(shape: shape, scalars: merged))
        // Blank (NaN) slots were painted black; turn them back into background.
        let g = grid.geometry(of: top)
        let f = grid.frame(count: shape[0], imageHeight: g.height, imageWidth: g.width, metrics: TextMetrics())
        for i in n..<(chunks * cols) {
            for half in 0..<2 {
                let slot = (2 * (i / cols) + half) * cols + (i % cols)
                let (ox, oy) = grid.origin(of: slot, g, f)
                canvas.fillRect(x: ox, y: oy, width: g.width * scale, height: g.height * scale, .white)
            }
        }
        return canvas
    }

    /// Visualises learned filters: each row of `weights` (`[k, h*w]`, or `[k, c, h, w]` per filter)
    /// is stretched to its own minimum…maximum, so every filter uses the full gray range whatever
    /// its magnitude. Constant filters come out mid-gray. `title` goes above the grid (empty for none).
    public static func filters(_ weights: Tensor, columns: Int = 10, padding: Int = 1, scale: Int = 2,
                               imageHeight: Int? = nil, title: String = "") -> Canvas {
        let k = weights.shape.first ?? 0
        precondition(weights.rank >= 2 && k > 0, "ImageGrid.filters: weights of shape \(weights.shape) have no filters")
        let per = weights.count / k
        var normalised = weights.scalars
        for r in 0..<k {
            let row = normalised[(r * per)..<((r + 1) * per)].filter { $0.isFinite }
            let lo = row.min() ?? 0, hi = row.max() ?? 0
            for j in (r * per)..<((r + 1) * per) {
                let v = normalised[j]
                normalised[j] = hi > lo ? (v.isFinite ? (v - lo) / (hi - lo) : 0) : 0.5
            }
        }
        let grid = ImageGrid(columns: min(columns, k), padding: padding, scale: scale,
                             background: Color(hex: 0x404040), imageHeight: imageHeight, title: title)
        return grid.canvas(Tensor(shape: weights.shape, scalars: normalised))
    }
}
