import Foundation
import LatentIO
import Testing

/// `latent train dann` on domains built from the shipped digits: grey source, colour target.
@Suite(.serialized) struct DomainAdaptationCLITests {
    static func idx(_ dims: [Int], _ data: [UInt8]) -> Data {
        var out: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { out += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
        return Data(out + data)
    }

    /// Writes an MNIST-layout folder of the shipped digits `range`: grey, or recoloured as a
    /// target domain (inverted, each channel scaled differently, interleaved IDX4).
    static func domain(_ dir: URL, colour: Bool, train: Range<Int>, test: Range<Int>, side: Int = 28) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let images = try IDX.read(path: CLI.root.path + "/Data/mnist/t10k-images-idx3-ubyte.gz")
        let labels = try IDX.read(path: CLI.root.path + "/Data/mnist/t10k-labels-idx1-ubyte.gz")
        for (prefix, range) in [("train", train), ("t10k", test)] {
            var bytes: [UInt8] = []
            for i in range {
                for y in 0..<side {
                    for x in 0..<side {
                        let v = images.bytes[i * 784 + (y * 28 / side) * 28 + x * 28 / side]
                        if colour {
                            let inverted = 255 - Int(v)
                            bytes += [UInt8(inverted), UInt8(inverted * 3 / 4), UInt8(inverted / 2)]
                        } else {
                            bytes.append(v)
                        }
                    }
                }
            }
            let dims = colour ? [range.count, side, side, 3] : [range.count, side, side]
            try idx(dims, bytes).write(to: dir.appendingPathComponent("\(prefix)-images-idx\(colour ? 4 : 3)-ubyte"))
            try idx([range.count], Array(labels.bytes[range])).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
    }

    @Test func trainsEveryModeAndReportsBothDomains() throws {
        let dir = try temporaryDirectory("dann")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("source"), target = dir.appendingPathComponent("target")
        try Self.domain(source, colour: false, train: 0..<800, test: 8000..<8300)
        try Self.domain(target, colour: true, train: 800..<1600, test: 8300..<8600)
        let common = ["--source", source.path, "--target", target.path, "--epochs", "3", "--batch-size", "32", "--lr", "0.003", "--conv-channels", "8,16",
                      "--hidden", "32", "--domain-hidden", "16", "--quiet"]
        var accuracy: [String: (target: Double, source: Double)] = [:]
        for mode in ["source-only", "dann", "target-only"] {
            let out = dir.path + "/" + mode
            let r = try CLI.run(["train", "dann", "--mode", mode, "--out", out] + common)
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))
            let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            accuracy[mode] = (try #require(metrics["target_accuracy"] as? Double), try #require(metrics["source_accuracy"] as? Double))
            for file in ["model.safetensors", "accuracy.png", "features-tsne.png", "run.json"] {
                #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(mode): missing \(file)")
            }
            if mode == "dann" { #expect(metrics["domain_accuracy"] is Double, "\(metrics.keys)") }
        }
        // Held-out digits of the domain each run learned from.
        #expect(try #require(accuracy["source-only"]).source > 0.7, "\(accuracy)")
        #expect(try #require(accuracy["target-only"]).target > 0.7, "\(accuracy)")
    }

    @Test func domainsThatDoNotFitOneNetworkAreRefused() throws {
        let dir = try temporaryDirectory("dann-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("source"), small = dir.appendingPathComponent("small")
        try Self.domain(source, colour: false, train: 0..<50, test: 50..<60)
        try Self.domain(small, colour: true, train: 0..<50, test: 50..<60, side: 14)
        let cases: [([String], String)] = [
            (["--source", source.path, "--target", small.path], "14×14"),
            (["--source", source.path, "--target", dir.path + "/nowhere"], "nowhere"),
            (["--source", source.path], "--target"),
            (["--source", source.path, "--target", source.path, "--mode", "adapt"], "--mode"),
            (["--source", source.path, "--target", source.path, "--conv-channels", "8,8,8,8,8"], "nothing"),
        ]
        for (args, mention) in cases {
            let out = dir.path + "/out"
            let r = try CLI.run(["train", "dann"] + args + ["--out", out])
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.contains(mention), "\(args) should mention \(mention): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) left \(out)")
        }
    }
}
