import Foundation
import LatentTensor
import Testing
@testable import LatentIO

@Suite struct SafeTensorsTests {
    @Test func mixedDtypesFromPython() throws {
        let f = try SafeTensors.read(path: Fixtures.path("safetensors/mixed_dtypes.safetensors"))
        #expect(f.names == ["idx", "b", "w", "h"])
        #expect(f.metadata == ["config": "{\"hidden\": [3]}"])
        let idx = try #require(f["idx"])
        #expect(idx.dtype == .int64 && idx.shape == [2] && idx.tensor.scalars == [7, 8])
        let b = try #require(f["b"])
        #expect(b.dtype == .float32 && b.shape == [1] && b.tensor.scalars == [1.5])
        let w = try #require(f["w"])
        #expect(w.dtype == .float32 && w.shape == [2, 3] && w.tensor.scalars == [0, 1, 2, 3, 4, 5])
        let h = try #require(f["h"])
        #expect(h.dtype == .float16 && h.shape == [2] && h.tensor.scalars == [0.5, -2])
    }

    /// The PyTorch state dict is stored once, with the LatentNN tests that run it.
    @Test func torchAutoencoderStateDict() throws {
        let f = try SafeTensors.read(path: Fixtures.sharedPath("LatentNNTests", "safetensors/torch_ae.safetensors"))
        #expect(f.names == ["0.bias", "0.weight", "2.bias", "2.weight", "3.bias", "3.weight", "5.bias", "5.weight"])
        #expect(f["0.weight"]?.shape == [128, 784])
        #expect(f["0.bias"]?.shape == [128])
        #expect(f["2.weight"]?.shape == [32, 128])
        #expect(f["3.weight"]?.shape == [128, 32])
        #expect(f["5.weight"]?.shape == [784, 128])
        #expect(f["5.bias"]?.shape == [784])
        #expect(f.metadata["format"] == "pt")
        #expect(f.metadata["architecture"]?.hasPrefix("784-128-32-128-784") == true)
        // Trained weights are small and finite.
        let w = try #require(f["0.weight"]).tensor
        #expect(w.scalars.allSatisfy { $0.isFinite && abs($0) < 10 })
    }

    @Test func roundTripKeepsOrderShapesValuesAndMetadata() throws {
        let dir = try ScratchDirectory()
        var rng = RandomGenerator(seed: 3)
        let tensors: [(String, Tensor)] = [("z.weight", .normal([4, 3], using: &rng)), ("a.bias", .normal([4], using: &rng)),
                                           ("empty", Tensor(shape: [0, 2])), ("scalar", Tensor(scalar: 2.5)),
                                           ("naïve \"quoted\"\n", .normal([2, 2, 2], using: &rng))]
        let meta = ["config": "{\"hidden\": [128, 32]}", "format": "pt"]
        let path = dir.file("model.safetensors")
        try SafeTensors.write(tensors: tensors, metadata: meta, to: path)
        let back = try SafeTensors.read(path: path)
        #expect(back.names == tensors.map(\.0))
        for (name, t) in tensors {
            let r = try #require(back[name])
            #expect(r.dtype == .float32 && r.shape == t.shape && r.tensor == t)
        }
        #expect(back.metadata == meta)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(n % 8 == 0)   // header padded with spaces to 8 bytes, like the reference writer
        #expect(bytes[8 + n - 1] == 0x20 || bytes[8 + n - 1] == UInt8(ascii: "}"))
    }

    @Test func writeRefusesDuplicateNames() throws {
        let dir = try ScratchDirectory()
        let e = expectIOError { try SafeTensors.write(tensors: [("a", Tensor([1])), ("a", Tensor([2]))], to: dir.file("d.safetensors")) }
        #expect(e?.kind == "invalidValue")
        #expect(try dir.contents().isEmpty)
    }

    /// A safetensors file with `header` as its JSON and `data` after it.
    static func file(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
        let h = Array(header.utf8)
        let n = length ?? UInt64(h.count)
        return (0..<8).map { UInt8((n >> (8 * UInt64($0))) & 0xFF) } + h + data
    }

    @Test func otherDtypes() throws {
        let header = #"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"F64","shape":[1],"data_offsets":[4,12]},"c":{"dtype":"I32","shape":[1],"data_offsets":[12,16]},"d":{"dtype":"I16","shape":[1],"data_offsets":[16,18]},"e":{"dtype":"I8","shape":[1],"data_offsets":[18,19]},"f":{"dtype":"U8","shape":[1],"data_offsets":[19,20]},"g":{"dtype":"BOOL","shape":[2],"data_offsets":[20,22]}}"#
        var data: [UInt8] = [0x80, 0x3F, 0x00, 0xC0]                 // bf16 1, -2
        data += (0..<8).map { UInt8((Double(0.25).bitPattern >> (8 * UInt64($0))) & 0xFF) }
        data += [0xFE, 0xFF, 0xFF, 0xFF]                              // i32 -2
        data += [0x05, 0x80]                                          // i16 -32763
        data += [0xFF, 0xFF, 0x01, 0x00]                              // i8 -1, u8 255, bool 1 0
        let f = try SafeTensors.parse(bytes: Self.file(header, data: data), path: "x.safetensors")
        #expect(f["a"]?.tensor.scalars == [1, -2])
        #expect(f["b"]?.tensor.scalars == [0.25])
        #expect(f["c"]?.tensor.scalars == [-2])
        #expect(f["d"]?.tensor.scalars == [-32763])
        #expect(f["e"]?.tensor.scalars == [-1])
        #expect(f["f"]?.tensor.scalars == [255])
        #expect(f["g"]?.tensor.scalars == [1, 0])
    }

    @Test func badFiles() throws {
        let dir = try ScratchDirectory()
        #expect(expectIOError { _ = try SafeTensors.read(path: dir.file("none.safetensors")) } == .fileNotFound(dir.file("none.safetensors")))

        let ok = #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        func kind(_ bytes: [UInt8]) -> String? { expectIOError { _ = try SafeTensors.parse(bytes: bytes, path: "bad.safetensors") }?.kind }

        #expect(kind([1, 2, 3]) == "truncated")
        #expect(kind(Self.file(ok, data: [UInt8](repeating: 0, count: 8), length: 1 << 40)) == "corrupt")   // above 100 MB
        #expect(kind(Self.file(ok, data: [UInt8](repeating: 0, count: 8), length: 5000)) == "truncated")    // past the end
        #expect(kind(Self.file("not json", data: [])) == "corrupt")                                            // wrong "magic"
        #expect(kind(Self.file(ok, data: [0, 0, 0])) == "truncated")                                           // data cut short
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 12))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: [UInt8](repeating: 0, count: 8))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))) == "unsupported")
        #expect(kind(Self.file(#"{"__metadata__":{"a":1}}"#)) == "corrupt")
        #expect(kind(Self.file(String(repeating: "[", count: 100_000))) == "corrupt")
        #expect(kind(Self.file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}"#, data: [])) == "corrupt")

        let e = expectIOError { _ = try SafeTensors.parse(bytes: Self.file(ok, data: [0, 0, 0]), path: "m.safetensors") }
        #expect(e?.description == "m.safetensors: truncated: tensor 'w': data_offsets end 8 lies past the 3-byte data section")
    }
}
