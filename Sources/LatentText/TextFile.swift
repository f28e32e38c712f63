#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentIO

/// A file opened for positioned reads, closed when the last reference goes.
///
/// POSIX rather than Foundation: readers can stream any part of a file of any size through a
/// fixed buffer (`pread`), several threads can read one descriptor at once, and failures become
/// `LatentIOError`s naming the path.
final class TextFile: @unchecked Sendable {
    let path: String
    let size: Int
    private let fd: Int32

    init(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw LatentIOError.fileNotFound(path) }
            throw LatentIOError.io(path, "cannot open: \(String(cString: strerror(e)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw LatentIOError.io(path, "cannot stat: \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw LatentIOError.io(path, "is a directory")
        }
        self.path = path
        self.fd = fd
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads up to `count` bytes at `offset` into `buffer`; returns how many were read (0 at the end).
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        while true {
            let n = pread(fd, buffer, count, off_t(offset))
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw LatentIOError.io(path, "read failed at offset \(offset): \(String(cString: strerror(errno)))")
        }
    }

    /// The whole file (for small files such as vectors and evaluation sets).
    func readAll() throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        try bytes.withUnsafeMutableBytes { buf in
            while filled < size {
                let n = try read(into: buf.baseAddress! + filled, count: size - filled, at: filled)
                if n == 0 { break }
                filled += n
            }
        }
        if filled < size { bytes.removeLast(size - filled) }
        return bytes
    }
}
