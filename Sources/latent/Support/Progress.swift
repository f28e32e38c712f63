import Foundation
import Latent

#if canImport(Glibc)
import Glibc
#endif

/// A live progress line on standard error for people (epoch, batch, loss, samples/s, time
/// left), redrawn in place on a terminal and reduced to one line per epoch otherwise.
final class ProgressLine {
    private let interactive = isatty(2) != 0
    private var lastDraw = Date.distantPast
    private let quiet: Bool

    /// Quiet on every rank but 0 of a data-parallel run.
    init(quiet: Bool = false) { self.quiet = quiet || !DataParallel.isPrimary }

    func update(_ e: TrainingEvent) {
        guard !quiet else { return }
        if let summary = e.epochSummary {
            write("\(interactive ? "\r\u{1B}[K" : "")\(Self.epochLine(e, summary: summary))\n")
            return
        }
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let width = 24, filled = width * e.batch / Swift.max(e.batches, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        write("\r\u{1B}[Kepoch \(e.epoch)/\(e.epochs) \(bar) \(e.batch)/\(e.batches)  loss \(format(Double(e.loss)))  \(Int(e.samplesPerSecond)) samples/s  ~\(duration(e.remaining)) left")
    }

    /// The held-out figures that matter first, in this order; other test figures follow by name.
    static let leadingFigures = ["test_accuracy", "test_target_accuracy", "test_negative_elbo", "test_squared_error", "test_loss"]

    /// One finished epoch in under 100 columns: the training loss (called "train loss": a test
    /// loss may follow), then the held-out figures (headline first, "test_" said once), then the
    /// elapsed time. Figures that do not fit are
    /// left to metrics.json (every figure of a VAE once ran to about 330 columns).
    static func epochLine(_ e: TrainingEvent, summary: [String: Double], width: Int = 99) -> String {
        let names = summary.keys.filter { $0.hasPrefix("test_") }
            .sorted { (leadingFigures.firstIndex(of: $0) ?? leadingFigures.count, $0) < (leadingFigures.firstIndex(of: $1) ?? leadingFigures.count, $1) }
        let head = "epoch \(e.epoch)/\(e.epochs)  train loss \(format(Double(e.loss)))", tail = "  [\(duration(e.elapsed))]"
        var line = head
        for (i, name) in names.enumerated() {
            let figure = (i == 0 ? "  test " : "  ") + "\(name.dropFirst(5)) \(format(summary[name] ?? .nan))"
            guard line.count + figure.count + tail.count <= width else { break }
            line += figure
        }
        return line + tail
    }

    func note(_ text: String) {
        if !quiet { write(text + "\n") }
    }

    /// The experiment log that draws on this line.
    var log: ExperimentLog { ExperimentLog(event: { [self] in update($0) }, note: { [self] in note($0) }) }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

func format(_ v: Double) -> String { formatFigure(v) }
func duration(_ s: Double) -> String { formatDuration(s) }

/// A two-column table for final summaries.
func summaryTable(_ rows: [(String, String)]) -> String {
    let w = rows.map(\.0.count).max() ?? 0
    return rows.map { $0.0.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
}
