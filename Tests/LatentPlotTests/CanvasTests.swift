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

    @Test func textIsDrawnAtItsAnchorWithTheFontsCapHeight() {
        let metrics = TextMetrics()
        for scale in 1...3 {
            var c = Canvas(width: 260, height: 80)
            c.drawText("HELLO 0.5", x: 10, y: 20, color: .black, scale: scale)
            let px = inked(c)
            let ys = px.map(\.y), xs = px.map(\.x)
            let cap = metrics.capHeight(size: PlotFont.size(scale: scale))
            // Anti-aliased edges may touch the neighbouring pixel row or column.
            #expect(abs(Double(ys.min()!) - 20) <= 1, "scale \(scale)")
            #expect(abs(Double(ys.max()! + 1) - (20 + cap)) <= 1.5, "scale \(scale)")
            #expect(abs(xs.min()! - 10) <= 2)
            #expect(xs.max()! - xs.min()! + 1 <= Canvas.textWidth("HELLO 0.5", scale: scale))
        }
        // Descenders go below the baseline.
        var g = Canvas(width: 40, height: 40)
        g.drawText("gy", x: 5, y: 5, color: .black)
        // (The bottom edge of the lowest inked row lies at least a pixel below the baseline.)
        #expect(Double(inked(g).map(\.y).max()! + 1) > 5 + metrics.capHeight(size: PlotFont.size(scale: 1)) + 1)
    }

    @Test func anchoredAndRotatedText() {
        var c = Canvas(width: 100, height: 100)
        c.drawText("AB", x: 50, y: 50, color: .black, anchor: .center)
        let px = inked(c)
        let cx = Double(px.map(\.x).min()! + px.map(\.x).max()!) / 2, cy = Double(px.map(\.y).min()! + px.map(\.y).max()!) / 2
        #expect(abs(cx - 50) <= 2 && abs(cy - 50) <= 2)
        var r = Canvas(width: 100, height: 100)
        r.drawText("ABCD", x: 20, y: 80, color: .black, rotation: .vertical)
        let rp = inked(r)
        // Rotated: the capitals' tops at x = 20, the text running upwards from y = 80.
        let cap = TextMetrics().capHeight(size: PlotFont.size(scale: 1))
        #expect(abs(rp.map(\.x).min()! - 20) <= 1 && abs(Double(rp.map(\.x).max()! + 1) - (20 + cap)) <= 1.5)
        #expect(rp.map(\.y).max()! <= 80 && rp.map(\.y).max()! >= 77)
        #expect(80 - rp.map(\.y).min()! > 3 * Int(cap))
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
