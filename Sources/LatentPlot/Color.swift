/// An 8-bit sRGB colour with straight (not premultiplied) alpha.
public struct Color: Sendable, Hashable {
    /// Red, 0…255.
    public var r: UInt8
    /// Green, 0…255.
    public var g: UInt8
    /// Blue, 0…255.
    public var b: UInt8
    /// Opacity, 0 (transparent) … 255 (opaque).
    public var a: UInt8

    /// A colour from its four components.
    public init(r: UInt8, g: UInt8, b: UInt8, a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// A colour from `0xRRGGBB`, fully opaque.
    public init(hex: UInt32) {
        self.init(r: UInt8((hex >> 16) & 0xFF), g: UInt8((hex >> 8) & 0xFF), b: UInt8(hex & 0xFF))
    }

    /// A gray of the given level, 0 (black) … 1 (white); out-of-range values are clamped.
    public init(gray level: Float) {
        let v = UInt8((max(0, min(1, level.isNaN ? 0 : level)) * 255).rounded())
        self.init(r: v, g: v, b: v)
    }

    /// The same colour with opacity `alpha` (0…1).
    public func opacity(_ alpha: Double) -> Color {
        var c = self
        c.a = UInt8((max(0, min(1, alpha)) * 255).rounded())
        return c
    }

    /// This colour mixed with white: `amount` 0 keeps it, 1 gives white. For light fills and grids.
    public func lightened(_ amount: Double) -> Color {
        func mix(_ v: UInt8) -> UInt8 { UInt8((Double(v) + (255 - Double(v)) * max(0, min(1, amount))).rounded()) }
        return Color(r: mix(r), g: mix(g), b: mix(b), a: a)
    }

    /// `#rrggbb`, as used by SVG and CSS.
    public var hexString: String {
        func h(_ v: UInt8) -> String {
            let s = String(v, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + h(r) + h(g) + h(b)
    }

    /// Opaque black.
    public static let black = Color(r: 0, g: 0, b: 0)
    /// Opaque white.
    public static let white = Color(r: 255, g: 255, b: 255)
    /// Fully transparent.
    public static let clear = Color(r: 0, g: 0, b: 0, a: 0)
    /// Dark gray used for plot text and axes: softer than black, still high contrast on white.
    public static let ink = Color(hex: 0x262626)
    /// Light gray for grid lines.
    public static let grid = Color(hex: 0xE3E3E3)
}

/// A fixed qualitative palette: ten hues that stay distinguishable from each other on white,
/// in an order where neighbours contrast (so series 0 and 1 never look alike).
public enum Palette {
    /// The ten base colours.
    public static let qualitative: [Color] = [
        Color(hex: 0x2F6DB5),  // blue
        Color(hex: 0xF07F16),  // orange
        Color(hex: 0x2E9E44),  // green
        Color(hex: 0xD42A2F),  // red
        Color(hex: 0x8A5CC2),  // purple
        Color(hex: 0x8B5646),  // brown
        Color(hex: 0xE06DBE),  // pink
        Color(hex: 0x7A7A7A),  // gray
        Color(hex: 0xB5B51F),  // olive
        Color(hex: 0x17B3C9),  // cyan
    ]

    /// The colour for series or class `index`. Past ten, the hues repeat in darker and then lighter
    /// shades, so twenty classes still get distinct colours (only ten of them strongly distinct).
    public static func color(_ index: Int) -> Color {
        let n = qualitative.count
        let i = ((index % (3 * n)) + 3 * n) % (3 * n)
        let base = qualitative[i % n]
        switch i / n {
        case 0: return base
        case 1:
            return Color(r: UInt8(Double(base.r) * 0.6), g: UInt8(Double(base.g) * 0.6), b: UInt8(Double(base.b) * 0.6))
        default: return base.lightened(0.45)
        }
    }
}
