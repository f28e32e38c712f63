#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that either fully happen or leave nothing behind.
///
/// The bytes go to a temporary file in the destination's directory (same file system, so the final
/// `rename(2)` is atomic), are flushed with `fsync`, and only then replace the destination. A reader
/// therefore sees the old file or the complete new one, never half of it, even across a crash; and
/// any failure removes the temporary file.
public enum AtomicFile {
    /// Writes `bytes` to `path`, creating missing parent directories.
    ///
    /// - Throws: `LatentIOError.io` naming `path` when a directory cannot be created or a write,
    ///   sync or rename fails (the temporary file is removed first).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let (directory, name) = splitPath(path)
        guard !name.isEmpty else { throw LatentIOError.io(path, "not a file name") }
        try createDirectories(directory, for: path)

        // A hidden name, so tools listing the directory mid-write do not pick the partial file up.
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw LatentIOError.io(path, "cannot create a temporary file in \(directory): \(FileBytes.errorText(errno))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var closed = false
        do {
            try bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let n = posixWrite(fd, buffer.baseAddress! + written, buffer.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw LatentIOError.io(path, "write failed: \(FileBytes.errorText(errno))")
                    }
                    written += n
                }
            }
            // mkstemp creates 0600; give the file the permissions an ordinary write would.
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
            guard fsync(fd) == 0 else { throw LatentIOError.io(path, "fsync failed: \(FileBytes.errorText(errno))") }
            closed = true
            guard close(fd) == 0 else { throw LatentIOError.io(path, "close failed: \(FileBytes.errorText(errno))") }
            guard rename(temporary, path) == 0 else {
                throw LatentIOError.io(path, "cannot replace the file: \(FileBytes.errorText(errno))")
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
        // Persist the rename itself; failure here cannot un-write the file, so it is not an error.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Whether `name` is one of the temporary names `write` uses (`.name.tmp-XXXXXX`): a file a
    /// write killed midway left behind.
    public static func isTemporaryName(_ name: String) -> Bool {
        let suffix = name.suffix(6)
        return name.hasPrefix(".") && name.count > 12 && name.dropLast(6).hasSuffix(".tmp-")
            && suffix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// Writes the UTF-8 bytes of `text` to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Directory and last component of `path` (`.` when there is no slash).
    static func splitPath(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// `mkdir -p directory`.
    static func createDirectories(_ directory: String, for path: String) throws {
        var st = stat()
        if stat(directory, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw LatentIOError.io(path, "\(directory) exists and is not a directory")
        }
        let (parent, _) = splitPath(directory)
        if parent != directory { try createDirectories(parent, for: path) }
        if mkdir(directory, 0o777) != 0 && errno != EEXIST {
            throw LatentIOError.io(path, "cannot create directory \(directory): \(FileBytes.errorText(errno))")
        }
    }
}
