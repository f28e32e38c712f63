import Foundation
import LatentTensor
import Testing
@testable import LatentIO

@Suite struct IDXTests {
    static func idx(type: UInt8, dims: [UInt32], data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for d in dims { out += [UInt8(d >> 24), UInt8((d >> 16) & 0xFF), UInt8((d >> 8) & 0xFF), UInt8(d & 0xFF)] }
        return out + data
    }

    @Test func plainAndGzipGiveTheSameArray() throws {
        let dir = try ScratchDirectory()
        let raw = Self.idx(type: 0x08, dims: [2, 2, 3], data: Array(0..<12))
        // Named .gz but plain, and named plain but gzipped: detection is by magic bytes.
        let a = try IDX.read(path: try dir.write(raw, "a.gz"))
        let b = try IDX.read(path: try dir.write(Gzip.compress(raw), "b-idx3-ubyte"))
        #expect(a.shape == [2, 2, 3] && a.dataType == .uint8 && a.bytes == Array(0..<12))
        #expect(b.shape == a.shape && b.bytes == a.bytes)
        #expect(a.tensor(scale: 0.5).scalars == (0..<12).map { Float($0) * 0.5 })
        #expect(a.integers() == Array(0..<12))
    }

    @Test func aGzipBombBehindASmallHeaderIsRefusedAtTheHeadersSize() throws {
        // The header announces 10 images of 28 × 28 bytes; 64 MB of zeros follow in the stream.
        let header = Self.idx(type: 0x08, dims: [10, 28, 28], data: [UInt8](repeating: 7, count: 7840))
        let bomb = Gzip.compress(header + [UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 200_000)
        do {
            _ = try IDX.parse(bytes: bomb, path: "bomb.gz")
            Issue.record("the bomb was read")
        } catch LatentIOError.corrupt(let path, let message) {
            #expect(path == "bomb.gz")
            #expect(message.contains("7856 bytes its IDX header announces"), "\(message)")
        }
        // The honest file inflates as before, and Gzip.prefix stops where it is told.
        let honest = Gzip.compress(header)
        #expect(try IDX.parse(bytes: honest, path: "ok.gz").shape == [10, 28, 28])
        #expect(try Gzip.prefix(honest, count: 8) == Array(header[0..<8]))
        #expect(try Gzip.prefix(honest, count: 100_000) == header)
    }

    @Test func wideBigEndianTypes() throws {
        let i32 = try IDX.parse(bytes: Self.idx(type: 0x0C, dims: [2], data: [0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 1, 0]), path: "i")
        #expect(i32.tensor().scalars == [-2, 256] && i32.integers() == [-2, 256])
        let f32 = try IDX.parse(bytes: Self.idx(type: 0x0D, dims: [1], data: [0x3F, 0xC0, 0, 0]), path: "f")
        #expect(f32.tensor().scalars == [1.5] && f32.integers() == nil)
        let f64 = try IDX.parse(bytes: Self.idx(type: 0x0E, dims: [1], data: [0xC0, 0, 0, 0, 0, 0, 0, 0]), path: "d")
        #expect(f64.tensor().scalars == [-2])
        let i16 = try IDX.parse(bytes: Self.idx(type: 0x0B, dims: [1], data: [0x80, 0x01]), path: "s")
        #expect(i16.integers() == [-32767])
        let i8 = try IDX.parse(bytes: Self.idx(type: 0x09, dims: [1], data: [0xFF]), path: "b")
        #expect(i8.tensor().scalars == [-1])
    }

    @Test func badFiles() throws {
        let dir = try ScratchDirectory()
        #expect(expectIOError { _ = try IDX.read(path: dir.file("missing")) } == .fileNotFound(dir.file("missing")))

        func error(_ bytes: [UInt8], _ name: String = "bad-idx") -> LatentIOError? {
            expectIOError { _ = try IDX.parse(bytes: bytes, path: name) }
        }
        #expect(error([0x01, 0x00, 0x08, 0x01, 0, 0, 0, 0])?.kind == "corrupt")                 // wrong magic
        #expect(error([0, 0, 0x07, 1, 0, 0, 0, 0])?.kind == "unsupported")                      // unknown type
        #expect(error([0, 0, 8])?.kind == "truncated")
        #expect(error([0, 0, 8, 3, 0, 0])?.kind == "truncated")                                   // dims cut off
        #expect(error(Self.idx(type: 8, dims: [2, 3], data: [1, 2, 3, 4, 5, 6, 7]))?.kind == "corrupt")   // trailing bytes

        // Truncated pixels: the message says what the header promised and what is there.
        let short = error(Self.idx(type: 8, dims: [60000, 28, 28], data: [UInt8](repeating: 0, count: 1024)),
                          "train-images-idx3-ubyte.gz")
        #expect(short?.description == "train-images-idx3-ubyte.gz: truncated: header says 60000×28×28 = 47040000 bytes of data but only 1024 follow")

        // 2^31 × 2^31 elements: refused from the header alone, nothing allocated.
        let absurd = error(Self.idx(type: 8, dims: [1 << 31, 1 << 31], data: []))
        #expect(absurd?.kind == "truncated")
        #expect(absurd?.description.contains("2147483648×2147483648") == true)
        // A product that overflows Int.
        let overflow = error(Self.idx(type: 0x0E, dims: [UInt32.max, UInt32.max, UInt32.max], data: []))
        #expect(overflow?.kind == "corrupt")

        // A gzip that lies about its content is reported as corrupt, naming the file.
        var gz = Gzip.compress(Self.idx(type: 8, dims: [4], data: [1, 2, 3, 4]))
        gz[gz.count / 2] ^= 0xFF
        let corruptGzip = expectIOError { _ = try IDX.read(path: try dir.write(gz, "t10k-labels-idx1-ubyte.gz")) }
        #expect(corruptGzip?.kind == "corrupt" || corruptGzip?.kind == "truncated")
        #expect(corruptGzip?.path == dir.file("t10k-labels-idx1-ubyte.gz"))
    }

    @Test func mnistTestSplitFromRepositoryData() throws {
        let directory = Fixtures.repositoryRoot + "/Data/mnist"
        let (images, labels) = try MNIST.load(directory: directory, split: .test)
        #expect(images.shape == [10000, 784])
        #expect(labels.count == 10000)
        #expect(Set(labels) == Set(0...9))
        let (lo, hi) = images.withUnsafeBufferPointer { ($0.min()!, $0.max()!) }
        #expect(lo == 0 && hi == 1)
        // The train split is not shipped: the error names what was looked for.
        let missing = expectIOError { _ = try MNIST.load(directory: directory, split: .train) }
        #expect(missing == .fileNotFound(directory + "/train-images-idx3-ubyte[.gz]"))
    }

    @Test func mnistNameVariantsAndCountCheck() throws {
        let dir = try ScratchDirectory()
        let pixels = [UInt8](repeating: 255, count: 3 * 4)
        _ = try dir.write(Self.idx(type: 8, dims: [3, 2, 2], data: pixels), "train-images.idx3-ubyte")
        _ = try dir.write(Gzip.compress(Self.idx(type: 8, dims: [3], data: [4, 5, 6])), "train-labels-idx1-ubyte.gz")
        let d = try MNIST.dataset(directory: dir.path, split: .train)
        #expect(d.inputs.shape == [3, 4] && d.labels == [4, 5, 6])
        #expect(d.inputs.scalars.allSatisfy { $0 == 1 })

        _ = try dir.write(Self.idx(type: 8, dims: [2, 2, 2], data: [UInt8](repeating: 0, count: 8)), "t10k-images-idx3-ubyte")
        _ = try dir.write(Self.idx(type: 8, dims: [3], data: [1, 2, 3]), "t10k-labels-idx1-ubyte")
        let mismatch = expectIOError { _ = try MNIST.load(directory: dir.path, split: .test) }
        #expect(mismatch?.kind == "shapeMismatch")
        #expect(mismatch?.description.contains("3 labels for the 2 images") == true)
    }
}
