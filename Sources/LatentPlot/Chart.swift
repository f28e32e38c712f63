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
