import Foundation
import LatentTensor
import Testing
@testable import LatentPlot

/// Text in charts: every glyph exists, every text lies inside its picture, titles wrap, integer
/// axes get integer ticks and point labels never overlap.
@Suite("Chart text")
struct ChartTextTests {
    /// Every drawn text is inside the picture (ink boxes, half a pixel of anti-aliasing allowed)
    /// and has a glyph for each character.
    func expectTextFits(_ s: CairoSurface, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!s.drawnTexts.isEmpty, "\(what): nothing drawn", sourceLocation: sourceLocation)
        for t in s.drawnTexts {
            let inside = t.x0 >= -0.5 && t.y0 >= -0.5 && t.x1 <= Double(s.width) + 0.5 && t.y1 <= Double(s.height) + 0.5
            #expect(inside, "\(what): \"\(t.text)\" at \(t.x0)…\(t.x1) × \(t.y0)…\(t.y1) leaves \(s.width)×\(s.height)",
                    sourceLocation: sourceLocation)
            #expect(s.metrics.missingCharacters(in: t.text, bold: t.bold).isEmpty, "\(what): \"\(t.text)\" has missing glyphs",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func theFontHasTheProjectsSymbols() {
        let metrics = TextMetrics()
        for text in ["Fréchet distance", "KL(P‖Q)", "β-VAE", "ε = 0.1", "L∞ radius", "×", "→", "ρ", "≥", "…"] {
            #expect(metrics.missingCharacters(in: text).isEmpty, "\(text)")
            #expect(metrics.missingCharacters(in: text, bold: true).isEmpty, "\(text) (bold)")
        }
        // The check can fail: a private-use code point has no glyph in any font.
        #expect(metrics.missingCharacters(in: "a\u{E000}b") == ["\u{E000}"])
    }

    @Test func symbolsRenderInsideALinePlot() {
        var plot = LinePlot(title: "Fréchet distance (features of Latent's MNIST classifier) — β and ε",
                            xLabel: "epoch", yLabel: "KL(P‖Q)", logY: true, width: 640, height: 400)
        plot.add("β = 4", y: (1...30).map { 2.0 / Double($0) + 0.05 })
        plot.add("ε = 0.1", y: (1...30).map { 3.0 / Double($0) + 0.09 })
        let s = CairoSurface.image(width: plot.width, height: plot.height)
        var surface = s
        plot.render(on: &surface)
        expectTextFits(s, "line plot")
        #expect(s.drawnTexts.contains { $0.text.contains("Fréchet") } && s.drawnTexts.contains { $0.text == "KL(P‖Q)" })
        // The last x tick (30, on the right edge) is whole.
        #expect(s.drawnTexts.contains { $0.text == "30" })
    }

    @Test func longTitlesWrapToThePicture() {
        let title = "t-SNE of MNIST test (mnist), perplexity 30, 5,000 points, Barnes-Hut gradient and PCA initialisation"
        var plot = ScatterPlot(x: [0, 1, 2], y: [0, 1, 0], labels: [0, 1, 2], title: title, width: 420, height: 360)
        plot.labelNames = ["zero", "one", "two"]
        let axes = plot.layout()
        #expect(axes.titleLines.count >= 2)
        #expect(axes.titleLines.joined(separator: " ") == title)
        let s = CairoSurface.image(width: plot.width, height: plot.height)
        var surface = s
        plot.render(on: &surface)
        expectTextFits(s, "scatter with a long title")
        // A single word longer than the line is cut, not clipped.
        let long = TextMetrics().wrap(String(repeating: "w", count: 80), size: 14, maxWidth: 200)
        #expect(long.count > 1 && long.allSatisfy { TextMetrics().width($0, size: 14) <= 200 })
    }

    @Test func integerAxesGetIntegerTicks() {
        let few = Ticks.linear(1, 3, maxCount: 8, expand: false, integer: true)
        #expect(few.values == [1, 2, 3] && few.labels == ["1", "2", "3"])
        let one = Ticks.linear(1, 1, maxCount: 8, expand: false, integer: true)
        #expect(one.values.allSatisfy { $0 == $0.rounded() })
        // Without `integer` the same range gets half steps — what epochs must not get.
        #expect(Ticks.linear(1, 3, maxCount: 8, expand: false).values.contains(1.5))
        var plot = LinePlot(xLabel: "epoch")
        plot.add("loss", y: [0.9, 0.5, 0.4])  // epochs 1, 2, 3
        #expect(plot.layout().xTicks.values == [1, 2, 3])
        var fractional = LinePlot()
        fractional.add("f", x: [0, 0.5, 1], y: [1, 2, 3])
        #expect(fractional.layout().xTicks.values.contains { $0 != $0.rounded() })
    }

    @Test func labelPlacerKeepsLabelsApartAndOffThePoints() {
        var rng = RandomGenerator(seed: 7)
        // Forty points crowded in the middle of a 600×400 area, each with a 60×14 label.
        let points = (0..<40).map { _ in (x: 300 + 60 * Double(rng.nextNormal()), y: 200 + 40 * Double(rng.nextNormal())) }
        let sizes = points.map { _ in (width: 60.0, height: 14.0) }
        let placer = LabelPlacer(bounds: (0, 0, 600, 400), pointRadius: 5, padding: 2)
        let boxes = placer.place(points: points, sizes: sizes)
        #expect(boxes.count == points.count)
        for i in boxes.indices {
            #expect(boxes[i].x0 >= 0 && boxes[i].x1 <= 600 && boxes[i].y0 >= 0 && boxes[i].y1 <= 400)
            for j in boxes.indices where j > i { #expect(!boxes[i].overlaps(boxes[j]), "labels \(i) and \(j) overlap") }
            for p in points {
                let n = boxes[i].nearestPoint(to: p.x, p.y)
                #expect(hypot(n.x - p.x, n.y - p.y) >= 5 - 1e-9, "label \(i) covers a point")
            }
        }
        // Some labels had to move away from their point, and say so.
        #expect(boxes.contains { $0.needsLeader })
    }

    @Test func wordMapLabelsDoNotOverlap() {
        // Words in two tight clusters, as a projection of topical words gives.
        var rng = RandomGenerator(seed: 3)
        let words = ["king", "queen", "prince", "princess", "monarch", "throne", "crown", "royal",
                     "apple", "banana", "cherry", "grape", "lemon", "mango", "orange", "peach"]
        let x = words.indices.map { Double($0 < 8 ? 0 : 1) + 0.05 * Double(rng.nextNormal()) }
        let y = words.indices.map { Double($0 < 8 ? 0 : 1) + 0.05 * Double(rng.nextNormal()) }
        var plot = ScatterPlot(x: x, y: y, title: "PCA of 16 word vectors", width: 800, height: 640)
        plot.pointLabels = words
        plot.showAxes = false
        let s = CairoSurface.image(width: plot.width, height: plot.height)
        var surface = s
        plot.render(on: &surface)
        expectTextFits(s, "word map")
        let labels = s.drawnTexts.filter { words.contains($0.text) }
        #expect(labels.count == words.count)
        for i in labels.indices {
            for j in labels.indices where j > i {
                let a = labels[i], b = labels[j]
                let overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
                #expect(!overlap, "\"\(a.text)\" overlaps \"\(b.text)\"")
            }
        }
    }

    @Test func imageGridTitleAndCaptions() throws {
        let images = Tensor(shape: [6, 16], repeating: 0)
        let plain = ImageGrid(columns: 3, padding: 2, scale: 4).canvas(images)
        var grid = ImageGrid(columns: 3, padding: 2, scale: 4, title: "Test digits the classifier gets wrong")
        grid.captions = ["7 → 1", "3 → 8", "4 → 9", "2 → 7", "5 → 3", "a caption far wider than its image"]
        let c = grid.canvas(images)
        #expect(c.width == plain.width && c.height > plain.height)
        // The title band above the images and the caption band under the first row hold ink.
        let ink = inked(c)
        let firstImageTop = ink.filter { c[$0.x, $0.y] == .black }.map(\.y).min()!
        #expect(ink.contains { $0.y < firstImageTop - 2 })
        #expect(ink.contains { $0.y > firstImageTop + 16 + 1 && $0.y < firstImageTop + 16 + 14 && c[$0.x, $0.y] != .black })
        #expect(try PNG.decode(grid.png(images)).height == c.height)
    }

    @Test func pictureplotNamesItsCells() {
        let picture = ImageGrid(columns: 5, padding: 0, scale: 4).canvas(Tensor(shape: [25, 16], repeating: 0.5))
        var plot = PicturePlot(picture: picture, columnValues: [-1.6, -0.7, 0, 0.7, 1.6],
                               rowValues: [1.6, 0.7, 0, -0.7, -1.6], title: "Decoded grid")
        plot.xLabel = "z0"; plot.yLabel = "z1"
        let axes = plot.layout()
        // The plot area is the picture, pixel for pixel.
        #expect(axes.right - axes.left == Double(picture.width) && axes.bottom - axes.top == Double(picture.height))
        #expect(axes.xTicks.labels.contains("-1.6") && axes.yTicks.labels.contains("1.6"))
        let s = CairoSurface.image(width: axes.width, height: axes.height)
        var surface = s
        plot.render(on: &surface, axes: axes)
        expectTextFits(s, "picture plot")
        #expect(s.drawnTexts.contains { $0.text == "z0" } && s.drawnTexts.contains { $0.text == "z1" })
    }

    @Test func svgAndPDFComeFromTheSameDrawing() throws {
        var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss", width: 640, height: 400)
        plot.add("train", y: [1, 0.5, 0.3])
        let svg = plot.svg()
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg") && svg.contains("width=\"640px\""))
        #expect(svg.contains("glyph"))  // text as outlines: no font needed to view it
        let pdf = plot.pdf()
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(pdf == plot.pdf())  // deterministic
    }

    @Test func htmlReportShowsTheSVGOfACHart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-svg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var plot = LinePlot(title: "Loss")
        plot.add("train", y: [1, 0.5, 0.3])
        try plot.writePNGAndSVG(to: dir.appendingPathComponent("loss.png"))
        try ImageGrid(columns: 2).writePNG(Tensor(shape: [2, 16], repeating: 1), to: dir.appendingPathComponent("grid.png"))
        var s = HTMLReport.Section("Run")
        s.image("loss.png", caption: "loss")
        s.image("grid.png", caption: "grid")
        let html = try String(contentsOf: HTMLReport(title: "T", sections: [s]).write(to: dir), encoding: .utf8)
        #expect(html.contains("<a href=\"loss.png\"><img src=\"loss.svg\""))
        #expect(html.contains("<img src=\"grid.png\""))
    }
}
