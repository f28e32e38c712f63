import LatentTensor

/// The element types of the IDX format (LeCun's MNIST files), by their type byte.
public enum IDXDataType: UInt8, Sendable {
    /// 0x08, unsigned byte.
    case uint8 = 0x08
    /// 0x09, signed byte.
    case int8 = 0x09
    /// 0x0B, big-endian 16-bit integer.
    case int16 = 0x0B
    /// 0x0C, big-endian 32-bit integer.
    case int32 = 0x0C
    /// 0x0D, big-endian 32-bit float.
    case float32 = 0x0D
    /// 0x0E, big-endian 64-bit float.
    case float64 = 0x0E

    var kind: ScalarKind {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .float32: return .float32
        case .float64: return .float64
        }
    }
}

/// One array read from an IDX file: its shape, element type and the raw (big-endian) element bytes.
///
/// The bytes are kept as they are so that MNIST's pixels and labels, both bytes, need no detour
/// through a wider type; `tensor()` and `integers()` convert on demand.
public struct IDXArray: Sendable {
    /// Extents, outermost first (e.g. `[10000, 28, 28]`).
    public let shape: [Int]
    /// The element type from the header.
    public let dataType: IDXDataType
    /// `product(shape) × size` element bytes in file order (big-endian for multi-byte types).
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { bytes.count / dataType.kind.size }

    /// The elements as a `Float` tensor of `shape`; `scale` multiplies every value (`1/255` maps
    /// pixel bytes to [0, 1]).
    public func tensor(scale: Float = 1) -> Tensor {
        var t = bytes.withUnsafeBytes {
            Tensor.decoded(shape: shape, count: count, from: $0, kind: dataType.kind, bigEndian: true)
        }
        if scale != 1 { t.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] *= scale } } }
        return t
    }

    /// The elements as integers, or nil for the float types.
    public func integers() -> [Int]? {
        guard dataType.kind.isInteger else { return nil }
        return bytes.withUnsafeBytes { decodeIntegers($0, kind: dataType.kind, bigEndian: true, count: count) }
    }
}

/// Reader for the IDX format: `00 00 type ndims`, `ndims` big-endian `UInt32` extents, then the
/// elements. gzip-compressed files are recognised by their magic bytes, whatever their name.
public enum IDX {
    /// Reads the IDX file at `path`, plain or gzip-compressed.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - limit: the most bytes a compressed file may inflate to.
    /// - Throws: `LatentIOError` naming `path`: `.fileNotFound`, `.corrupt` (bad magic, header),
    ///   `.unsupported` (type byte), `.truncated` (fewer element bytes than the header announces),
    ///   `.tooLarge` (decompression limit).
    public static func read(path: String, limit: Int = Gzip.defaultLimit) throws -> IDXArray {
        try parse(bytes: FileBytes.read(path), path: path, limit: limit)
    }

    /// Writes unsigned bytes of `shape` as an IDX file (uncompressed), atomically.
    public static func write(bytes: [UInt8], shape: [Int], to path: String) throws {
        precondition(shape.reduce(1, *) == bytes.count && shape.count <= 255, "IDX.write: \(bytes.count) bytes for shape \(shape)")
        var out: [UInt8] = [0, 0, IDXDataType.uint8.rawValue, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        try AtomicFile.write(out + bytes, to: path)
    }

    /// Parses the bytes of an IDX file (gzip or not); `path` only names the source in errors.
    static func parse(bytes raw: [UInt8], path: String, limit: Int = Gzip.defaultLimit) throws -> IDXArray {
        let bytes = Gzip.isGzip(raw) ? try inflate(raw, path: path, limit: limit) : raw
        guard bytes.count >= 4 else {
            throw LatentIOError.truncated(path, what: "an IDX header needs 4 bytes but the file has \(bytes.count)",
                                          expected: 4, got: bytes.count)
        }
        guard bytes[0] == 0 && bytes[1] == 0 else {
            throw LatentIOError.corrupt(path, "not an IDX file: magic bytes are \(hex(bytes[0..<4])), expected 00 00 <type> <ndims>")
        }
        guard let type = IDXDataType(rawValue: bytes[2]) else {
            throw LatentIOError.unsupported(path, "IDX element type 0x\(hex2(bytes[2])) at offset 2")
        }
        let rank = Int(bytes[3])
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw LatentIOError.truncated(path, what: "the header announces \(rank) dimensions (\(headerSize) bytes) but the file has \(bytes.count) bytes",
                                          expected: headerSize, got: bytes.count)
        }
        var shape: [Int] = []
        for k in 0..<rank {
            let o = 4 + 4 * k
            let d = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(d)
        }
        // Size check before any allocation: the header is untrusted, so its product may overflow or
        // name far more data than the file holds.
        let available = bytes.count - headerSize
        let size = type.kind.size
        guard let elements = checkedProduct(shape), case (let needed, false) = elements.multipliedReportingOverflow(by: size) else {
            throw LatentIOError.corrupt(path, "header dimensions \(dimsText(shape)) overflow")
        }
        guard needed <= available else {
            throw LatentIOError.truncated(path, what: "header says \(dimsText(shape)) = \(needed) bytes of data but only \(available) follow",
                                          expected: needed, got: available)
        }
        guard needed == available else {
            throw LatentIOError.corrupt(path, "header says \(dimsText(shape)) = \(needed) bytes of data but \(available) follow (\(available - needed) extra)")
        }
        return IDXArray(shape: shape, dataType: type, bytes: Array(bytes[headerSize...]))
    }
}

extension IDX {
    /// A gzip-compressed IDX file inflated to no more than its own header announces (plus one
    /// byte, to notice extra data): a small bomb behind a small header costs only what the header
    /// says, not the general limit.
    static func inflate(_ raw: [UInt8], path: String, limit: Int) throws -> [UInt8] {
        // The type and rank bytes, then the extents: at most 4 + 4 · 255 bytes.
        let head = try Gzip.prefix(raw, count: 4 + 4 * 255, path: path)
        var bound = limit
        if head.count >= 4, head[0] == 0, head[1] == 0, let type = IDXDataType(rawValue: head[2]) {
            let rank = Int(head[3]), headerSize = 4 + 4 * rank
            if head.count >= headerSize {
                let shape = (0..<rank).map { k -> Int in
                    let o = 4 + 4 * k
                    return Int(head[o]) << 24 | Int(head[o + 1]) << 16 | Int(head[o + 2]) << 8 | Int(head[o + 3])
                }
                if let elements = checkedProduct(shape), case (let needed, false) = elements.multipliedReportingOverflow(by: type.kind.size),
                   needed <= limit - headerSize - 1 {
                    bound = headerSize + needed + 1
                }
            }
        }
        do {
            return try Gzip.decompress(raw, limit: bound, path: path)
        } catch LatentIOError.tooLarge where bound < limit {
            throw LatentIOError.corrupt(path, "the compressed data inflates past the \(bound - 1) bytes its IDX header announces")
        }
    }
}

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map(hex2).joined(separator: " ")
}
