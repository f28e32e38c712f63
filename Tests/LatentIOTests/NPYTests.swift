import Foundation
import LatentTensor
import Testing
@testable import LatentIO

@Suite struct NPYTests {
    static func referenceF32() throws -> [Float] {
        let npy = try #require(try Fixtures.reference()["npy"] as? [String: Any])
        let rows = try #require(npy["values_f32_3x4"] as? [[Double]])
        return rows.flatMap { $0.map(Float.init) }
    }

    @Test(arguments: ["f32_3x4", "f32_v2_3x4", "f32_fortran_3x4", "f32_bigendian_3x4"])
    func float32VariantsMatchReference(_ name: String) throws {
        let a = try NPY.read(path: Fixtures.path("npy/\(name).npy"))
        #expect(a.shape == [3, 4])
        #expect(a.dtype == .float32)
        #expect(a.tensor.shape == [3, 4])
        #expect(a.tensor.scalars == (try Self.referenceF32()))
        #expect(a.fortranOrder == (name == "f32_fortran_3x4"))
        #expect(a.bigEndian == (name == "f32_bigendian_3x4"))
    }

    @Test func float64() throws {
        let a = try NPY.read(path: Fixtures.path("npy/f64_2x3x2.npy"))
        #expect(a.shape == [2, 3, 2])
        #expect(a.dtype == .float64)
        let expected: [Double] = [-2.3250307746388343, -0.21879166393254573, -1.2459109472530652, -0.7322673547034516,
                                  -0.5442589828573099, -0.31630015636915454, 0.4116305363741328, 1.0425133694426776,
                                  -0.12853466294403426, 1.3664634705496859, -0.6651946734866135, 0.3515100700930197]
        #expect(a.tensor.scalars == expected.map(Float.init))
    }

    @Test func integerDtypes() throws {
        let i64 = try NPY.read(path: Fixtures.path("npy/i64_5.npy"))
        #expect(i64.shape == [5] && i64.dtype == .int64)
        #expect(i64.tensor.scalars == [-2, -1, 0, 1, 2])

        let i32 = try NPY.read(path: Fixtures.path("npy/i32_2x2.npy"))
        #expect(i32.shape == [2, 2] && i32.dtype == .int32)
        #expect(try NPY.readIntegers(path: Fixtures.path("npy/i32_2x2.npy")).values == [1, -2, 3, 2_147_483_647])
        #expect(i32.tensor.scalars == [1, -2, 3, Float(2_147_483_647)])

        let u8 = try NPY.read(path: Fixtures.path("npy/u8_2x3.npy"))
        #expect(u8.shape == [2, 3] && u8.dtype == .uint8)
        #expect(u8.tensor.scalars == [0, 1, 2, 253, 254, 255])

        let labels = try NPY.readIntegers(path: Fixtures.path("npy/i64_5.npy"))
        #expect(labels.shape == [5] && labels.values == [-2, -1, 0, 1, 2])
        let floatAsInt = expectIOError { _ = try NPY.readIntegers(path: Fixtures.path("npy/f32_3x4.npy")) }
        #expect(floatAsInt?.kind == "unsupported")
    }

    @Test func scalarAndEmpty() throws {
        let s = try NPY.read(path: Fixtures.path("npy/f32_scalar.npy"))
        #expect(s.shape == [])
        #expect(s.tensor.shape == [] && s.tensor.scalar == 3.5)

        let e = try NPY.read(path: Fixtures.path("npy/f32_empty_0x4.npy"))
        #expect(e.shape == [0, 4])
        #expect(e.tensor.shape == [0, 4] && e.tensor.count == 0)
    }

    @Test func objectArrayIsRefusedWithoutUnpickling() throws {
        let path = Fixtures.path("npy/object_array.npy")
        let error = expectIOError { _ = try NPY.read(path: path) }
        #expect(error?.kind == "unsupported")
        #expect(error?.description.contains("pickled object arrays are not supported") == true)
        #expect(error?.description.hasPrefix(path) == true)
    }

    @Test func roundTripFloat32AndLabels() throws {
        let dir = try ScratchDirectory()
        var rng = RandomGenerator(seed: 7)
        for shape in [[3, 4], [2, 3, 5], [7], [], [0, 4]] {
            let t = Tensor.normal(shape, using: &rng)
            let path = dir.file("t.npy")
            try NPY.write(t, to: path)
            let back = try NPY.read(path: path)
            #expect(back.shape == shape && back.dtype == .float32 && back.tensor == t)
            // numpy aligns the data to 64 bytes; so do we.
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect((size - t.count * 4) % 64 == 0)
        }
        let labels = [0, 9, 3, -1, 1 << 40]
        try NPY.write(labels: labels, to: dir.file("labels.npy"))
        let back = try NPY.read(path: dir.file("labels.npy"))
        #expect(back.dtype == .int64 && back.shape == [5])
        #expect(try NPY.readIntegers(path: dir.file("labels.npy")).values == labels)
        #expect(try dir.contents() == ["labels.npy", "t.npy"])
    }

    @Test func headerTextVariants() throws {
        func npy(_ header: String, data: [UInt8]) -> [UInt8] {
            let h = Array(header.utf8)
            return NPY.magic + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h + data
        }
        let one: [UInt8] = [0, 0, 0x80, 0x3F]   // 1.0 as <f4
        let a = try NPY.parse(bytes: npy("{\"shape\":(1,),\"fortran_order\":False,\"descr\":\"<f4\"}\n", data: one), path: "x.npy")
        #expect(a.shape == [1] && a.tensor.scalars == [1])
        let b = try NPY.parse(bytes: npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2L,)}", data: [0x00, 0x38, 0x00, 0xC0]), path: "x.npy")
        #expect(b.tensor.scalars == [0.5, -2])
        let c = try NPY.parse(bytes: npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}", data: [1, 0, 7]), path: "x.npy")
        #expect(c.tensor.scalars == [1, 0, 1])
        let d = try NPY.parse(bytes: npy("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3)}", data: [1, 4, 2, 5, 3, 6]), path: "x.npy")
        #expect(d.tensor.scalars == [1, 2, 3, 4, 5, 6])
        let dInts = try NPY.parseIntegers(bytes: npy("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3)}", data: [1, 4, 2, 5, 3, 6]), path: "x.npy")
        #expect(dInts.shape == [2, 3] && dInts.values == [1, 2, 3, 4, 5, 6])
        let structured = expectIOError {
            _ = try NPY.parse(bytes: npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", data: one), path: "x.npy")
        }
        #expect(structured?.kind == "unsupported")
        let complex = expectIOError { _ = try NPY.parse(bytes: npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", data: one + one), path: "x.npy") }
        #expect(complex?.kind == "unsupported")
        let noShape = expectIOError { _ = try NPY.parse(bytes: npy("{'descr': '<f4', 'fortran_order': False}", data: one), path: "x.npy") }
        #expect(noShape?.kind == "corrupt")
        let negative = expectIOError { _ = try NPY.parse(bytes: npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", data: one), path: "x.npy") }
        #expect(negative?.kind == "corrupt")
        let deep = expectIOError { _ = try NPY.parse(bytes: npy(String(repeating: "(", count: 5000), data: []), path: "x.npy") }
        #expect(deep?.kind == "corrupt")
    }

    @Test func badFiles() throws {
        let dir = try ScratchDirectory()
        let missing = expectIOError { _ = try NPY.read(path: dir.file("nope.npy")) }
        #expect(missing == .fileNotFound(dir.file("nope.npy")))

        var good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("npy/f32_3x4.npy"))))
        var wrongMagic = good
        wrongMagic[1] = UInt8(ascii: "X")
        let magic = expectIOError { _ = try NPY.read(path: try dir.write(wrongMagic, "magic.npy")) }
        #expect(magic?.kind == "corrupt")
        #expect(magic?.description.contains("magic") == true)

        let truncated = expectIOError { _ = try NPY.read(path: try dir.write(Array(good.dropLast(5)), "short.npy")) }
        #expect(truncated == .truncated(dir.file("short.npy"), what: "header says shape 3×4 of <f4 = 48 bytes of data but only 43 follow", expected: 48, got: 43))

        // Header length far past the end of the file.
        good[8] = 0xFF
        good[9] = 0xFF
        let pastEnd = expectIOError { _ = try NPY.read(path: try dir.write(good, "hlen.npy")) }
        #expect(pastEnd?.kind == "truncated")

        // A shape whose product is huge must be refused before any allocation.
        let hostile = NPY.header(descr: "|u1", shape: [1 << 31, 1 << 31]) + [0, 0, 0, 0]
        let absurd = expectIOError { _ = try NPY.parse(bytes: hostile, path: "absurd.npy") }
        #expect(absurd?.kind == "truncated")
        let overflow = NPY.header(descr: "<f8", shape: [1 << 40, 1 << 40])
        #expect(expectIOError { _ = try NPY.parse(bytes: overflow, path: "overflow.npy") }?.kind == "corrupt")

        var badVersion = NPY.header(descr: "<f4", shape: [0])
        badVersion[6] = 9
        #expect(expectIOError { _ = try NPY.parse(bytes: badVersion, path: "v9.npy") }?.kind == "unsupported")
        #expect(expectIOError { _ = try NPY.parse(bytes: [0x93, 0x4E], path: "tiny.npy") }?.kind == "truncated")
    }
}
