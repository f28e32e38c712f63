import Foundation
import Testing
@testable import LatentPlot

/// An independent bitwise CRC-32 (reflected polynomial 0xEDB88320), to check zlib's result
/// against the definition rather than against itself.
func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        crc ^= UInt32(b)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// Splits a PNG file into (type, data, stored CRC) triples without using the decoder.
func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8], crc: UInt32)] {
    var out = [(String, [UInt8], UInt32)]()
    var o = 8
    func be(_ i: Int) -> UInt32 { png[i..<(i + 4)].reduce(0) { $0 << 8 | UInt32($1) } }
    while o + 12 <= png.count {
        let n = Int(be(o))
        let type = String(decoding: png[(o + 4)..<(o + 8)], as: UTF8.self)
        out.append((type, Array(png[(o + 8)..<(o + 8 + n)]), be(o + 8 + n)))
        o += 12 + n
    }
    return out
}

/// Pseudo-random bytes, deterministic, with some structure so every filter type gets chosen.
func testPixels(_ count: Int, seed: UInt32) -> [UInt8] {
    var s = seed
    return (0..<count).map { i in
        s = s &* 1_664_525 &+ 1_013_904_223
        return i % 7 < 3 ? UInt8(truncatingIfNeeded: i / 5) : UInt8(truncatingIfNeeded: s >> 24)
    }
}

@Suite("PNG")
struct PNGTests {
    @Test func crcMatchesDefinition() {
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        let data = testPixels(10_000, seed: 7)
        #expect(PNG.crc32(data) == referenceCRC32(data))
        // Continuing a CRC equals computing it over the concatenation.
        #expect(PNG.crc32(Array(data[5000...]), continuing: PNG.crc32(Array(data[..<5000]))) == PNG.crc32(data))
    }

    @Test(arguments: PNGColorType.allCases)
    func roundTripIsExact(colorType: PNGColorType) throws {
        for (w, h) in [(1, 1), (3, 2), (37, 23)] {
            let px = testPixels(w * h * colorType.channels, seed: UInt32(w * 31 + h))
            let png = PNG.encode(width: w, height: h, colorType: colorType, pixels: px)
            let image = try PNG.decode(png)
            #expect(image.width == w && image.height == h && image.colorType == colorType)
            #expect(image.pixels == px)
        }
    }

    @Test func structureAndCRCsAreValid() throws {
        let px = testPixels(20 * 10 * 3, seed: 1)
        let png = PNG.encode(width: 20, height: 10, colorType: .rgb, pixels: px)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let cs = chunks(png)
        #expect(cs.map(\.type) == ["IHDR", "IDAT", "IEND"])
        for c in cs { #expect(referenceCRC32(Array(c.type.utf8) + c.data) == c.crc, "chunk \(c.type)") }
        #expect(cs[0].data == [0, 0, 0, 20, 0, 0, 0, 10, 8, 2, 0, 0, 0])
        #expect(cs[2].data.isEmpty)
        // The last chunk ends exactly at the end of the file.
        #expect(cs.reduce(8) { $0 + 12 + $1.data.count } == png.count)
    }

    @Test func decoderRejectsDamage() {
        let png = PNG.encode(width: 4, height: 4, colorType: .grayscale, pixels: testPixels(16, seed: 3))
        #expect(throws: PNGError.notPNG) { try PNG.decode(Array(png.dropFirst())) }
        var flipped = png
        flipped[42] ^= 0x01  // inside the IDAT data (the chunk starts at byte 33)
        #expect(throws: PNGError.badCRC(chunk: "IDAT", offset: 33)) { try PNG.decode(flipped) }
        #expect(throws: PNGError.truncated(offset: 33)) { try PNG.decode(Array(png.prefix(45))) }
        #expect(throws: PNGError.self) { try PNG.decode(Array(png.prefix(png.count - 12))) }  // no IEND
    }

    @Test func decodesAllFilterTypes() throws {
        // Hand-built raw rows using each filter 0…4 on a 2×5 RGB image, deflated by zlib.
        let w = 2, bpp = 3, stride = w * bpp
        let px = testPixels(5 * stride, seed: 9)
        var raw = [UInt8]()
        for y in 0..<5 {
            raw.append(UInt8(y))
            for i in 0..<stride {
                let a = i >= bpp ? px[y * stride + i - bpp] : 0
                let b = y > 0 ? px[(y - 1) * stride + i] : 0
                let c = (i >= bpp && y > 0) ? px[(y - 1) * stride + i - bpp] : 0
                raw.append(px[y * stride + i] &- PNG.predictor(y, a, b, c))
            }
        }
        var file = PNG.signature
        var ihdr = [UInt8]()
        ihdr.appendBigEndian(UInt32(w)); ihdr.appendBigEndian(5); ihdr += [8, 2, 0, 0, 0]
        PNG.appendChunk("IHDR", ihdr, to: &file)
        PNG.appendChunk("tEXt", Array("Comment\0ancillary chunks are skipped".utf8), to: &file)
        let z = PNG.deflate(raw, level: 9)
        // Image data may be split over several IDAT chunks.
        PNG.appendChunk("IDAT", Array(z.prefix(5)), to: &file)
        PNG.appendChunk("IDAT", Array(z.dropFirst(5)), to: &file)
        PNG.appendChunk("IEND", [], to: &file)
        #expect(try PNG.decode(file).pixels == px)
    }

    @Test func pythonZlibAgrees() throws {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { return }  // Nothing to cross-check with; the CRC tests above still ran.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latentplot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.png")
        let px = testPixels(9 * 7 * 4, seed: 5)
        try Data(PNG.encode(width: 9, height: 7, colorType: .rgba, pixels: px)).write(to: file)
        let script = """
        import sys, zlib, struct
        d = open(sys.argv[1], 'rb').read()
        assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
        o, idat = 8, b''
        while o < len(d):
            n, = struct.unpack('>I', d[o:o+4]); t = d[o+4:o+8]; body = d[o+8:o+8+n]
            crc, = struct.unpack('>I', d[o+8+n:o+12+n])
            assert zlib.crc32(t + body) & 0xffffffff == crc, t
            if t == b'IDAT': idat += body
            o += 12 + n
        raw = zlib.decompress(idat)
        assert len(raw) == 7 * (1 + 9 * 4)
        print('ok')
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, file.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "python: \(text)")
        #expect(text.contains("ok"))
    }
}
