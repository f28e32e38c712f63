import CLatentCairo
import Foundation

/// The font of every picture: DejaVu Sans (Debian's `fonts-dejavu-core`), found by fontconfig
/// through Cairo's toy font API, at sizes derived from the integer font scales of `PlotStyle`.
public enum PlotFont {
    /// The fontconfig family name asked for.
    public static let family = "DejaVu Sans"

    /// Pixel size (em) of text at font scale `scale`: 11 px at 1 (small pictures), 14 px at 2,
    /// 18 px at 3, then 4 px more per step.
    public static func size(scale: Int) -> Double {
        switch max(1, scale) {
        case 1: 11
        case 2: 14
        case let s: 18 + 4 * Double(s - 3)
        }
    }
}

/// Measures text as Cairo will draw it: advance widths, the cap height that `TextAnchor` pins,
/// line wrapping, and which characters the font has no glyph for.
///
/// Metrics are unhinted, so a text measures the same on the PNG, SVG and PDF surfaces and a
/// layout computed once fits all three. Not thread-safe: make one per rendering.
public final class TextMetrics {
    private let surface: OpaquePointer
    private let context: OpaquePointer

    /// A measuring context on a 1×1 image surface.
    public init() {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        context = cairo_create(surface)
        TextMetrics.configure(context)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// The font options every context uses: unhinted metrics (layout independent of the output
    /// format) and grayscale anti-aliasing (no colour fringes in PNGs).
    static func configure(_ cr: OpaquePointer) {
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(cr, options)
        cairo_font_options_destroy(options)
    }

    /// Selects the plot font at `size` pixels, bold or regular, on `cr`.
    static func select(_ cr: OpaquePointer, size: Double, bold: Bool) {
        cairo_select_font_face(cr, PlotFont.family, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// The advance width of `text` in pixels.
    public func width(_ text: String, size: Double, bold: Bool = false) -> Double {
        guard !text.isEmpty else { return 0 }
        TextMetrics.select(context, size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// The height of the capitals (the top of "H" above the baseline) in pixels.
    public func capHeight(size: Double, bold: Bool = false) -> Double {
        TextMetrics.select(context, size: size, bold: bold)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, "H", &extents)
        return -extents.y_bearing
    }

    /// Distance between baselines of consecutive lines.
    public func lineHeight(size: Double, bold: Bool = false) -> Double {
        TextMetrics.select(context, size: size, bold: bold)
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return extents.height
    }

    /// How far descenders reach below the baseline.
    public func descent(size: Double, bold: Bool = false) -> Double {
        TextMetrics.select(context, size: size, bold: bold)
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return extents.descent
    }

    /// The characters of `text` the font draws as its "missing glyph" box (glyph index 0).
    public func missingCharacters(in text: String, bold: Bool = false) -> [Character] {
        TextMetrics.select(context, size: 12, bold: bold)
        let font = cairo_get_scaled_font(context)
        var missing = [Character]()
        for ch in text where !ch.isWhitespace {
            var glyphs: UnsafeMutablePointer<cairo_glyph_t>? = nil
            var count: Int32 = 0
            let utf8 = String(ch)
            let status = cairo_scaled_font_text_to_glyphs(font, 0, 0, utf8, -1, &glyphs, &count, nil, nil, nil)
            if status != CAIRO_STATUS_SUCCESS || count == 0 || (0..<Int(count)).contains(where: { glyphs![$0].index == 0 }) {
                missing.append(ch)
            }
            cairo_glyph_free(glyphs)
        }
        return missing
    }

    /// `text` broken at spaces into lines no wider than `maxWidth`; a word wider than that on
    /// its own is cut at characters. Never returns an empty array.
    public func wrap(_ text: String, size: Double, bold: Bool = false, maxWidth: Double) -> [String] {
        guard width(text, size: size, bold: bold) > maxWidth else { return [text] }
        var lines = [String]()
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if width(candidate, size: size, bold: bold) <= maxWidth {
                line = candidate
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            // A word longer than a whole line: cut it where it overflows.
            var rest = Substring(word)
            while width(String(rest), size: size, bold: bold) > maxWidth && rest.count > 1 {
                var cut = rest.count - 1
                while cut > 1 && width(String(rest.prefix(cut)), size: size, bold: bold) > maxWidth { cut -= 1 }
                lines.append(String(rest.prefix(cut)))
                rest = rest.dropFirst(cut)
            }
            line = String(rest)
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }
}
