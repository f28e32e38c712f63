/// Everything that can go wrong reading or writing a file in `LatentIO`.
///
/// Every case carries the path it is about, because an error that says "truncated" without saying
/// which of the five files a command opened is useless to the person reading it. `description` is a
/// single line, `path: problem: detail`, so the command-line tool can print it as is.
public enum LatentIOError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or every accepted variant of its name) does not exist.
    case fileNotFound(String)
    /// The operating system refused an operation (permissions, disk full, rename failed, …).
    case io(String, String)
    /// The file ends before the data its own header announces. `what` is the whole explanation
    /// (what was announced and what is there); `expected` and `got` are the byte counts.
    case truncated(String, what: String, expected: Int, got: Int)
    /// The bytes do not follow the format: bad magic, malformed header, invalid offsets, ….
    /// The detail names the field or byte offset.
    case corrupt(String, String)
    /// The file is well formed but uses a feature Latent does not read (a dtype, a version, pickles).
    case unsupported(String, String)
    /// Extents that should agree do not (ragged CSV rows, image and label counts, …).
    case shapeMismatch(String, String)
    /// A value is not acceptable (not a number, a duplicate name, a negative size, …).
    case invalidValue(String, String)
    /// The data would decompress or allocate beyond the caller's limit (a zip bomb or an absurd header).
    case tooLarge(String, String)

    /// The path the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let p), .io(let p, _), .truncated(let p, _, _, _), .corrupt(let p, _),
             .unsupported(let p, _), .shapeMismatch(let p, _), .invalidValue(let p, _), .tooLarge(let p, _):
            return p
        }
    }

    /// One line: `path: kind: detail`.
    public var description: String {
        switch self {
        case .fileNotFound(let p): return "\(p): file not found"
        case .io(let p, let d): return "\(p): I/O error: \(d)"
        case .truncated(let p, let what, _, _): return "\(p): truncated: \(what)"
        case .corrupt(let p, let d): return "\(p): corrupt: \(d)"
        case .unsupported(let p, let d): return "\(p): unsupported: \(d)"
        case .shapeMismatch(let p, let d): return "\(p): shape mismatch: \(d)"
        case .invalidValue(let p, let d): return "\(p): invalid value: \(d)"
        case .tooLarge(let p, let d): return "\(p): too large: \(d)"
        }
    }
}
