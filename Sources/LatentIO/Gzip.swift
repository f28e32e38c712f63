import CLatentZlib

/// gzip and zlib streams through the system zlib.
///
/// Decompression is bounded: the caller says how many bytes it is prepared to hold, and a stream
/// that inflates past that is refused as soon as it crosses the line, so a 10 KB zip bomb cannot
/// take the machine's memory with it.
public enum Gzip {
    /// The default output bound, 2 GiB: above any dataset Latent loads whole.
    public static let defaultLimit = 2 << 30

    /// True when `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a whole gzip or zlib stream (detected from its header). Concatenated gzip members
    /// are joined, as `gunzip` does.
    ///
    /// - Parameters:
    ///   - bytes: the compressed stream.
    ///   - limit: the most output bytes accepted; more throws `.tooLarge`.
    ///   - path: names the source in errors.
    /// - Throws: `LatentIOError.corrupt` for invalid data, `.truncated` when the stream stops
    ///   before its end marker, `.tooLarge` above `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int = defaultLimit,
                                  path: String = "<memory>") throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: largest window, and let zlib recognise either a gzip or a zlib header.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LatentIOError.io(path, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        // Start from a guess (the gzip trailer's size field would be a better hint, but it is
        // untrusted and modulo 2^32) and double; the limit caps every growth step.
        var out = [UInt8](repeating: 0, count: max(1, min(limit, max(bytes.count * 4, 1 << 16))))
        var produced = 0
        var consumed = 0
        let total = bytes.count

        return try bytes.withUnsafeBufferPointer { input -> [UInt8] in
            while true {
                if produced == out.count {
                    if out.count >= limit {
                        // The buffer is full at the limit: one more byte of output means too large.
                        var probe: UInt8 = 0
                        let status = inflateStep(&stream, input, &consumed, &probe, capacity: 1)
                        if status.produced > 0 {
                            throw LatentIOError.tooLarge(path, "decompressed data exceeds the limit of \(limit) bytes")
                        }
                        if status.code == Z_STREAM_END { break }
                        if status.code != Z_OK && status.code != Z_BUF_ERROR { throw zlibError(status.code, &stream, path, consumed) }
                        if consumed == total { throw truncatedStream(path, produced) }
                        continue
                    }
                    let grown = min(limit, out.count > limit / 2 ? limit : out.count * 2)
                    out.append(contentsOf: repeatElement(0, count: grown - out.count))
                }
                let status = out.withUnsafeMutableBufferPointer { o in
                    inflateStep(&stream, input, &consumed, o.baseAddress! + produced, capacity: o.count - produced)
                }
                produced += status.produced
                switch status.code {
                case Z_STREAM_END:
                    // Another gzip member may follow; anything else after the end is an error.
                    if consumed == total { break }
                    if total - consumed >= 2 && input[consumed] == 0x1F && input[consumed + 1] == 0x8B {
                        inflateReset(&stream)
                        continue
                    }
                    if input[consumed...].allSatisfy({ $0 == 0 }) { break }   // tape-style zero padding
                    throw LatentIOError.corrupt(path, "\(total - consumed) bytes of trailing data after the compressed stream at offset \(consumed)")
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (loop grows it) or the input ran out.
                    if produced < out.count && consumed == total { throw truncatedStream(path, produced) }
                    continue
                default:
                    throw zlibError(status.code, &stream, path, consumed)
                }
                break
            }
            out.removeLast(out.count - produced)
            return out
        }
    }

    /// The first `count` bytes the stream inflates to (fewer when it is shorter), inflating no
    /// more than that: for reading a header that bounds the rest.
    ///
    /// - Throws: `LatentIOError.corrupt` for invalid data.
    public static func prefix(_ bytes: [UInt8], count: Int, path: String = "<memory>") throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LatentIOError.io(path, "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(count, 1))
        var produced = 0, consumed = 0
        try bytes.withUnsafeBufferPointer { input in
            while produced < count && consumed < input.count {
                let status = out.withUnsafeMutableBufferPointer { o in
                    inflateStep(&stream, input, &consumed, o.baseAddress! + produced, capacity: count - produced)
                }
                produced += status.produced
                if status.code == Z_STREAM_END { break }
                if status.code == Z_BUF_ERROR && status.produced == 0 { break }
                if status.code != Z_OK && status.code != Z_BUF_ERROR { throw zlibError(status.code, &stream, path, consumed) }
            }
        }
        return Array(out[0..<produced])
    }

    /// Compresses `bytes` as a single-member gzip stream (`level` 0–9, default 6 like `gzip`).
    public static func compress(_ bytes: [UInt8], level: Int = 6) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: largest window, wrapped in a gzip (not zlib) header and trailer.
        let initStatus = deflateInit2_(&stream, Int32(max(0, min(9, level))), Z_DEFLATED, 15 + 16, 8,
                                       Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(initStatus == Z_OK, "Gzip.compress: deflateInit2 failed (\(initStatus))")
        defer { deflateEnd(&stream) }
        // deflateBound covers the gzip wrapper too, so one deflate call finishes the stream.
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o -> Int in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "Gzip.compress: deflate did not finish (\(status))")
                return o.count - Int(stream.avail_out)
            }
        }
        out.removeLast(out.count - produced)
        return out
    }

    /// One `inflate` call over the unread input (zlib's counters are 32-bit, so at most 1 GiB per call).
    private static func inflateStep(_ stream: inout z_stream, _ input: UnsafeBufferPointer<UInt8>, _ consumed: inout Int,
                                    _ output: UnsafeMutablePointer<UInt8>, capacity: Int) -> (code: Int32, produced: Int) {
        let chunk = 1 << 30
        let inCount = min(input.count - consumed, chunk)
        let outCount = min(capacity, chunk)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
        stream.avail_in = uInt(inCount)
        stream.next_out = output
        stream.avail_out = uInt(outCount)
        let code = inflate(&stream, Z_NO_FLUSH)
        consumed += inCount - Int(stream.avail_in)
        return (code, outCount - Int(stream.avail_out))
    }

    private static func truncatedStream(_ path: String, _ produced: Int) -> LatentIOError {
        .truncated(path, what: "the compressed stream stops before its end marker (after \(produced) bytes of output)",
                   expected: produced + 1, got: produced)
    }

    private static func zlibError(_ code: Int32, _ stream: inout z_stream, _ path: String, _ consumed: Int) -> LatentIOError {
        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(code)"
        if code == Z_MEM_ERROR { return .io(path, "zlib ran out of memory") }
        return .corrupt(path, "invalid compressed data near byte \(consumed): \(message)")
    }
}
