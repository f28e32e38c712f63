import Foundation

/// A picture drawn once through Cairo and written as PNG, SVG or PDF: `LinePlot`,
/// `ScatterPlot`, `PicturePlot`.
public protocol Chart: Sendable {
    /// The chart as a PNG file.
    func png() -> [UInt8]
    /// The chart as a standalone SVG document (text as glyph outlines, so it looks the same
    /// whatever fonts the viewer has).
    func svg() -> String
    /// The chart as a one-page PDF (one point per pixel).
    func pdf() -> [UInt8]
}

/// A chart that lays itself out and draws in one pass on any `PlotSurface`: its canvas, PNG, SVG
/// and PDF all come from that pass through Cairo, so they always show the same picture.
protocol CairoChart: Chart {
    /// Picture width in pixels.
    var width: Int { get }
    /// Picture height in pixels.
    var height: Int { get }
    /// Fonts and colours (the background is painted first).
    var style: PlotStyle { get }
    /// Draws the whole chart on `s`.
    func render<S: PlotSurface>(on s: inout S)
}

extension CairoChart {
    /// The chart drawn on a canvas of `width × height`.
    public func canvas() -> Canvas {
        CairoSurface.canvas(width: width, height: height, background: style.background, draw: draw)
    }

    /// The chart as a PNG file.
    public func png() -> [UInt8] { canvas().png() }

    /// The chart as a standalone SVG document (text as glyph outlines, so it looks the same
    /// whatever fonts the viewer has; thumbnails embedded as PNG data).
    public func svg() -> String {
        CairoSurface.svg(width: width, height: height, background: style.background, draw: draw)
    }

    /// The chart as a one-page PDF (one point per pixel).
    public func pdf() -> [UInt8] {
        CairoSurface.pdf(width: width, height: height, background: style.background, draw: draw)
    }

    private func draw(_ surface: CairoSurface) {
        var s = surface
        render(on: &s)
    }
}

extension Chart {
    /// Writes the PNG to `url` atomically.
    public func writePNG(to url: URL) throws(PlotError) { try PlotFile.write(Data(png()), to: url) }

    /// Writes the SVG to `url` atomically.
    public func writeSVG(to url: URL) throws(PlotError) { try PlotFile.write(Data(svg().utf8), to: url) }

    /// Writes the PDF to `url` atomically.
    public func writePDF(to url: URL) throws(PlotError) { try PlotFile.write(Data(pdf()), to: url) }

    /// Writes the PNG to `url` and the SVG beside it (same name, `.svg`): the PNG for image
    /// viewers and tools, the SVG for `HTMLReport`, which shows it in place of the PNG.
    public func writePNGAndSVG(to url: URL) throws(PlotError) {
        try writePNG(to: url)
        try writeSVG(to: url.deletingPathExtension().appendingPathExtension("svg"))
    }
}
