import Foundation
import LatentIO

/// A run folder: its metrics (read again on every request, so charts follow a run that is still
/// training) and its pictures.
public struct ServedRun: Sendable {
    public let id: Int
    public let name: String
    /// The folder, resolved.
    public let path: String

    /// The metrics of the run as it stands now.
    public struct Snapshot: Codable, Sendable {
        /// Per-epoch figures, oldest first.
        public var epochs: [[String: Double]]
        /// The command that made the run, when `metrics.json` says.
        public var command: String?
        /// Whether the run looks like it is still training: its checkpoint is newer than its
        /// `metrics.json` (written at the end) and was written in the last `liveWindow` seconds.
        public var live: Bool
        /// The PNG pictures in the folder, by file name.
        public var pictures: [String]
    }

    /// Seconds since the last checkpoint within which a run without final metrics counts as live.
    static let liveWindow: TimeInterval = 600

    /// The run's metrics now: from `metrics.json` when it is the newest file, else from the
    /// training loop's history in the checkpoint's header (written after every epoch).
    public func snapshot() -> Snapshot {
        let fm = FileManager.default
        let metricsPath = path + "/metrics.json", checkpointPath = path + "/checkpoint.safetensors"
        func modified(_ p: String) -> Date? { (try? fm.attributesOfItem(atPath: p))?[.modificationDate] as? Date }
        let metricsDate = modified(metricsPath), checkpointDate = modified(checkpointPath)
        var epochs: [[String: Double]] = [], command: String?
        var live = false
        if let checkpointDate, metricsDate.map({ checkpointDate > $0 }) ?? true {
            epochs = Self.checkpointHistory(checkpointPath) ?? []
            live = Date().timeIntervalSince(checkpointDate) < Self.liveWindow
        }
        if !live, let data = fm.contents(atPath: metricsPath),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            command = object["command"] as? String
            if let list = object["epochs"] as? [[String: Any]] { epochs = list.map(Self.numbers) }
        }
        let pictures = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".png") }.sorted()
        return Snapshot(epochs: epochs, command: command, live: live, pictures: pictures)
    }

    /// The numeric fields of one epoch's figures.
    static func numbers(_ entry: [String: Any]) -> [String: Double] {
        entry.compactMapValues { ($0 as? NSNumber)?.doubleValue }.filter { $0.value.isFinite }
    }

    /// The largest checkpoint header read, in bytes: headers hold names, shapes and small JSON.
    static let maxHeader = 16 << 20

    /// The loop history in the metadata of a checkpoint, reading only its header.
    static func checkpointHistory(_ path: String) -> [[String: Double]]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let prefix = try? handle.read(upToCount: 8), prefix.count == 8 else { return nil }
        let length = prefix.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length > 0, length <= UInt64(maxHeader), let header = try? handle.read(upToCount: Int(length)),
              header.count == Int(length),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any],
              let metadata = object["__metadata__"] as? [String: Any], let loop = metadata["latent.loop"] as? String,
              let state = try? JSONSerialization.jsonObject(with: Data(loop.utf8)) as? [String: Any],
              let history = state["history"] as? [[String: Any]] else { return nil }
        return history.map(numbers)
    }
}
