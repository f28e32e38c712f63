import Foundation
import LatentTensor
import Testing
@testable import LatentPlot

/// Grouped bars: each bar rises from zero to its value, the groups are labelled, every value is
/// written above its bar inside the picture, and the legend keeps off the bars.
@Suite("Bar chart")
struct BarChartTests {
    func transferChart() -> BarChart {
        var chart = BarChart(title: "Transfer from digits 0–4 to 5–9: test accuracy by start",
                             categories: ["10 labels per class", "100 labels per class"], yLabel: "test accuracy")
        chart.valueText = .percent(decimals: 1)
        chart.add("scratch", values: [0.801, 0.912])
        chart.add("frozen", values: [0.772, .nan])
        chart.add("fine-tuned", values: [0.5, 0.95])
        return chart
    }

    @Test func barsRiseFromZeroToTheirValues() throws {
        let chart = transferChart()
        let axes = chart.layout()
        #expect(axes.yTicks.lower == 0, "the y axis starts at \(axes.yTicks.lower)")
        let canvas = Canvas(image: try PNG.decode(chart.png()))
        #expect(canvas.width == 800 && canvas.height == 500)
        // Fine-tuned in the first group reaches 0.5: its colour just below that height, the
        // background just above it.
        let (x, w) = chart.barFrame(2, 0, axes: axes)
        let cx = Int(x + w / 2), top = axes.py(0.5)
        #expect(canvas[cx, Int(top) + 4] == Palette.color(2))
        #expect(canvas[cx, Int(axes.py(0.25))] == Palette.color(2))
        #expect(canvas[cx, Int(top) - 30] != Palette.color(2))
        // The missing value leaves its slot empty.
        let (mx, mw) = chart.barFrame(1, 1, axes: axes)
        #expect(canvas[Int(mx + mw / 2), Int(axes.py(0.1))] != Palette.color(1))
    }

    @Test func labelsAndValuesFitAndTheLegendAvoidsTheBars() {
        let chart = transferChart()
        let s = CairoSurface.image(width: chart.width, height: chart.height)
        var surface = s
        chart.render(on: &surface)
        let texts = s.drawnTexts.map(\.text)
        for expected in ["10 labels per class", "100 labels per class", "80.1 %", "91.2 %", "77.2 %", "50.0 %", "95.0 %",
                         "scratch", "frozen", "fine-tuned", "test accuracy"] {
            #expect(texts.contains(expected), "\(expected) not drawn")
        }
        // Five values for six slots: the NaN gets no bar and no text.
        #expect(texts.filter { $0.hasSuffix(" %") }.count == 5)
        for t in s.drawnTexts {
            #expect(t.x0 >= -0.5 && t.y0 >= -0.5 && t.x1 <= Double(s.width) + 0.5 && t.y1 <= Double(s.height) + 0.5,
                    "\"\(t.text)\" leaves the picture")
            #expect(s.metrics.missingCharacters(in: t.text, bold: t.bold).isEmpty, "\"\(t.text)\" has missing glyphs")
        }
        expectLegendClearOfBars(chart)
    }

    /// No legend text overlaps a bar or a value, also when one group of wide bars leaves no
    /// free corner (the legend then moves out to the right).
    @Test func theLegendMovesOutWhenNoCornerIsFree() {
        var single = BarChart(title: "One label count", categories: ["10 labels per class"], yLabel: "test accuracy")
        single.valueText = .percent(decimals: 1)
        single.add("scratch", values: [0.801])
        single.add("frozen", values: [0.772])
        single.add("fine-tuned", values: [0.812])
        expectLegendClearOfBars(single)
        #expect(single.layout().legendPosition == .outsideRight)
        #expect(transferChart().layout().legendPosition == .automatic)
    }

    func expectLegendClearOfBars(_ chart: BarChart, sourceLocation: SourceLocation = #_sourceLocation) {
        let s = CairoSurface.image(width: chart.width, height: chart.height)
        var surface = s
        chart.render(on: &surface)
        let axes = chart.layout()
        let names = Set(chart.series.map(\.name))
        let legend = s.drawnTexts.filter { names.contains($0.text) }
        #expect(legend.count == chart.series.count, sourceLocation: sourceLocation)
        let boxes = chart.series.indices.flatMap { k in
            chart.categories.indices.compactMap { c -> (Double, Double, Double, Double)? in
                guard c < chart.series[k].values.count, chart.series[k].values[c].isFinite else { return nil }
                let (x, w) = chart.barFrame(k, c, axes: axes)
                return (x, axes.py(chart.series[k].values[c]), x + w, axes.py(0))
            }
        } + s.drawnTexts.filter { $0.text.hasSuffix(" %") }.map { ($0.x0, $0.y0, $0.x1, $0.y1) }
        for t in legend {
            for b in boxes {
                #expect(t.x1 < b.0 || t.x0 > b.2 || t.y1 < b.1 || t.y0 > b.3, "legend \"\(t.text)\" covers a bar or value",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func svgAndPDFComeFromTheSameDrawing() {
        let chart = transferChart()
        #expect(chart.svg().hasPrefix("<?xml") && chart.svg().contains("<path"))
        #expect(chart.pdf().starts(with: Array("%PDF".utf8)))
    }
}
