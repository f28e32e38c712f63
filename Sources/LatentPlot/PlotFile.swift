import Foundation
import LatentIO

/// Why a picture or report could not be written.
public enum PlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Writing `path` failed; `reason` is the system's explanation.
    case writeFailed(path: String, reason: String)

    /// A one-line explanation for people.
    public var description: String {
        switch self {
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Whole-file writes through LatentIO's `AtomicFile` (temporary file, fsync, rename), with its
/// errors turned into `PlotError` so drawing code has one error type.
enum PlotFile {
    static func write(_ data: Data, to url: URL) throws(PlotError) {
        do {
            try AtomicFile.write([UInt8](data), to: url.path)
        } catch {
            throw .writeFailed(path: url.path, reason: String(describing: error))
        }
    }
}
