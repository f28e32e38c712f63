import CLatentZlib
import Foundation

/// The pixel layouts this PNG codec reads and writes (all with 8 bits per sample).
public enum PNGColorType: UInt8, Sendable, CaseIterable {
    /// One sample per pixel: luminance.
    case grayscale = 0
    /// Three samples per pixel: red, green, blue.
    case rgb = 2
    /// Two samples per pixel: luminance and alpha.
    case grayscaleAlpha = 4
    /// Four samples per pixel: red, green, blue, alpha (not premultiplied).
    case rgba = 6

    /// Bytes per pixel at 8 bits per sample.
    public var channels: Int {
        switch self {
        case .grayscale: 1
        case .grayscaleAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
    }
}

/// A decoded or to-be-encoded raster: `height` rows of `width` pixels, samples interleaved.
public struct PNGImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Number of rows.
    public let height: Int
    /// How the samples of one pixel are laid out.
    public let colorType: PNGColorType
    /// `width * height * colorType.channels` bytes, top row first.
    public var pixels: [UInt8]

    /// An image over existing samples; `pixels.count` must equal `width * height * channels`.
    public init(width: Int, height: Int, colorType: PNGColorType, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "PNGImage: size \(width)x\(height) must be positive")
        precondition(pixels.count == width * height * colorType.channels,
                     "PNGImage: \(pixels.count) bytes do not fill \(width)x\(height) \(colorType)")
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// The samples of the pixel at column `x`, row `y`.
    public func pixel(x: Int, y: Int) -> ArraySlice<UInt8> {
        let c = colorType.channels
        let o = (y * width + x) * c
        return pixels[o..<(o + c)]
    }
}

/// Why a byte string could not be decoded as a PNG this codec understands.
public enum PNGError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first eight bytes are not the PNG signature.
    case notPNG
    /// The data ends inside the chunk that starts at `offset`.
    case truncated(offset: Int)
    /// The stored CRC of the chunk at `offset` does not match its contents.
    case badCRC(chunk: String, offset: Int)
    /// A valid PNG feature this minimal decoder does not implement (palette, 16-bit, interlace…).
    case unsupported(String)
    /// The structure is wrong: missing or misplaced chunks, bad sizes, bad compressed data.
    case malformed(String)

    /// A one-line explanation for people.
    public var description: String {
        switch self {
        case .notPNG: "not a PNG file: bad signature"
        case .truncated(let offset): "PNG truncated in the chunk at byte \(offset)"
        case .badCRC(let chunk, let offset): "PNG chunk \(chunk) at byte \(offset) has a bad CRC"
        case .unsupported(let what): "unsupported PNG: \(what)"
        case .malformed(let what): "malformed PNG: \(what)"
        }
    }
}

/// A PNG encoder and a small decoder for the images it writes (8-bit, non-interlaced gray,
/// gray+alpha, RGB, RGBA), following the PNG specification (ISO/IEC 15948).
public enum PNG {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decoded images larger than this many bytes are refused before anything is allocated, so a
    /// hostile header cannot make the decoder ask for terabytes.
    public static let maximumDecodedBytes = 1 << 30

    // MARK: Encoding

    /// Encodes `image` as a complete PNG file.
    ///
    /// Each row gets the filter (none, sub, up, average, Paeth) whose output has the smallest sum of
    /// absolute values — the heuristic the PNG specification recommends — which makes plots with
    /// flat areas compress several times better than filter 0 alone.
    /// - Parameters:
    ///   - image: the pixels and their colour type.
    ///   - compressionLevel: zlib level, 0 (store) … 9 (smallest).
    public static func encode(_ image: PNGImage, compressionLevel: Int = 6) -> [UInt8] {
        var out = signature
        var header = [UInt8]()
        header.appendBigEndian(UInt32(image.width))
        header.appendBigEndian(UInt32(image.height))
        header += [8, image.colorType.rawValue, 0, 0, 0]  // depth, colour type, deflate, filter set 0, no interlace
        appendChunk("IHDR", header, to: &out)
        let filtered = filterRows(image)
        appendChunk("IDAT", deflate(filtered, level: compressionLevel), to: &out)
        appendChunk("IEND", [], to: &out)
        return out
    }

    /// Encodes raw samples; a shorthand for `encode(PNGImage(...))`.
    public static func encode(width: Int, height: Int, colorType: PNGColorType, pixels: [UInt8],
                              compressionLevel: Int = 6) -> [UInt8] {
        encode(PNGImage(width: width, height: height, colorType: colorType, pixels: pixels),
               compressionLevel: compressionLevel)
    }

    /// The CRC-32 (ISO 3309, as used by PNG and gzip) of `bytes`, continuing from `crc`.
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buf in
            var c = UInt(crc)
            var start = 0
            // zlib's length parameter is 32-bit; feed very large inputs in pieces.
            while start < buf.count {
                let n = min(buf.count - start, 1 << 30)
                c = CLatentZlib.crc32(c, buf.baseAddress! + start, UInt32(n))
                start += n
            }
            return UInt32(truncatingIfNeeded: c)
        }
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out.appendBigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out.appendBigEndian(crc32(data, continuing: crc32(typeBytes)))
    }

    /// Prefixes every row with its filter type and the filtered bytes.
    static func filterRows(_ image: PNGImage) -> [UInt8] {
        let bpp = image.colorType.channels
        let stride = image.width * bpp
        var out = [UInt8]()
        out.reserveCapacity(image.height * (stride + 1))
        let zeroRow = [UInt8](repeating: 0, count: stride)
        var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: stride), count: 5)
        image.pixels.withUnsafeBufferPointer { px in
            zeroRow.withUnsafeBufferPointer { zero in
                for y in 0..<image.height {
                    let row = UnsafeBufferPointer(rebasing: px[(y * stride)..<((y + 1) * stride)])
                    let prior = y == 0 ? zero : UnsafeBufferPointer(rebasing: px[((y - 1) * stride)..<(y * stride)])
                    var best = 0
                    var bestCost = Int.max
                    for f in 0..<5 {
                        var cost = 0
                        for i in 0..<stride {
                            let a = i >= bpp ? row[i - bpp] : 0
                            let b = prior[i]
                            let c = i >= bpp ? prior[i - bpp] : 0
                            let v = row[i] &- predictor(f, a, b, c)
                            candidates[f][i] = v
                            cost += Int(Int8(bitPattern: v).magnitude)
                        }
                        if cost < bestCost { bestCost = cost; best = f }
                    }
                    out.append(UInt8(best))
                    out += candidates[best]
                }
            }
        }
        return out
    }

    /// The value PNG filter `type` predicts from the left (`a`), above (`b`) and upper-left (`c`) bytes.
    @inline(__always)
    static func predictor(_ type: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        switch type {
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        case 4:
            let p = Int(a) + Int(b) - Int(c)
            let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
            if pa <= pb && pa <= pc { return a }
            return pb <= pc ? b : c
        default: return 0
        }
    }

    static func deflate(_ data: [UInt8], level: Int) -> [UInt8] {
        var destLen = compressBound(UInt(data.count))
        var dest = [UInt8](repeating: 0, count: Int(destLen))
        let status = data.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { dst in
                compress2(dst.baseAddress!, &destLen, src.baseAddress!, UInt(src.count),
                          Int32(max(0, min(9, level))))
            }
        }
        // compress2 can only fail for lack of memory or a bad level; the buffer is compressBound-sized.
        precondition(status == Z_OK, "PNG: zlib compress2 failed with status \(status)")
        dest.removeSubrange(Int(destLen)...)
        return dest
    }

    // MARK: Decoding

    /// Decodes a PNG file of the kinds `encode` writes: 8-bit, non-interlaced, colour types 0, 2, 4, 6.
    ///
    /// Checks the signature and every chunk's CRC; ancillary chunks (text, gamma, …) are skipped.
    public static func decode(_ bytes: [UInt8]) throws(PNGError) -> PNGImage {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw .notPNG }
        var offset = 8
        var header: (width: Int, height: Int, colorType: PNGColorType)?
        var compressed = [UInt8]()
        var sawEnd = false
        while offset < bytes.count && !sawEnd {
            let chunkStart = offset
            guard bytes.count - offset >= 12 else { throw .truncated(offset: chunkStart) }
            let length = Int(bytes.readBigEndian(at: offset))
            guard length <= Int(Int32.max), bytes.count - offset - 12 >= length else {
                throw .truncated(offset: chunkStart)
            }
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            let storedCRC = bytes.readBigEndian(at: offset + 8 + length)
            guard crc32(data, continuing: crc32(typeBytes)) == storedCRC else {
                throw .badCRC(chunk: type, offset: chunkStart)
            }
            offset += 12 + length
            switch type {
            case "IHDR":
                guard header == nil, chunkStart == 8 else { throw .malformed("IHDR is not the first chunk") }
                header = try parseHeader(data)
            case "IDAT":
                guard header != nil else { throw .malformed("IDAT before IHDR") }
                compressed += data
            case "IEND":
                sawEnd = true
            case "PLTE":
                throw .unsupported("palette images")
            default:
                // Bit 5 of the first type byte clear means "critical": we must not ignore it.
                if typeBytes[0] & 0x20 == 0 { throw .unsupported("critical chunk \(type)") }
            }
        }
        guard let h = header else { throw .malformed("no IHDR chunk") }
        guard sawEnd else { throw .malformed("no IEND chunk") }
        guard !compressed.isEmpty else { throw .malformed("no IDAT chunk") }
        let bpp = h.colorType.channels
        let stride = h.width * bpp
        let rawCount = h.height * (stride + 1)
        let raw = try inflate(compressed, expectedCount: rawCount)
        return PNGImage(width: h.width, height: h.height, colorType: h.colorType,
                        pixels: try unfilter(raw, height: h.height, stride: stride, bpp: bpp))
    }

    static func parseHeader(_ data: [UInt8]) throws(PNGError) -> (width: Int, height: Int, colorType: PNGColorType) {
        guard data.count == 13 else { throw .malformed("IHDR has \(data.count) bytes, expected 13") }
        let width = Int(data.readBigEndian(at: 0)), height = Int(data.readBigEndian(at: 4))
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw .malformed("image size \(width)x\(height)")
        }
        guard data[8] == 8 else { throw .unsupported("bit depth \(data[8]) (only 8)") }
        guard let colorType = PNGColorType(rawValue: data[9]) else {
            throw .unsupported("colour type \(data[9])")
        }
        guard data[10] == 0, data[11] == 0 else { throw .malformed("unknown compression or filter method") }
        guard data[12] == 0 else { throw .unsupported("interlaced images") }
        let (bytes, overflow) = width.multipliedReportingOverflow(by: height * colorType.channels)
        guard !overflow, bytes <= maximumDecodedBytes else {
            throw .unsupported("image of \(width)x\(height) exceeds \(maximumDecodedBytes) bytes")
        }
        return (width, height, colorType)
    }

    static func inflate(_ data: [UInt8], expectedCount: Int) throws(PNGError) -> [UInt8] {
        // One spare byte lets us tell "exactly the right size" from "more data than the header allows".
        var out = [UInt8](repeating: 0, count: expectedCount + 1)
        var outLen = UInt(out.count)
        let status = data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress!, &outLen, src.baseAddress!, UInt(src.count))
            }
        }
        guard status == Z_OK else { throw .malformed("zlib stream error \(status)") }
        guard Int(outLen) == expectedCount else {
            throw .malformed("image data inflates to \(outLen) bytes, expected \(expectedCount)")
        }
        out.removeLast()
        return out
    }

    static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bpp: Int) throws(PNGError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = Int(raw[y * (stride + 1)])
            guard filter <= 4 else { throw .malformed("row \(y) has filter type \(filter)") }
            let src = y * (stride + 1) + 1
            let dst = y * stride
            for i in 0..<stride {
                let a = i >= bpp ? out[dst + i - bpp] : 0
                let b = y > 0 ? out[dst - stride + i] : 0
                let c = (i >= bpp && y > 0) ? out[dst - stride + i - bpp] : 0
                out[dst + i] = raw[src + i] &+ predictor(filter, a, b, c)
            }
        }
        return out
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ v: UInt32) {
        append(UInt8(v >> 24)); append(UInt8((v >> 16) & 0xFF))
        append(UInt8((v >> 8) & 0xFF)); append(UInt8(v & 0xFF))
    }

    func readBigEndian(at i: Int) -> UInt32 {
        UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }
}
