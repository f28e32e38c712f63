import Foundation
import LatentTensor
import Testing
@testable import LatentPlot

@Suite("Plots")
struct PlotTests {
    func lossPlot() -> LinePlot {
        var plot = LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss", width: 640, height: 400)
        plot.add("train", y: (1...30).map { 2.0 / Double($0) + 0.05 })
        plot.add("validation", y: (1...30).map { Float(2.2 / Double($0) + 0.09) })
        return plot
    }

    @Test func linePlotPNGHasRequestedSize() throws {
        let plot = lossPlot()
        let image = try PNG.decode(plot.png())
        #expect(image.width == 640 && image.height == 400)
        // Both series colours appear in the picture.
        let canvas = Canvas(image: image)
        var seen = Set<Color>()
        for y in 0..<canvas.height { for x in 0..<canvas.width { seen.insert(canvas[x, y]) } }
        #expect(seen.contains(Palette.color(0)) && seen.contains(Palette.color(1)))
    }

    /// The distinct colours of a picture.
    func colours(_ canvas: Canvas) -> Set<Color> {
        var seen = Set<Color>()
        for y in 0..<canvas.height { for x in 0..<canvas.width { seen.insert(canvas[x, y]) } }
        return seen
    }

    @Test func linePlotSVGIsAStandaloneDocument() {
        let svg = lossPlot().svg()
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("width=\"640px\" height=\"400px\""))
        #expect(svg.contains("<path"))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func linePlotWithMarkupInNamesAndBadValues() throws {
        var plot = LinePlot(title: "a < b & c", logY: true)
        plot.add("x<y", x: [1, 2, 3, 4], y: [1, .nan, 0, 0.01])  // NaN and 0 (on log y) break the line
        // Names are drawn as glyphs: nothing of them reaches the SVG's markup.
        #expect(!plot.svg().contains("a < b"))
        let s = CairoSurface.image(width: plot.width, height: plot.height)
        var surface = s
        plot.render(on: &surface)
        #expect(s.drawnTexts.contains { $0.text == "a < b & c" } && s.drawnTexts.contains { $0.text == "x<y" })
        #expect(try PNG.decode(plot.png()).width == 800)
    }

    @Test func legendAvoidsTheData() {
        // A curve falling from top-left to bottom-right leaves the top-right corner free.
        var plot = LinePlot(width: 600, height: 400)
        plot.add("a", y: (0..<50).map { exp(-Double($0) / 5) })
        plot.add("b", y: (0..<50).map { exp(-Double($0) / 8) })
        let axes = plot.layout()
        var occupied = [(x: Double, y: Double)]()
        for s in plot.series { for (x, y) in zip(s.x, s.y) { occupied.append((axes.px(x), axes.py(y))) } }
        let origin = axes.legendOrigin(occupied: occupied)!
        #expect(origin.x > (axes.left + axes.right) / 2 && origin.y < (axes.top + axes.bottom) / 2)
    }

    @Test func scatterPlotPNGAndSVG() throws {
        var rng = RandomGenerator(seed: 1)
        let n = 300
        var pts = [Float](), labels = [Int]()
        for i in 0..<n {
            let k = i % 3
            pts += [Float(k * 5) + rng.nextNormal(), Float(k % 2 * 4) + rng.nextNormal()]
            labels.append(k)
        }
        var plot = ScatterPlot(points: Tensor(shape: [n, 2], scalars: pts), labels: labels, title: "clusters",
                               width: 500, height: 400)
        plot.labelNames = ["zero", "one", "two"]
        let image = try PNG.decode(plot.png())
        #expect(image.width == 500 && image.height == 400)
        // Every point is a zero-length subpath ("M x y Z") of its class's dot path.
        #expect(plot.svg().components(separatedBy: "Z M").count + 3 >= n)
        let s = CairoSurface.image(width: plot.width, height: plot.height)
        var surface = s
        plot.render(on: &surface)
        #expect(s.drawnTexts.contains { $0.text == "zero" } && s.drawnTexts.contains { $0.text == "two" })
        // The legend swatches are drawn opaque in the class colours.
        let seen = colours(Canvas(image: image))
        for k in 0..<3 { #expect(seen.contains(Palette.color(k))) }
    }

    /// Dots are drawn as one path per class and layer with coordinates to 0.1 px, so a
    /// 10,000-point scatter's SVG stays small (one `<path>` per dot made it 2.8 MB).
    @Test func manyPointScattersStayCompactInSVG() throws {
        var rng = RandomGenerator(seed: 3)
        let n = 10_000
        var pts = [Float](), labels = [Int]()
        for i in 0..<n {
            pts += [rng.nextNormal() * 10, rng.nextNormal() * 10]
            labels.append(i % 10)
        }
        let plot = ScatterPlot(points: Tensor(shape: [n, 2], scalars: pts), labels: labels, title: "10,000 points")
        let svg = plot.svg()
        let paths = svg.components(separatedBy: "<path").count - 1
        let subpaths = svg.components(separatedBy: " Z M ").count - 1
        #expect(svg.utf8.count < 600_000, "SVG of \(svg.utf8.count) bytes")
        #expect(paths < 1_000, "\(paths) <path> elements")
        // All 10,000 dots are there: one subpath each, in 10 classes × 20 layers of paths.
        #expect(subpaths + 200 >= n, "\(subpaths) dot subpaths")
        // The PNG still shows every class's colour.
        let seen = colours(Canvas(image: try PNG.decode(plot.png())))
        for k in 0..<10 { #expect(seen.contains(Palette.color(k))) }
    }

    @Test func scatterThumbnails() throws {
        let n = 40, side = 8
        var rng = RandomGenerator(seed: 2)
        let xy = (0..<(2 * n)).map { _ in rng.nextFloat() * 10 }
        var imgs = [Float](repeating: 0, count: n * side * side)
        for i in 0..<n { for p in 0..<side { imgs[i * side * side + p * side + p] = 1 } }  // a diagonal stroke
        var plot = ScatterPlot(points: Tensor(shape: [n, 2], scalars: xy), labels: (0..<n).map { $0 % 4 },
                               width: 300, height: 300)
        plot.thumbnails = .init(images: Tensor(shape: [n, side * side], scalars: imgs), side: side, scale: 2)
        let image = try PNG.decode(plot.png())
        #expect(image.width == 300 && image.height == 300)
        #expect(plot.svg().contains("data:image/png;base64,"))
    }

    @Test func degenerateInputsStillRender() throws {
        var empty = LinePlot(width: 200, height: 150)
        #expect(try PNG.decode(empty.png()).width == 200)
        empty.add("one point", x: [3.0], y: [7.0])
        empty.add("flat", y: [2.0, 2, 2])
        #expect(try PNG.decode(empty.png()).height == 150)
        // The lone point gets a marker: its series colour appears.
        #expect(colours(empty.canvas()).contains(Palette.color(0)))
        let none = ScatterPlot(x: [], y: [], width: 120, height: 100)
        #expect(try PNG.decode(none.png()).width == 120)
        let same = ScatterPlot(x: [1, 1], y: [2, 2], labels: [0, 1])
        #expect(colours(same.canvas()).contains(Palette.color(1)))  // the second class has its legend swatch
    }

    @Test func paletteHasTenDistinctColours() {
        let first = (0..<10).map { Palette.color($0) }
        #expect(Set(first).count == 10)
        #expect(Set((0..<30).map { Palette.color($0) }).count == 30)
        #expect(Palette.color(-1) == Palette.color(29))
    }
}
