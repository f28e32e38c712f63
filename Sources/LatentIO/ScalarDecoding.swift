import LatentTensor

/// The element types the readers understand, independent of how each format spells them.
enum ScalarKind: Sendable {
    case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float16, bfloat16, float32, float64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        }
    }

    /// True for the kinds whose values are whole numbers (they can be read exactly as `Int`).
    var isInteger: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: return false
        default: return true
        }
    }
}

/// Converts `count` packed elements starting at `source` to `Float`, honouring byte order.
///
/// The switch sits outside the loops so each loop is a tight, vectorisable pass; loads are
/// unaligned because file offsets (npy headers, safetensors offsets) carry no alignment promise.
func decodeScalars(_ source: UnsafeRawBufferPointer, kind: ScalarKind, bigEndian: Bool, count: Int,
                   into out: UnsafeMutablePointer<Float>) {
    precondition(source.count >= count * kind.size, "decodeScalars: buffer too short")
    guard count > 0, let base = source.baseAddress else { return }
    @inline(__always) func u16(_ i: Int) -> UInt16 {
        let v = base.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
    }
    @inline(__always) func u32(_ i: Int) -> UInt32 {
        let v = base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
    }
    @inline(__always) func u64(_ i: Int) -> UInt64 {
        let v = base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
    }
    let bytes = base.assumingMemoryBound(to: UInt8.self)
    switch kind {
    case .bool: for i in 0..<count { out[i] = bytes[i] != 0 ? 1 : 0 }
    case .uint8: for i in 0..<count { out[i] = Float(bytes[i]) }
    case .int8: for i in 0..<count { out[i] = Float(Int8(bitPattern: bytes[i])) }
    case .uint16: for i in 0..<count { out[i] = Float(u16(i)) }
    case .int16: for i in 0..<count { out[i] = Float(Int16(bitPattern: u16(i))) }
    case .uint32: for i in 0..<count { out[i] = Float(u32(i)) }
    case .int32: for i in 0..<count { out[i] = Float(Int32(bitPattern: u32(i))) }
    case .uint64: for i in 0..<count { out[i] = Float(u64(i)) }
    case .int64: for i in 0..<count { out[i] = Float(Int64(bitPattern: u64(i))) }
    case .float16: for i in 0..<count { out[i] = halfToFloat(u16(i)) }
    case .bfloat16: for i in 0..<count { out[i] = Float(bitPattern: UInt32(u16(i)) << 16) }
    case .float32: for i in 0..<count { out[i] = Float(bitPattern: u32(i)) }
    case .float64: for i in 0..<count { out[i] = Float(Double(bitPattern: u64(i))) }
    }
}

/// Converts packed integer elements to `Int` exactly (no detour through `Float`, which loses
/// integers above 2^24). Unsigned 64-bit values above `Int.max` return nil.
func decodeIntegers(_ source: UnsafeRawBufferPointer, kind: ScalarKind, bigEndian: Bool, count: Int) -> [Int]? {
    precondition(kind.isInteger, "decodeIntegers: \(kind) is not an integer kind")
    guard count > 0, let base = source.baseAddress else { return [] }
    var out = [Int](repeating: 0, count: count)
    for i in 0..<count {
        let o = i * kind.size
        switch kind {
        case .bool: out[i] = base.load(fromByteOffset: o, as: UInt8.self) != 0 ? 1 : 0
        case .uint8: out[i] = Int(base.load(fromByteOffset: o, as: UInt8.self))
        case .int8: out[i] = Int(base.load(fromByteOffset: o, as: Int8.self))
        case .uint16, .int16:
            var v = base.loadUnaligned(fromByteOffset: o, as: UInt16.self)
            v = bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
            out[i] = kind == .int16 ? Int(Int16(bitPattern: v)) : Int(v)
        case .uint32, .int32:
            var v = base.loadUnaligned(fromByteOffset: o, as: UInt32.self)
            v = bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
            out[i] = kind == .int32 ? Int(Int32(bitPattern: v)) : Int(v)
        case .uint64, .int64:
            var v = base.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            v = bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
            if kind == .int64 { out[i] = Int(Int64(bitPattern: v)) } else {
                guard v <= UInt64(Int.max) else { return nil }
                out[i] = Int(v)
            }
        case .float16, .bfloat16, .float32, .float64: return nil
        }
    }
    return out
}

/// IEEE 754 binary16 → binary32, written out because `Float16` is unavailable on macOS x86-64.
@inline(__always)
func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x03FF)
    if exponent == 0x1F {   // infinity or NaN: keep the payload
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    if exponent == 0 {      // zero or subnormal: value = mantissa × 2^-24
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
}

extension Tensor {
    /// A tensor of `shape` decoded from packed elements of `kind`.
    static func decoded(shape: [Int], count: Int, from source: UnsafeRawBufferPointer,
                        kind: ScalarKind, bigEndian: Bool) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { out in
            if let p = out.baseAddress { decodeScalars(source, kind: kind, bigEndian: bigEndian, count: count, into: p) }
        }
        return t
    }
}
