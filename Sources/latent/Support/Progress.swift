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
            // The held-out figures only (the loss is already there): the whole line of every
            // figure ran to about 330 columns for a VAE.
            let extras = summary.keys.filter { $0.hasPrefix("test_") }.sorted()
                .map { "\($0) \(format(summary[$0]!))" }.joined(separator: "  ")
            write("\(interactive ? "\r\u{1B}[K" : "")epoch \(e.epoch)/\(e.epochs)  loss \(format(Double(e.loss)))  \(extras)  [\(duration(e.elapsed))]\n")
            return
        }
        guard interactive, Date().timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = Date()
        let width = 24, filled = width * e.batch / Swift.max(e.batches, 1)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        write("\r\u{1B}[Kepoch \(e.epoch)/\(e.epochs) \(bar) \(e.batch)/\(e.batches)  loss \(format(Double(e.loss)))  \(Int(e.samplesPerSecond)) samples/s  ~\(duration(e.remaining)) left")
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
