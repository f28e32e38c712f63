import Foundation
import LatentIO
import LatentTensor
import Testing

/// The latent-space commands that need only an encoder and a decoder open a plain autoencoder;
/// those that need a prior say so in one line.
@Suite(.serialized) struct AutoencoderLatentSpaceCLITests {
    static func metrics(_ dir: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))) as? [String: Any])
    }

    @Test func interpolateArithmeticEncodeAndConditionalOnAnAutoencoder() throws {
        let dir = try temporaryDirectory("ae-space").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = ["--train-limit", "1000", "--test-limit", "100"]
        var r = try CLI.run(["train", "autoencoder", "--kind", "deep", "--epochs", "1", "--out", dir + "/run", "--quiet"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let model = dir + "/run/model.safetensors"

        // A walk between two test images' codes, as for a VAE.
        r = try CLI.run(["interpolate", model, "--from", "3", "--to", "10", "--steps", "5", "--out", dir + "/interp"] + data)
        #expect(r.status == 0 && r.stdout.contains("mid-path |z|"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/interp/interpolation.png"))
        let walk = try Self.metrics(dir + "/interp")
        #expect((walk["from"] as? String)?.hasPrefix("test image 3") == true)
        #expect((walk["code_norms"] as? [String: [Double]])?["spherical"]?.count == 5, "\(walk)")

        // Attribute arithmetic: a class difference, and thickness with chosen images and strengths.
        r = try CLI.run(["arithmetic", model, "--from-class", "1", "--to-class", "7", "--count", "2", "--out", dir + "/arith"] + data)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: dir + "/arith/arithmetic.png"), "\(r.stderr)")
        r = try CLI.run(["arithmetic", model, "--attribute", "thickness", "--images", "0,5", "--scales", "-1,0,1",
                         "--out", dir + "/thick"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let thick = try Self.metrics(dir + "/thick")
        #expect(thick["scales"] as? [Double] == [-1, 0, 1] && thick["images"] as? [Int] == [0, 5], "\(thick)")
        #expect((thick["vector_norm"] as? Double ?? 0) > 0)

        // Codes to .npy: the autoencoder's 30-d code.
        r = try CLI.run(["encode", model, "--out", dir + "/codes"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try NPY.read(path: dir + "/codes/codes.npy").tensor.shape == [100, 30])

        // Class-conditional Gaussians are fitted to the codes, so they need no prior either.
        r = try CLI.run(["conditional", model, "--count", "10", "--out", dir + "/cond", "--quiet"] + data)
        #expect(r.status == 0 && r.stdout.contains("naive Bayes"), "\(r.stderr)")
        #expect((try Self.metrics(dir + "/cond"))["agreement"] as? [String: Double] != nil)

        // What needs a prior (or has no use for an encoder) is a one-line error naming the kinds that fit.
        r = try CLI.run(["sample", model, "--out", dir + "/bad"])
        #expect(r.status != 0 && r.stderr.contains("holds an autoencoder model, expected a vae or a gan"), "\(r.stderr)")
        r = try CLI.run(["manifold", model, "--out", dir + "/bad"] + data)
        #expect(r.status != 0 && r.stderr.contains("holds an autoencoder model, expected a vae"), "\(r.stderr)")
        r = try CLI.run(["interpolate", model, "--pairs", "2", "--out", dir + "/bad"] + data)
        #expect(r.status != 0 && r.stderr.contains("--pairs"), "\(r.stderr)")
        r = try CLI.run(["interpolate", dir + "/nowhere.safetensors", "--out", dir + "/bad"])
        #expect(r.status != 0 && r.stderr.contains("nowhere.safetensors: no such model file"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad"))
    }
}
