import Testing
@testable import LatentPlot

/// Pixels of `canvas` that differ from `background`, as (x, y) pairs.
func inked(_ canvas: Canvas, background: Color = .white) -> [(x: Int, y: Int)] {
    var out = [(x: Int, y: Int)]()
    for y in 0..<canvas.height { for x in 0..<canvas.width where canvas[x, y] != background { out.append((x, y)) } }
    return out
}

@Suite("Canvas")
struct CanvasTests {
    @Test func fillAndSetPixel() {
        var c = Canvas(width: 4, height: 3, background: .black)
        #expect(c.pixels.count == 48)
        #expect(c[3, 2] == .black)
        c.setPixel(x: 1, y: 2, Color(hex: 0x112233))
        #expect(c[1, 2] == Color(r: 0x11, g: 0x22, b: 0x33))
        c.setPixel(x: 9, y: 9, .white)  // outside: ignored, no trap
        c.fill(.white)
        #expect(inked(c).isEmpty)
    }

    @Test func alphaBlending() {
        var c = Canvas(width: 1, height: 1, background: .white)
        c.blendPixel(x: 0, y: 0, Color(r: 0, g: 0, b: 0, a: 128))
        let v = c[0, 0]
        #expect(abs(Int(v.r) - 127) <= 1 && v.r == v.g && v.g == v.b && v.a == 255)
        // Onto a transparent pixel, the colour keeps its own value and alpha.
        var t = Canvas(width: 1, height: 1, background: .clear)
        t.blendPixel(x: 0, y: 0, Color(r: 200, g: 100, b: 50, a: 100))
        #expect(t[0, 0] == Color(r: 200, g: 100, b: 50, a: 100))
        // Coverage scales opacity.
        var k = Canvas(width: 1, height: 1)
        k.blendPixel(x: 0, y: 0, .black, coverage: 0.25)
        #expect(abs(Int(k[0, 0].r) - 191) <= 1)
    }

    @Test func rectangles() {
        var c = Canvas(width: 10, height: 8)
        c.fillRect(x: 2, y: 1, width: 3, height: 4, .black)
        let px = inked(c)
        #expect(px.count == 12)
        #expect(px.allSatisfy { (2...4).contains($0.x) && (1...4).contains($0.y) })
        var s = Canvas(width: 10, height: 8)
        s.strokeRect(x: 1, y: 1, width: 5, height: 4, .black)
        #expect(inked(s).count == 2 * 5 + 2 * 2)
        #expect(s[1, 1] == .black && s[5, 4] == .black && s[3, 2] == .white)
        // Clipped at the edges instead of trapping.
        s.fillRect(x: -5, y: -5, width: 100, height: 100, .black)
        #expect(inked(s).count == 80)
    }

    @Test func plainLines() {
        var c = Canvas(width: 20, height: 10)
        c.drawLine(from: (2, 5), to: (12, 5), color: .black, antialiased: false)
        let h = inked(c)
        #expect(h.count == 11 && h.allSatisfy { $0.y == 5 && (2...12).contains($0.x) })
        var d = Canvas(width: 10, height: 10)
        d.drawLine(from: (0, 0), to: (9, 9), color: .black, antialiased: false)
        let diag = inked(d)
        #expect(diag.count == 10 && diag.allSatisfy { $0.x == $0.y })
        var v = Canvas(width: 10, height: 10)
        v.drawLine(from: (4.5, 1), to: (4.5, 9), color: .black, lineWidth: 3, antialiased: false)
        #expect(Set(inked(v).map(\.x)) == [3, 4, 5])
    }

    @Test func antialiasedLineIsCrispOnPixelCentresAndSoftElsewhere() {
        var c = Canvas(width: 20, height: 10)
        c.drawLine(from: (2.5, 4.5), to: (15.5, 4.5), color: .black, lineWidth: 1)
        #expect(c[8, 4] == .black)
        #expect(c[8, 3] == .white && c[8, 5] == .white)
        var s = Canvas(width: 20, height: 10)
        s.drawLine(from: (2, 4), to: (16, 4), color: .black, lineWidth: 1)  // straddles rows 3 and 4
        #expect(s[8, 3].r > 0 && s[8, 3].r < 255 && s[8, 4].r > 0 && s[8, 4].r < 255)
        var d = Canvas(width: 30, height: 30)
        d.drawLine(from: (3, 3), to: (27, 20), color: .black, lineWidth: 2)
        #expect(d[15, 11].r < 128)  // on the line (y = 3 + 17/24·(x - 3))
        #expect(d[15, 20] == .white)
    }

    @Test func circles() {
        var c = Canvas(width: 21, height: 21)
        c.fillCircle(cx: 10.5, cy: 10.5, radius: 5, color: .black, antialiased: false)
        #expect(c[10, 10] == .black && c[10, 5] == .black && c[10, 4] == .white && c[14, 14] == .white)
        let n = inked(c).count
        #expect(abs(Double(n) - Double.pi * 25) < 12)
    }

    @Test func textHasGlyphsOfTheRightHeight() {
        for scale in 1...3 {
            var c = Canvas(width: 200, height: 60)
            c.drawText("HELLO 0.5", x: 10, y: 20, color: .black, scale: scale)
            let px = inked(c)
            let ys = px.map(\.y), xs = px.map(\.x)
            #expect(ys.min() == 20 && ys.max() == 20 + 7 * scale - 1, "scale \(scale)")
            #expect(xs.min() == 10)
            #expect(xs.max()! - xs.min()! + 1 <= BitmapFont.width(of: "HELLO 0.5", scale: scale))
        }
        // Descenders go below the baseline.
        var g = Canvas(width: 40, height: 30)
        g.drawText("gy", x: 5, y: 5, color: .black)
        #expect(inked(g).map(\.y).max() == 5 + 8)
    }

    @Test func everyAdvertisedCharacterHasItsOwnGlyph() {
        let required = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,-+:()%=_/[]<>"
        for ch in required {
            #expect(BitmapFont.contains(ch), "missing \(ch)")
            if ch != " " { #expect(BitmapFont.rows(for: ch).contains { $0 != 0 }, "blank glyph \(ch)") }
        }
        // No two letters or digits share a bitmap.
        let glyphs = required.filter { $0.isLetter || $0.isNumber }.map { BitmapFont.rows(for: $0) }
        #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == glyphs.count)
    }

    @Test func anchoredAndRotatedText() {
        var c = Canvas(width: 100, height: 100)
        c.drawText("AB", x: 50, y: 50, color: .black, anchor: .center)
        let px = inked(c)
        #expect(px.map(\.x).min()! >= 50 - 6 && px.map(\.x).max()! < 50 + 6)
        var r = Canvas(width: 100, height: 100)
        r.drawText("ABCD", x: 20, y: 80, color: .black, rotation: .vertical)
        let rp = inked(r)
        // Rotated: 7 pixels wide, 23 tall, running upwards from y = 80.
        #expect(rp.map(\.x).min() == 20 && rp.map(\.x).max() == 26)
        #expect(rp.map(\.y).max() == 79 && rp.map(\.y).min() == 80 - 23)
    }

    @Test func pngOfCanvasDecodes() throws {
        var c = Canvas(width: 7, height: 5)
        c.fillRect(x: 1, y: 1, width: 2, height: 2, Color(hex: 0xFF0000))
        let opaque = try PNG.decode(c.png())
        #expect(opaque.colorType == .rgb)
        #expect(Canvas(image: opaque) == c)
        c.setPixel(x: 0, y: 0, Color(r: 1, g: 2, b: 3, a: 4))
        let rgba = try PNG.decode(c.png())
        #expect(rgba.colorType == .rgba && Canvas(image: rgba) == c)
    }
}
