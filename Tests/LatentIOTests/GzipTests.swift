import Foundation
import Testing
@testable import LatentIO

@Suite struct GzipTests {
    @Test func roundTripAndConcatenatedMembers() throws {
        let text = Array(String(repeating: "latent representations ", count: 1000).utf8)
        let gz = Gzip.compress(text)
        #expect(Gzip.isGzip(gz) && gz.count < text.count / 10)
        #expect(try Gzip.decompress(gz) == text)
        #expect(try Gzip.decompress(gz + Gzip.compress([1, 2, 3])) == text + [1, 2, 3])
        #expect(try Gzip.decompress(Gzip.compress([])) == [])
    }

    @Test func readsZlibStreams() throws {
        // zlib header 78 9c, a stored block holding "hi", and its Adler-32.
        let zlib: [UInt8] = [0x78, 0x9C, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x68, 0x69, 0x01, 0x3B, 0x00, 0xD2]
        #expect(try Gzip.decompress(zlib) == Array("hi".utf8))
    }

    @Test func boundedOutputStopsZipBombs() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let bomb = Gzip.compress(zeros, level: 9)
        #expect(bomb.count < 2000)
        let e = expectIOError { _ = try Gzip.decompress(bomb, limit: 100_000, path: "bomb.gz") }
        #expect(e?.kind == "tooLarge" && e?.path == "bomb.gz")
        #expect(try Gzip.decompress(bomb, limit: 1 << 20) == zeros)   // exactly at the limit is fine
    }

    @Test func corruptAndTruncatedStreams() throws {
        let gz = Gzip.compress(Array((0..<5000).map { UInt8($0 % 251) }))
        let cut = expectIOError { _ = try Gzip.decompress(Array(gz.prefix(gz.count / 2)), path: "cut.gz") }
        #expect(cut?.kind == "truncated")
        var flipped = gz
        flipped[gz.count - 6] ^= 0x55   // inside the CRC-32 trailer
        #expect(expectIOError { _ = try Gzip.decompress(flipped, path: "crc.gz") }?.kind == "corrupt")
        #expect(expectIOError { _ = try Gzip.decompress([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF], path: "x.gz") } != nil)
        #expect(expectIOError { _ = try Gzip.decompress(gz + [1, 2, 3], path: "tail.gz") }?.kind == "corrupt")
        #expect(expectIOError { _ = try Gzip.decompress(Array("plain text".utf8), path: "p") }?.kind == "corrupt")
    }
}
