#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with errors that name the path.
///
/// POSIX rather than Foundation so that a missing file becomes `.fileNotFound` and every other
/// failure carries `strerror`'s wording, instead of a Cocoa error domain the user cannot act on.
public enum FileBytes {
    /// The bytes of the file at `path`. Refuses files above `limit` bytes before reading them.
    public static func read(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        try requireRegularFile(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw LatentIOError.fileNotFound(path) }
            throw LatentIOError.io(path, "cannot open: \(errorText(e))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LatentIOError.io(path, "cannot stat: \(errorText(errno))") }
        let size = Int(st.st_size)
        if size > limit { throw LatentIOError.tooLarge(path, "\(size) bytes exceeds the limit of \(limit)") }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buf in
            while filled < size {
                let n = posixRead(fd, buf.baseAddress! + filled, size - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LatentIOError.io(path, "read failed: \(errorText(errno))")
                }
                if n == 0 { break }   // the file shrank while we read it
                filled += n
            }
        }
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }

    /// Refuses, before opening it, what is not a regular file: a directory (a run folder is named
    /// with the model file it holds), and a pipe or device (opening a FIFO blocks, and its size of
    /// 0 would read as an empty file). A path that does not exist is left to `open` to report.
    static func requireRegularFile(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR:
            let model = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/model.safetensors"
            if exists(model) { throw LatentIOError.io(path, "is a run folder, not a file; give \(model)") }
            throw LatentIOError.io(path, "is a directory, not a file")
        default:
            throw LatentIOError.io(path, "is not a regular file (a pipe, socket or device); give a file")
        }
    }

    /// True when `path` names an existing regular file (or a link to one).
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// `read(2)` under a name that does not collide with `FileBytes.read`.
@inline(__always)
func posixRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, buf, n) }

/// The product of `dims`, or nil when it overflows `Int` or a dimension is negative.
///
/// Headers are untrusted: a product computed with plain `*` would trap on a crafted file.
func checkedProduct(_ dims: [Int]) -> Int? {
    var n = 1
    for d in dims {
        guard d >= 0 else { return nil }
        let (p, overflow) = n.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        n = p
    }
    return n
}

/// Dimensions formatted as `60000×28×28` for error messages.
func dimsText(_ dims: [Int]) -> String { dims.isEmpty ? "()" : dims.map(String.init).joined(separator: "×") }

/// `write(2)` under a name that does not collide with `AtomicFile.write`.
@inline(__always)
func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int { write(fd, buf, n) }
