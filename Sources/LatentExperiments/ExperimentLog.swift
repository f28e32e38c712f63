import Foundation
import LatentNN

/// Where an experiment reports while it runs: training progress and one-line notes for people.
/// The command line draws a progress bar on standard error; the demo and tests pass their own.
public struct ExperimentLog {
    /// Progress after every step and at the end of every epoch.
    public var event: (TrainingEvent) -> Void
    /// A line for people ("data: …", "training the measuring classifier …").
    public var note: (String) -> Void

    public init(event: @escaping (TrainingEvent) -> Void = { _ in }, note: @escaping (String) -> Void = { _ in }) {
        self.event = event
        self.note = note
    }

    /// Reports nothing.
    public static var silent: ExperimentLog { ExperimentLog() }
}

/// `v` with four decimals, or one when it is large (loss values, errors).
public func formatFigure(_ v: Double) -> String { String(format: abs(v) >= 100 ? "%.1f" : "%.4f", v) }

/// Seconds as "12.3s" or "4m05s".
public func formatDuration(_ s: Double) -> String {
    s < 60 ? String(format: "%.1fs", s) : String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60)
}

/// A share as "97.45 %".
public func formatPercent(_ v: Double, decimals: Int = 2) -> String { String(format: "%.\(decimals)f %%", v * 100) }
