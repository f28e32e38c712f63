import CLatentCairo
import Foundation

/// A text as drawn: its string, size and ink box in picture pixels. Tests check these boxes lie
/// inside the picture and the strings have every glyph.
struct DrawnText {
    var text: String
    var size: Double
    var bold: Bool
    var x0: Double, y0: Double, x1: Double, y1: Double
}

/// Accumulates the bytes Cairo streams out of an SVG or PDF surface.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// A `PlotSurface` drawing with Cairo on any of its surfaces: an ARGB image (read back as a
/// `Canvas`, then PNG), an SVG document or a PDF page, all from the same calls.
final class CairoSurface: PlotSurface {
    let width: Int
    let height: Int
    let metrics = TextMetrics()
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    /// Every text drawn so far, in order.
    private(set) var drawnTexts: [DrawnText] = []

    /// Takes ownership of `surface` and paints `background` over it when given.
    private init(surface: OpaquePointer, width: Int, height: Int, background: Color?) {
        self.surface = surface
        self.width = width
        self.height = height
        cr = cairo_create(surface)
        TextMetrics.configure(cr)
        if let background {
            setColor(background)
            cairo_paint(cr)
        }
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// A surface on an ARGB image of `width × height` pixels.
    static func image(width: Int, height: Int, background: Color? = .white) -> CairoSurface {
        CairoSurface(surface: cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)),
                     width: width, height: height, background: background)
    }

    // MARK: One drawing, three formats

    /// Draws with `draw` on an image surface and returns the pixels.
    static func canvas(width: Int, height: Int, background: Color, draw: (CairoSurface) -> Void) -> Canvas {
        let s = image(width: width, height: height, background: background)
        draw(s)
        return s.canvas()
    }

    /// Draws with `draw` on an SVG surface (user units are pixels) and returns the document.
    static func svg(width: Int, height: Int, background: Color, draw: (CairoSurface) -> Void) -> String {
        let bytes = stream(width: width, height: height, background: background, draw: draw) { write, sink in
            let surface = cairo_svg_surface_create_for_stream(write, sink, Double(width), Double(height))
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
            return surface
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Draws with `draw` on a one-page PDF (one point per pixel) and returns the file.
    static func pdf(width: Int, height: Int, background: Color, draw: (CairoSurface) -> Void) -> [UInt8] {
        stream(width: width, height: height, background: background, draw: draw) { write, sink in
            let surface = cairo_pdf_surface_create_for_stream(write, sink, Double(width), Double(height))
            // A fixed creation date keeps the same picture byte-identical across runs.
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
            return surface
        }
    }

    /// Runs `draw` on a streaming surface made by `create` and returns what it wrote once finished.
    private static func stream(width: Int, height: Int, background: Color, draw: (CairoSurface) -> Void,
                               create: (cairo_write_func_t, UnsafeMutableRawPointer) -> OpaquePointer?) -> [UInt8] {
        let sink = ByteSink()
        let opaqueSink = Unmanaged.passUnretained(sink).toOpaque()
        let write: cairo_write_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }
        withExtendedLifetime(sink) {
            guard let raw = create(write, opaqueSink) else { return }
            let s = CairoSurface(surface: raw, width: width, height: height, background: background)
            draw(s)
            cairo_surface_finish(raw)
        }
        return sink.bytes
    }

    /// The image surface's pixels as a straight-alpha RGBA canvas.
    func canvas() -> Canvas {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        if let data = cairo_image_surface_get_data(surface) {
            for y in 0..<height {
                let row = data.advanced(by: y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { $0 }
                for x in 0..<width {
                    // ARGB32 is a native-endian 32-bit word with premultiplied colour.
                    let v = row[x]
                    let a = UInt32(v >> 24), o = (y * width + x) * 4
                    guard a > 0 else { continue }
                    func straight(_ c: UInt32) -> UInt8 { UInt8(min(255, (c * 255 + a / 2) / a)) }
                    pixels[o] = straight((v >> 16) & 0xFF)
                    pixels[o + 1] = straight((v >> 8) & 0xFF)
                    pixels[o + 2] = straight(v & 0xFF)
                    pixels[o + 3] = UInt8(a)
                }
            }
        }
        return Canvas(width: width, height: height, pixels: pixels)
    }

    /// An ARGB32 image surface holding `canvas` (premultiplied), for painting it elsewhere.
    static func imageSurface(of canvas: Canvas) -> OpaquePointer {
        let s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(canvas.width), Int32(canvas.height))!
        let stride = Int(cairo_image_surface_get_stride(s))
        if let data = cairo_image_surface_get_data(s) {
            canvas.pixels.withUnsafeBufferPointer { p in
                for y in 0..<canvas.height {
                    let row = data.advanced(by: y * stride).withMemoryRebound(to: UInt32.self, capacity: canvas.width) { $0 }
                    for x in 0..<canvas.width {
                        let o = (y * canvas.width + x) * 4
                        let a = UInt32(p[o + 3])
                        func pre(_ c: UInt8) -> UInt32 { (UInt32(c) * a + 127) / 255 }
                        row[x] = a << 24 | pre(p[o]) << 16 | pre(p[o + 1]) << 8 | pre(p[o + 2])
                    }
                }
            }
        }
        cairo_surface_mark_dirty(s)
        return s
    }

    // MARK: Drawing

    private func setColor(_ c: Color) {
        cairo_set_source_rgba(cr, Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255, Double(c.a) / 255)
    }

    func fillRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        setColor(color)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    func strokeRect(x: Double, y: Double, width w: Double, height h: Double, color: Color) {
        setColor(color)
        cairo_set_line_width(cr, 1)
        cairo_rectangle(cr, x.rounded() + 0.5, y.rounded() + 0.5, w.rounded(), h.rounded())
        cairo_stroke(cr)
    }

    func polyline(_ points: [(x: Double, y: Double)], color: Color, lineWidth: Double, group: String?) {
        guard points.count > 1 else { return }
        setColor(color)
        cairo_set_line_width(cr, lineWidth)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_move_to(cr, points[0].x, points[0].y)
        for p in points.dropFirst() { cairo_line_to(cr, p.x, p.y) }
        cairo_stroke(cr)
    }

    func marker(_ shape: MarkerShape, cx: Double, cy: Double, size: Double, color: Color) {
        guard cx.isFinite, cy.isFinite else { return }
        setColor(color)
        let h = size / 2
        switch shape {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, cx, cy, h, 0, 2 * Double.pi)
            cairo_fill(cr)
        case .square:
            cairo_rectangle(cr, cx - h, cy - h, size, size)
            cairo_fill(cr)
        case .cross:
            cairo_set_line_width(cr, max(1, size / 4))
            cairo_move_to(cr, cx - h, cy - h); cairo_line_to(cr, cx + h, cy + h)
            cairo_move_to(cr, cx - h, cy + h); cairo_line_to(cr, cx + h, cy - h)
            cairo_stroke(cr)
        }
    }

    func dots(_ centres: [(x: Double, y: Double)], size: Double, color: Color) {
        guard !centres.isEmpty else { return }
        setColor(color)
        // A zero-length subpath stroked with round caps is a disc of the line's width; one path
        // of such subpaths is written to SVG as a single <path> of "M x y Z" pieces. Centres are
        // kept to a tenth of a pixel, which is all a picture can show and keeps the numbers short.
        cairo_set_line_width(cr, size)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_new_path(cr)
        for p in centres where p.x.isFinite && p.y.isFinite {
            cairo_move_to(cr, (p.x * 10).rounded() / 10, (p.y * 10).rounded() / 10)
            cairo_close_path(cr)
        }
        cairo_stroke(cr)
    }

    func text(_ text: String, x: Double, y: Double, size: Double, color: Color,
              anchor: TextAnchor, rotation: TextRotation, bold: Bool) {
        guard !text.isEmpty else { return }
        let advance = metrics.width(text, size: size, bold: bold)
        let cap = metrics.capHeight(size: size, bold: bold)
        TextMetrics.select(cr, size: size, bold: bold)
        var ink = cairo_text_extents_t()
        cairo_text_extents(cr, text, &ink)
        // Text coordinates: origin at the anchor point, baseline `baseline` below it.
        let dx = -anchor.x * advance, baseline = (1 - anchor.y) * cap
        cairo_save(cr)
        cairo_translate(cr, x, y)
        if rotation == .vertical { cairo_rotate(cr, -Double.pi / 2) }
        setColor(color)
        cairo_move_to(cr, dx, baseline)
        cairo_show_text(cr, text)
        cairo_restore(cr)
        // The ink box in text coordinates, turned into picture coordinates.
        let u0 = dx + ink.x_bearing, u1 = u0 + ink.width
        let v0 = baseline + ink.y_bearing, v1 = v0 + ink.height
        switch rotation {
        case .horizontal:
            drawnTexts.append(DrawnText(text: text, size: size, bold: bold, x0: x + u0, y0: y + v0, x1: x + u1, y1: y + v1))
        case .vertical:
            // Rotating by -90°: (u, v) ↦ (v, -u).
            drawnTexts.append(DrawnText(text: text, size: size, bold: bold, x0: x + v0, y0: y - u1, x1: x + v1, y1: y - u0))
        }
    }

    func grayscaleImage(_ values: [Float], imageWidth: Int, imageHeight: Int,
                        x: Double, y: Double, scale: Int, ink: Color?) {
        guard imageWidth > 0, imageHeight > 0, values.count >= imageWidth * imageHeight else { return }
        var pixels = [UInt8](repeating: 0, count: imageWidth * imageHeight * 4)
        for i in 0..<(imageWidth * imageHeight) {
            let raw = values[i]
            let v = raw.isNaN ? 0 : max(0, min(1, raw))
            if let ink {
                pixels[4 * i] = ink.r; pixels[4 * i + 1] = ink.g; pixels[4 * i + 2] = ink.b
                pixels[4 * i + 3] = UInt8((Double(ink.a) * Double(v)).rounded())
            } else {
                let g = UInt8((v * 255).rounded())
                pixels[4 * i] = g; pixels[4 * i + 1] = g; pixels[4 * i + 2] = g; pixels[4 * i + 3] = 255
            }
        }
        let s = Double(max(1, scale))
        picture(Canvas(width: imageWidth, height: imageHeight, pixels: pixels), x: x, y: y,
                width: Double(imageWidth) * s, height: Double(imageHeight) * s)
    }

    func picture(_ canvas: Canvas, x: Double, y: Double, width w: Double, height h: Double) {
        let image = CairoSurface.imageSurface(of: canvas)
        defer { cairo_surface_destroy(image) }
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, w / Double(canvas.width), h / Double(canvas.height))
        cairo_set_source_surface(cr, image, 0, 0)
        // Nearest neighbour: image pixels stay square blocks, as in the grid pictures.
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
        cairo_rectangle(cr, 0, 0, Double(canvas.width), Double(canvas.height))
        cairo_fill(cr)
        cairo_restore(cr)
    }
}
