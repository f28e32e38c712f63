import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Whole-file writes that never leave a half-written file behind.
enum AtomicFile {
    /// Writes `data` to a temporary file next to `url`, then renames it over `url`.
    ///
    /// `rename(2)` within one directory is atomic, so readers see either the old file or the
    /// complete new one; if anything fails the temporary file is removed.
    static func write(_ data: Data, to url: URL) throws(PlotError) {
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw .writeFailed(path: url.path, reason: String(describing: error))
        }
        if rename(temp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw .writeFailed(path: url.path, reason: reason)
        }
    }
}
