import Foundation

/// A self-contained HTML page gathering a run's pictures, metrics and logs: one `index.html`
/// with inline CSS and no scripts, referring to images by relative path, so the folder can be
/// zipped, copied or served as it is.
///
/// ```swift
/// var report = HTMLReport(title: "VAE on MNIST", intro: "Latent size 16, 30 epochs.")
/// var s = HTMLReport.Section("Training")
/// s.image("loss.png", caption: "Loss per epoch")
/// s.table(["final loss": "97.3", "time": "41 s"])
/// report.sections.append(s)
/// try report.write(to: outputDirectory)
/// ```
public struct HTMLReport: Sendable {
    /// One piece of content in a section.
    public enum Block: Sendable, Equatable {
        /// A sub-heading (`level` 3…6; the section heading is level 2).
        case heading(String, level: Int)
        /// A paragraph of plain text (escaped; blank lines are not interpreted).
        case paragraph(String)
        /// An image by relative path, with an optional caption and display width in pixels.
        case image(path: String, caption: String?, width: Int?)
        /// Two-column key/value table, in the given order.
        case keyValues([(key: String, value: String)])
        /// A table with a header row.
        case table(header: [String], rows: [[String]])
        /// Preformatted text (logs, configs), shown in a monospace block.
        case preformatted(String)

        /// Blocks are equal when their kind and contents are (tuples need a hand-written `==`).
        public static func == (a: Block, b: Block) -> Bool {
            switch (a, b) {
            case let (.heading(x, l1), .heading(y, l2)): x == y && l1 == l2
            case let (.paragraph(x), .paragraph(y)): x == y
            case let (.image(p1, c1, w1), .image(p2, c2, w2)): p1 == p2 && c1 == c2 && w1 == w2
            case let (.keyValues(x), .keyValues(y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
            case let (.table(h1, r1), .table(h2, r2)): h1 == h2 && r1 == r2
            case let (.preformatted(x), .preformatted(y)): x == y
            default: false
            }
        }
    }

    /// A titled part of the page.
    public struct Section: Sendable, Equatable {
        /// The section heading.
        public var heading: String
        /// Its content, in order.
        public var blocks: [Block]

        /// A section with a heading and optional initial blocks.
        public init(_ heading: String, blocks: [Block] = []) {
            self.heading = heading
            self.blocks = blocks
        }

        /// Appends a sub-heading.
        public mutating func subheading(_ text: String, level: Int = 3) { blocks.append(.heading(text, level: level)) }
        /// Appends a paragraph.
        public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
        /// Appends an image by path relative to the report's folder.
        public mutating func image(_ path: String, caption: String? = nil, width: Int? = nil) {
            blocks.append(.image(path: path, caption: caption, width: width))
        }
        /// Appends a key/value table; entries appear in the order given.
        public mutating func table(_ entries: KeyValuePairs<String, String>) {
            blocks.append(.keyValues(entries.map { ($0.key, $0.value) }))
        }
        /// Appends a key/value table from pairs.
        public mutating func table(pairs: [(String, String)]) {
            blocks.append(.keyValues(pairs.map { (key: $0.0, value: $0.1) }))
        }
        /// Appends a table with a header row; short rows are padded with empty cells.
        public mutating func table(header: [String], rows: [[String]]) {
            blocks.append(.table(header: header, rows: rows))
        }
        /// Appends a preformatted text block.
        public mutating func preformatted(_ text: String) { blocks.append(.preformatted(text)) }
    }

    /// Page title (also the `<title>`).
    public var title: String
    /// Paragraph under the title; empty for none.
    public var intro: String
    /// The sections, in order.
    public var sections: [Section]

    /// A report with a title, optional intro and sections.
    public init(title: String, intro: String = "", sections: [Section] = []) {
        self.title = title
        self.intro = intro
        self.sections = sections
    }

    /// Escapes `& < > " '` so `text` shows literally in HTML text and attribute values.
    public static func escape(_ text: String) -> String { XML.escape(text) }

    /// The complete page.
    public func html() -> String { html(svgCharts: []) }

    /// The page, showing the SVG beside each image path in `svgCharts` instead of its PNG.
    func html(svgCharts: Set<String>) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>
        \(Self.css)
        </style>
        </head>
        <body>
        <main>
        <h1>\(Self.escape(title))</h1>

        """
        if !intro.isEmpty { h += "<p class=\"intro\">\(Self.escape(intro))</p>\n" }
        for section in sections {
            h += "<section>\n<h2>\(Self.escape(section.heading))</h2>\n"
            for block in section.blocks { h += Self.render(block, svgCharts: svgCharts) }
            h += "</section>\n"
        }
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    static func render(_ block: Block, svgCharts: Set<String> = []) -> String {
        switch block {
        case .heading(let text, let level):
            let l = max(3, min(6, level))
            return "<h\(l)>\(escape(text))</h\(l)>\n"
        case .paragraph(let text):
            return "<p>\(escape(text))</p>\n"
        case .image(let path, let caption, let width):
            let w = width.map { " width=\"\($0)\"" } ?? ""
            let alt = escape(caption ?? path)
            // A chart with an SVG beside its PNG is shown as the SVG (sharp at any zoom) and
            // links to the PNG; image grids stay PNG.
            let shown = svgCharts.contains(path) ? Self.svgSibling(of: path) : path
            var s = "<figure>\n<a href=\"\(escape(path))\"><img src=\"\(escape(shown))\" alt=\"\(alt)\"\(w)></a>\n"
            if let caption { s += "<figcaption>\(escape(caption))</figcaption>\n" }
            return s + "</figure>\n"
        case .keyValues(let pairs):
            var s = "<table class=\"kv\">\n<tbody>\n"
            for p in pairs { s += "<tr><th scope=\"row\">\(escape(p.key))</th><td>\(escape(p.value))</td></tr>\n" }
            return s + "</tbody>\n</table>\n"
        case .table(let header, let rows):
            let width = max(header.count, rows.map(\.count).max() ?? 0)
            func pad(_ r: [String]) -> [String] { r + Array(repeating: "", count: width - r.count) }
            var s = "<table>\n"
            if !header.isEmpty {
                s += "<thead><tr>" + pad(header).map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n"
            }
            s += "<tbody>\n"
            for r in rows { s += "<tr>" + pad(r).map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
            return s + "</tbody>\n</table>\n"
        case .preformatted(let text):
            return "<pre>\(escape(text))</pre>\n"
        }
    }

    /// `charts/loss.png` → `charts/loss.svg`.
    static func svgSibling(of path: String) -> String {
        String(path.dropLast(4)) + ".svg"
    }

    /// Writes `index.html` into `directory` (created if missing) and returns its URL. The page
    /// is written to a temporary file first and renamed into place, so a reader never sees half of it.
    ///
    /// An image `x.png` with an `x.svg` beside it in `directory` (as `Chart.writePNGAndSVG`
    /// leaves) is shown as the SVG.
    @discardableResult
    public func write(to directory: URL) throws(PlotError) -> URL {
        let url = directory.appendingPathComponent("index.html")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: directory.path, reason: String(describing: error))
        }
        var svgCharts = Set<String>()
        for section in sections {
            for case .image(let path, _, _) in section.blocks where path.lowercased().hasSuffix(".png") {
                let svg = directory.appendingPathComponent(Self.svgSibling(of: path)).path
                if FileManager.default.fileExists(atPath: svg) { svgCharts.insert(path) }
            }
        }
        try PlotFile.write(Data(html(svgCharts: svgCharts).utf8), to: url)
        return url
    }

    static let css = """
    body { margin: 0; background: #fafafa; color: #262626;
           font: 16px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 960px; margin: 0 auto; padding: 24px 32px 64px; }
    h1 { font-size: 28px; margin: 16px 0 8px; }
    h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
    .intro { font-size: 17px; color: #444; }
    figure { margin: 16px 0; }
    img { max-width: 100%; height: auto; border: 1px solid #e3e3e3; background: #fff; }
    figcaption { font-size: 14px; color: #666; margin-top: 4px; }
    table { border-collapse: collapse; margin: 12px 0; font-variant-numeric: tabular-nums; }
    th, td { padding: 4px 12px; border-bottom: 1px solid #e3e3e3; text-align: left; }
    thead th { border-bottom: 2px solid #bbb; }
    table.kv th { font-weight: 600; color: #444; }
    pre { background: #f0f0f0; padding: 12px; overflow-x: auto; font-size: 13px; }
    """
}
