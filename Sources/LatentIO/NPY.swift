import LatentTensor

/// An element type of a `.npy` file, as numpy's `descr` names it.
public enum NPYDType: String, Sendable, CaseIterable {
    /// Booleans and integers, by numpy's kind letter and byte size (byte order is kept apart).
    case bool = "b1", int8 = "i1", uint8 = "u1", int16 = "i2", uint16 = "u2", int32 = "i4", uint32 = "u4"
    /// 64-bit integers and the IEEE floats (half, single, double).
    case int64 = "i8", uint64 = "u8", float16 = "f2", float32 = "f4", float64 = "f8"

    var kind: ScalarKind {
        switch self {
        case .bool: return .bool
        case .int8: return .int8
        case .uint8: return .uint8
        case .int16: return .int16
        case .uint16: return .uint16
        case .int32: return .int32
        case .uint32: return .uint32
        case .int64: return .int64
        case .uint64: return .uint64
        case .float16: return .float16
        case .float32: return .float32
        case .float64: return .float64
        }
    }
}

/// An array read from a `.npy` file: its shape and original dtype, with the values as `Float`.
public struct NPYArray: Sendable {
    /// Extents, outermost first; empty for a 0-d (scalar) array.
    public let shape: [Int]
    /// The dtype stored in the file.
    public let dtype: NPYDType
    /// True when the file stored big-endian elements (they have been converted).
    public let bigEndian: Bool
    /// True when the file stored the array in column-major order (it has been reordered to row-major).
    public let fortranOrder: Bool
    /// The values as `Float`, in row-major order, of shape `shape`. Integers above 2^24 lose
    /// precision here; `NPY.readIntegers(path:)` reads them exactly.
    public let tensor: Tensor
}

/// Reader and writer for numpy's `.npy` format (versions 1.0, 2.0 and 3.0).
///
/// The header is a Python dict literal; it is parsed by a small literal parser, never evaluated.
/// Object arrays (pickles) are refused, because loading a pickle runs arbitrary code.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // "\x93NUMPY"

    /// Reads the `.npy` file at `path`, converting any numeric or bool dtype to `Float`.
    ///
    /// - Throws: `LatentIOError` naming `path`: `.fileNotFound`; `.corrupt` for a bad magic string
    ///   or header; `.unsupported` for object, string, complex or structured dtypes and unknown
    ///   versions; `.truncated` when the data is shorter than the shape needs.
    public static func read(path: String) throws -> NPYArray {
        try parse(bytes: FileBytes.read(path), path: path)
    }

    /// Reads an integer (or bool) `.npy` file as exact `Int`s, e.g. labels saved as int64.
    ///
    /// - Throws: as `read(path:)`, and `.unsupported` for float arrays.
    public static func readIntegers(path: String) throws -> (shape: [Int], values: [Int]) {
        try parseIntegers(bytes: FileBytes.read(path), path: path)
    }

    /// Writes `tensor` as a little-endian float32 `.npy` (version 1.0, or 2.0 if the header needs it),
    /// atomically.
    public static func write(_ tensor: Tensor, to path: String) throws {
        try AtomicFile.write(bytes(tensor), to: path)
    }

    /// The bytes of `tensor` as a little-endian float32 `.npy` file (what `write` writes), for
    /// sending over a network.
    public static func bytes(_ tensor: Tensor) -> [UInt8] {
        var out = header(descr: "<f4", shape: tensor.shape)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: tensor.count * 4))
        tensor.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in
                for i in 0..<src.count { dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: start + 4 * i, as: UInt32.self) }
            }
        }
        return out
    }

    /// Writes `labels` as a one-dimensional little-endian int64 `.npy` (what `np.save` makes of a
    /// Python list of ints), atomically.
    public static func write(labels: [Int], to path: String) throws {
        var out = header(descr: "<i8", shape: [labels.count])
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: labels.count * 8))
        out.withUnsafeMutableBytes { dst in
            for (i, v) in labels.enumerated() { dst.storeBytes(of: Int64(v).littleEndian, toByteOffset: start + 8 * i, as: Int64.self) }
        }
        try AtomicFile.write(out, to: path)
    }

    /// Magic, version, header length and the padded dict, as numpy writes them: the data starts at
    /// a multiple of 64 bytes so it can be memory-mapped aligned.
    static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        let v1 = 10 + dict.count + 1 <= 65535 + 10
        let prefix = v1 ? 10 : 12
        let padding = (64 - (prefix + dict.count + 1) % 64) % 64
        dict.append(contentsOf: repeatElement(0x20, count: padding))
        dict.append(0x0A)
        var out = magic
        if v1 {
            out += [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)]
        } else {
            let n = UInt32(dict.count)
            out += [2, 0, UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        }
        return out + dict
    }

    /// Where the elements of a `.npy` file are and how to read them.
    struct Layout {
        let header: NPYHeader
        let dtype: NPYDType
        let bigEndian: Bool
        let dataStart: Int
        let count: Int

        /// The shape the bytes are laid out in: column-major data is the row-major layout of the
        /// reversed shape.
        var storedShape: [Int] { header.fortranOrder ? Array(header.shape.reversed()) : header.shape }
    }

    /// Parses the bytes of a `.npy` file; `path` only names the source in errors.
    static func parse(bytes: [UInt8], path: String) throws -> NPYArray {
        let l = try layout(bytes: bytes, path: path)
        let stored = l.storedShape
        var tensor = bytes.withUnsafeBytes { all in
            Tensor.decoded(shape: stored, count: l.count, from: UnsafeRawBufferPointer(rebasing: all[l.dataStart...]),
                           kind: l.dtype.kind, bigEndian: l.bigEndian)
        }
        if l.header.fortranOrder && stored.count > 1 { tensor = tensor.permuted(Array((0..<stored.count).reversed())) }
        return NPYArray(shape: l.header.shape, dtype: l.dtype, bigEndian: l.bigEndian,
                        fortranOrder: l.header.fortranOrder, tensor: tensor)
    }

    /// Parses an integer or bool `.npy` file into exact `Int`s in row-major order.
    static func parseIntegers(bytes: [UInt8], path: String) throws -> (shape: [Int], values: [Int]) {
        let l = try layout(bytes: bytes, path: path)
        guard l.dtype.kind.isInteger else {
            throw LatentIOError.unsupported(path, "expected an integer array, found dtype '\(l.header.descr)'")
        }
        let decoded = bytes.withUnsafeBytes { all in
            decodeIntegers(UnsafeRawBufferPointer(rebasing: all[l.dataStart...]), kind: l.dtype.kind, bigEndian: l.bigEndian, count: l.count)
        }
        guard var values = decoded else {
            throw LatentIOError.invalidValue(path, "a uint64 value does not fit a signed 64-bit integer")
        }
        if l.header.fortranOrder && l.header.shape.count > 1 { values = fortranToC(values, shape: l.header.shape) }
        return (l.header.shape, values)
    }

    /// Validates the magic, version, header and data size, before anything proportional to the
    /// announced shape is allocated.
    static func layout(bytes: [UInt8], path: String) throws -> Layout {
        guard bytes.count >= 10 else {
            throw LatentIOError.truncated(path, what: "a .npy header needs at least 10 bytes but the file has \(bytes.count)",
                                          expected: 10, got: bytes.count)
        }
        guard Array(bytes[0..<6]) == magic else {
            throw LatentIOError.corrupt(path, "not a .npy file: magic bytes are \(hex(bytes[0..<6])), expected 93 4e 55 4d 50 59 (\\x93NUMPY)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else {
                throw LatentIOError.truncated(path, what: "a version \(major).\(minor) header needs 12 bytes but the file has \(bytes.count)",
                                              expected: 12, got: bytes.count)
            }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw LatentIOError.unsupported(path, ".npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are read)")
        }
        let headerEnd = headerStart + headerLength
        guard headerEnd <= bytes.count else {
            throw LatentIOError.truncated(path, what: "header length field at offset 8 says \(headerLength) bytes but only \(bytes.count - headerStart) follow",
                                          expected: headerLength, got: bytes.count - headerStart)
        }
        // Versions 1 and 2 promise latin-1; 3 allows UTF-8. Only ASCII matters for the keys we read,
        // so decoding as UTF-8 with repair is safe for both.
        let text = String(decoding: bytes[headerStart..<headerEnd], as: UTF8.self)
        let header = try NPYHeader.parse(text, path: path)

        let (dtype, bigEndian) = try resolveDescr(header.descr, path: path)
        let available = bytes.count - headerEnd
        guard let count = checkedProduct(header.shape), case (let needed, false) = count.multipliedReportingOverflow(by: dtype.kind.size) else {
            throw LatentIOError.corrupt(path, "header field 'shape' \(dimsText(header.shape)) overflows")
        }
        guard needed <= available else {
            throw LatentIOError.truncated(path, what: "header says shape \(dimsText(header.shape)) of \(header.descr) = \(needed) bytes of data but only \(available) follow",
                                          expected: needed, got: available)
        }
        // Extra bytes after the data are ignored, as numpy's own reader does.
        return Layout(header: header, dtype: dtype, bigEndian: bigEndian, dataStart: headerEnd, count: count)
    }

    /// Maps a numpy `descr` such as `<f4`, `>i8` or `|u1` to a dtype and byte order.
    static func resolveDescr(_ descr: String, path: String) throws -> (NPYDType, bigEndian: Bool) {
        guard let order = descr.first, "<>|=".contains(order) else {
            if descr.hasPrefix("O") { throw objectError(path) }
            throw LatentIOError.unsupported(path, "dtype '\(descr)' in header field 'descr'")
        }
        let code = String(descr.dropFirst())
        if code.hasPrefix("O") { throw objectError(path) }
        // '?' is numpy's other spelling of bool.
        guard let dtype = NPYDType(rawValue: code == "?" ? "b1" : code) else {
            throw LatentIOError.unsupported(path, "dtype '\(descr)' in header field 'descr' (numeric and bool dtypes are read)")
        }
        return (dtype, order == ">")
    }

    static func objectError(_ path: String) -> LatentIOError {
        .unsupported(path, "pickled object arrays are not supported (dtype 'O'); save a numeric array instead")
    }

    /// Reorders column-major values of `shape` into row-major order.
    static func fortranToC(_ values: [Int], shape: [Int]) -> [Int] {
        var out = [Int](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: shape.count)
        for c in 0..<values.count {
            var f = 0, stride = 1
            for axis in 0..<shape.count {
                f += index[axis] * stride
                stride *= shape[axis]
            }
            out[c] = values[f]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }
}

/// The three keys of a `.npy` header dict.
struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` and its variants
    /// (either quote style, any spacing, trailing commas, the keys in any order).
    static func parse(_ text: String, path: String) throws -> NPYHeader {
        var p = PythonLiteralParser(Array(text.unicodeScalars), path: path)
        let dict = try p.parseDict()
        func field(_ key: String) throws -> PythonLiteral {
            guard let v = dict.first(where: { $0.0 == key })?.1 else {
                throw LatentIOError.corrupt(path, "header has no '\(key)' key")
            }
            return v
        }
        let descr: String
        switch try field("descr") {
        case .string(let s): descr = s
        case .list, .tuple:
            throw LatentIOError.unsupported(path, "structured dtypes (a list in header field 'descr')")
        default: throw LatentIOError.corrupt(path, "header field 'descr' is not a string")
        }
        guard case .bool(let fortran) = try field("fortran_order") else {
            throw LatentIOError.corrupt(path, "header field 'fortran_order' is not True or False")
        }
        guard case .tuple(let items) = try field("shape") else {
            throw LatentIOError.corrupt(path, "header field 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for item in items {
            guard case .int(let d) = item, d >= 0 else {
                throw LatentIOError.corrupt(path, "header field 'shape' holds \(item), not a non-negative integer")
            }
            shape.append(d)
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }
}

/// The few Python literals a `.npy` header may contain.
indirect enum PythonLiteral: CustomStringConvertible {
    case string(String), int(Int), bool(Bool), none, tuple([PythonLiteral]), list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .int(let i): return String(i)
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .tuple(let t): return "(" + t.map(\.description).joined(separator: ", ") + ")"
        case .list(let l): return "[" + l.map(\.description).joined(separator: ", ") + "]"
        case .dict: return "{…}"
        }
    }
}

/// A recursive-descent parser for Python literals, with a depth limit so a hostile header of
/// nested brackets cannot overflow the stack.
struct PythonLiteralParser {
    let s: [Unicode.Scalar]
    var i = 0
    let path: String
    var depth = 0

    init(_ s: [Unicode.Scalar], path: String) {
        self.s = s
        self.path = path
    }

    func fail(_ what: String) -> LatentIOError {
        .corrupt(path, "header dict: \(what) at character \(i)")
    }

    mutating func skipSpace() { while i < s.count, s[i] == " " || s[i] == "\n" || s[i] == "\t" || s[i] == "\r" { i += 1 } }

    mutating func expect(_ c: Unicode.Scalar) throws {
        skipSpace()
        guard i < s.count, s[i] == c else { throw fail("expected '\(c)'") }
        i += 1
    }

    mutating func parseDict() throws -> [(String, PythonLiteral)] {
        guard case .dict(let d) = try parseValue() else { throw fail("expected a dict") }
        return d
    }

    mutating func parseValue() throws -> PythonLiteral {
        skipSpace()
        guard i < s.count else { throw fail("unexpected end") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= 32 else { throw fail("nesting deeper than 32") }
        switch s[i] {
        case "'", "\"": return .string(try parseString())
        case "{":
            i += 1
            var items: [(String, PythonLiteral)] = []
            while true {
                skipSpace()
                if i < s.count, s[i] == "}" { i += 1; return .dict(items) }
                guard case .string(let key) = try parseValue() else { throw fail("dict key is not a string") }
                try expect(":")
                items.append((key, try parseValue()))
                skipSpace()
                if i < s.count, s[i] == "," { i += 1; continue }
                try expect("}")
                return .dict(items)
            }
        case "(", "[":
            let close: Unicode.Scalar = s[i] == "(" ? ")" : "]"
            let isTuple = s[i] == "("
            i += 1
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                if i < s.count, s[i] == close { i += 1; break }
                items.append(try parseValue())
                skipSpace()
                if i < s.count, s[i] == "," { i += 1; continue }
                try expect(close)
                break
            }
            return isTuple ? .tuple(items) : .list(items)
        default:
            let start = i
            while i < s.count, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) || s[i] == "-" || s[i] == "+" || s[i] == "_" { i += 1 }
            let word = String(String.UnicodeScalarView(s[start..<i]))
            switch word {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            default:
                // Python 2 era files may write `3L`.
                let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                guard !digits.isEmpty, let v = Int(digits.replacingUnderscores()) else {
                    throw fail(word.isEmpty ? "unexpected character '\(s[i])'" : "unexpected '\(word)'")
                }
                return .int(v)
            }
        }
    }

    mutating func parseString() throws -> String {
        let quote = s[i]
        i += 1
        var out = String.UnicodeScalarView()
        while i < s.count, s[i] != quote {
            if s[i] == "\\" && i + 1 < s.count { i += 1 }
            out.append(s[i])
            i += 1
        }
        guard i < s.count else { throw fail("unterminated string") }
        i += 1
        return String(out)
    }
}

extension String {
    /// Python allows `1_000` in integer literals.
    fileprivate func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
