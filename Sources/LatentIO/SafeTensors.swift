import LatentTensor

/// An element type of the safetensors format, by its header name.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    /// Booleans and integers of up to 32 bits, as the header spells them.
    case bool = "BOOL", uint8 = "U8", int8 = "I8", int16 = "I16", uint16 = "U16", int32 = "I32", uint32 = "U32"
    /// 64-bit integers and the floats (IEEE half, bfloat16, single, double).
    case int64 = "I64", uint64 = "U64", float16 = "F16", bfloat16 = "BF16", float32 = "F32", float64 = "F64"

    var kind: ScalarKind {
        switch self {
        case .bool: return .bool
        case .uint8: return .uint8
        case .int8: return .int8
        case .int16: return .int16
        case .uint16: return .uint16
        case .int32: return .int32
        case .uint32: return .uint32
        case .int64: return .int64
        case .uint64: return .uint64
        case .float16: return .float16
        case .bfloat16: return .bfloat16
        case .float32: return .float32
        case .float64: return .float64
        }
    }
}

/// One named tensor of a safetensors file, converted to `Float`.
public struct SafeTensor: Sendable {
    /// The tensor's name (PyTorch's `state_dict` key, e.g. `0.weight`).
    public let name: String
    /// The dtype stored in the file.
    public let dtype: SafeTensorsDType
    /// The shape from the header (PyTorch layout: a linear weight is `[out, in]`).
    public let shape: [Int]
    /// The values as `Float`, of shape `shape`.
    public let tensor: Tensor
}

/// The contents of a safetensors file.
public struct SafeTensorsFile: Sendable {
    /// The tensors in the order their data lies in the file.
    public let tensors: [SafeTensor]
    /// The free-form string map stored under `__metadata__` (empty when absent).
    public let metadata: [String: String]

    /// The tensor called `name`, if any.
    public subscript(name: String) -> SafeTensor? { tensors.first { $0.name == name } }

    /// The tensor names, in file order.
    public var names: [String] { tensors.map(\.name) }
}

/// Reader and writer for Hugging Face's safetensors format: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data.
public enum SafeTensors {
    /// The largest header accepted, as in the reference implementation; a larger one is hostile.
    public static let maxHeaderLength = 100_000_000

    /// Reads the safetensors file at `path`, converting every tensor to `Float`.
    ///
    /// - Throws: `LatentIOError` naming `path` and the offending tensor or field: `.fileNotFound`,
    ///   `.truncated`/`.corrupt` for header lengths, offsets or sizes that do not fit, `.unsupported`
    ///   for dtypes it cannot convert.
    public static func read(path: String) throws -> SafeTensorsFile {
        try parse(bytes: FileBytes.read(path), path: path)
    }

    /// The raw bytes of the file at `path` (to send to other processes before parsing).
    public static func readBytes(path: String) throws -> [UInt8] { try FileBytes.read(path) }

    /// Writes `tensors` as F32 in the given order, with `metadata` under `__metadata__`, atomically.
    ///
    /// - Throws: `.invalidValue` for an empty, duplicate or reserved name; `.io` if writing fails.
    public static func write(tensors: [(String, Tensor)], metadata: [String: String] = [:], to path: String) throws {
        var seen = Set<String>()
        for (name, _) in tensors {
            guard !name.isEmpty, name != "__metadata__" else {
                throw LatentIOError.invalidValue(path, "tensor name '\(name)' is not allowed")
            }
            guard seen.insert(name).inserted else {
                throw LatentIOError.invalidValue(path, "tensor name '\(name)' appears twice")
            }
        }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            // Sorted keys: the same inputs always give the same bytes.
            let members = metadata.keys.sorted().map { "\(JSON.quote($0)):\(JSON.quote(metadata[$0]!))" }
            parts.append("\"__metadata__\":{" + members.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, t) in tensors {
            let end = offset + t.count * 4
            parts.append("\(JSON.quote(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        // The reference writer pads with spaces so the data starts 8-byte aligned.
        headerBytes.append(contentsOf: repeatElement(0x20, count: (8 - headerBytes.count % 8) % 8))

        var out = [UInt8](repeating: 0, count: 8 + headerBytes.count + offset)
        out.withUnsafeMutableBytes { dst in
            dst.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            headerBytes.withUnsafeBytes { dst.baseAddress!.advanced(by: 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            var o = 8 + headerBytes.count
            for (_, t) in tensors {
                t.withUnsafeBufferPointer { src in
                    for v in src {
                        dst.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: o, as: UInt32.self)
                        o += 4
                    }
                }
            }
        }
        try AtomicFile.write(out, to: path)
    }

    /// Parses safetensors bytes already in memory (`path` names them in errors).
    public static func parse(bytes: [UInt8], path: String) throws -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw LatentIOError.truncated(path, what: "the 8-byte header length needs 8 bytes but the file has \(bytes.count)",
                                          expected: 8, got: bytes.count)
        }
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard n <= UInt64(maxHeaderLength) && 8 + Int(n) <= bytes.count else {
            // Files people mistake for models: say what they are rather than quote a header
            // length (only once the bytes have failed as safetensors, so no valid file is refused).
            for (magic, what) in [([0x89, 0x50, 0x4E, 0x47] as [UInt8], "a PNG image"), ([0x93, 0x4E, 0x55, 0x4D], "an .npy array"),
                                  ([0x1F, 0x8B], "a gzip file"), ([0x50, 0x4B, 0x03, 0x04], "a zip archive (a PyTorch .pt file?)"),
                                  ([0x80], "a Python pickle")] where bytes.starts(with: magic) {
                throw LatentIOError.unsupported(path, "is \(what), not a safetensors file")
            }
            if n <= UInt64(maxHeaderLength) {
                throw LatentIOError.truncated(path, what: "header length at offset 0 says \(n) bytes but only \(bytes.count - 8) follow",
                                              expected: Int(n), got: bytes.count - 8)
            }
            throw LatentIOError.corrupt(path, "header length \(n) at offset 0 exceeds the \(maxHeaderLength)-byte limit")
        }
        let headerLength = Int(n)
        let dataStart = 8 + headerLength
        let dataSize = bytes.count - dataStart

        let header = try bytes.withUnsafeBufferPointer { all in
            try JSONParser.parse(UnsafeBufferPointer(rebasing: all[8..<dataStart])) { what, at in
                LatentIOError.corrupt(path, "header JSON: \(what) at offset \(8 + at)")
            }
        }
        guard case .object(let members) = header else {
            throw LatentIOError.corrupt(path, "header is \(header.kindName), not a JSON object")
        }

        struct Entry { let name: String; let dtype: SafeTensorsDType; let shape: [Int]; let begin: Int; let end: Int }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        var names = Set<String>()
        for (name, value) in members {
            guard names.insert(name).inserted else { throw LatentIOError.corrupt(path, "tensor '\(name)' appears twice in the header") }
            if name == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw LatentIOError.corrupt(path, "__metadata__ is \(value.kindName), not an object")
                }
                for (k, v) in pairs {
                    guard case .string(let s) = v else {
                        throw LatentIOError.corrupt(path, "__metadata__ value '\(k)' is \(v.kindName), not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            entries.append(try entry(name, value, dataSize: dataSize, path: path))
        }

        func entry(_ name: String, _ value: JSON, dataSize: Int, path: String) throws -> Entry {
            guard case .object(let fields) = value else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': entry is \(value.kindName), not an object")
            }
            func field(_ key: String) throws -> JSON {
                guard let v = fields.first(where: { $0.0 == key })?.1 else {
                    throw LatentIOError.corrupt(path, "tensor '\(name)': missing field '\(key)'")
                }
                return v
            }
            guard case .string(let dtypeName) = try field("dtype") else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': field 'dtype' is not a string")
            }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw LatentIOError.unsupported(path, "tensor '\(name)': dtype '\(dtypeName)'")
            }
            guard case .array(let dims) = try field("shape") else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': field 'shape' is not an array")
            }
            var shape: [Int] = []
            for d in dims {
                guard let v = d.nonNegativeInt else {
                    throw LatentIOError.corrupt(path, "tensor '\(name)': field 'shape' holds \(d.kindName) that is not a non-negative integer")
                }
                shape.append(v)
            }
            guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
                  let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': field 'data_offsets' is not two non-negative integers")
            }
            guard begin <= end else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': data_offsets [\(begin), \(end)] run backwards")
            }
            guard end <= dataSize else {
                throw LatentIOError.truncated(path, what: "tensor '\(name)': data_offsets end \(end) lies past the \(dataSize)-byte data section",
                                              expected: end, got: dataSize)
            }
            guard let count = checkedProduct(shape), case (let needed, false) = count.multipliedReportingOverflow(by: dtype.kind.size) else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': shape \(dimsText(shape)) overflows")
            }
            guard needed == end - begin else {
                throw LatentIOError.corrupt(path, "tensor '\(name)': shape \(dimsText(shape)) of \(dtypeName) needs \(needed) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
            }
            return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }

        // File order: what the writer laid down, independent of how it ordered the JSON keys.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        // Overlapping ranges would let a small file name the same bytes many times over and so
        // multiply the memory the decoded tensors take; the reference implementation refuses them too.
        for (a, b) in zip(entries, entries.dropFirst()) where b.begin < a.end {
            throw LatentIOError.corrupt(path, "tensors '\(a.name)' and '\(b.name)' overlap (data_offsets [\(a.begin), \(a.end)] and [\(b.begin), \(b.end)])")
        }
        let tensors = bytes.withUnsafeBytes { all in
            entries.map { e -> SafeTensor in
                let data = UnsafeRawBufferPointer(rebasing: all[(dataStart + e.begin)..<(dataStart + e.end)])
                let count = (e.end - e.begin) / e.dtype.kind.size
                return SafeTensor(name: e.name, dtype: e.dtype, shape: e.shape,
                                  tensor: Tensor.decoded(shape: e.shape, count: count, from: data, kind: e.dtype.kind, bigEndian: false))
            }
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }
}
