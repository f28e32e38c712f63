import Foundation
import Testing
@testable import LatentPlot

@Suite("HTMLReport")
struct HTMLReportTests {
    @Test func escapes() {
        #expect(HTMLReport.escape("a < b & \"c\" > 'd'") == "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;")
    }

    @Test func rendersEveryBlock() {
        var s = HTMLReport.Section("Results & <notes>")
        s.paragraph("x < 1 & y > 2")
        s.image("plots/loss curve.png", caption: "loss <log>", width: 400)
        s.table(["accuracy": "0.98", "<script>": "&"])
        s.table(header: ["epoch", "loss"], rows: [["1", "0.5"], ["2"]])
        s.preformatted("if a < b { print(\"&\") }")
        s.subheading("More")
        let html = HTMLReport(title: "Run <1>", intro: "Intro & more", sections: [s]).html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Run &lt;1&gt;</title>"))
        #expect(html.contains("<h2>Results &amp; &lt;notes&gt;</h2>"))
        #expect(html.contains("<p>x &lt; 1 &amp; y &gt; 2</p>"))
        #expect(html.contains("<img src=\"plots/loss curve.png\" alt=\"loss &lt;log&gt;\" width=\"400\">"))
        #expect(html.contains("<figcaption>loss &lt;log&gt;</figcaption>"))
        #expect(html.contains("<th scope=\"row\">&lt;script&gt;</th><td>&amp;</td>"))
        #expect(html.contains("<tr><td>2</td><td></td></tr>"))  // short row padded
        #expect(html.contains("<pre>if a &lt; b { print(&quot;&amp;&quot;) }</pre>"))
        #expect(html.contains("<h3>More</h3>"))
        #expect(!html.contains("<script>"))
        // Key/value order is kept.
        #expect(html.range(of: "accuracy")!.lowerBound < html.range(of: "&lt;script&gt;</th>")!.lowerBound)
    }

    @Test func writesIndexAtomically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)/nested")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let report = HTMLReport(title: "T")
        let url = try report.write(to: dir)
        #expect(url.lastPathComponent == "index.html")
        #expect(try String(contentsOf: url, encoding: .utf8) == report.html())
        // Overwriting works and leaves no temporary files behind.
        try HTMLReport(title: "T2").write(to: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["index.html"])
        #expect(try String(contentsOf: url, encoding: .utf8).contains("<h1>T2</h1>"))
    }

    @Test func writeFailureNamesThePath() {
        #expect(throws: PlotError.self) { try HTMLReport(title: "x").write(to: URL(fileURLWithPath: "/proc/no/such/dir")) }
    }
}
