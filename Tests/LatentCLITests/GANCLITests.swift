import Foundation
import LatentIO
import LatentTensor
import Testing

@Suite(.serialized) struct GANCLITests {
    @Test func trainSampleInterpolateAndBadInput() throws {
        let dir = try temporaryDirectory("gan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.path + "/run"
        var r = try CLI.run(["train", "gan", "--kind", "mlp", "--generator-hidden", "32", "--discriminator-hidden", "32",
                             "--latent", "8", "--epochs", "2", "--batch-size", "64", "--train-limit", "256", "--test-limit", "200",
                             "--eval-samples", "200", "--d-steps", "2", "--g-steps", "1", "--loss", "minimax",
                             "--label-smoothing", "0.1", "--pack", "2", "--quiet", "--out", run])
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["model.safetensors", "checkpoint.safetensors", "metrics.json", "run.json", "loss.png", "frechet.png",
                     "progression.png", "samples/epoch-000.png", "samples/epoch-002.png", "classifier/model.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: run + "/" + file), "run lacks \(file)")
        }
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/metrics.json"))) as? [String: Any])
        let epochs = try #require(metrics["epochs"] as? [[String: Double]])
        #expect(epochs.count == 3)   // initialisation + 2 epochs
        for key in ["frechet_distance", "class_share_0", "min_class_share"] { #expect(epochs[0][key] != nil, "epoch 0 lacks \(key)") }
        for key in ["d_loss", "g_loss", "d_accuracy_real", "d_accuracy_fake", "frechet_distance", "class_share_9"] {
            #expect(epochs[2][key] != nil, "epoch 2 lacks \(key)")
        }

        // `sample` and `interpolate` take a GAN as they take a VAE.
        r = try CLI.run(["sample", run + "/model.safetensors", "--count", "16", "--npy", "--out", dir.path + "/s"])
        #expect(r.status == 0, "\(r.stderr)")
        let samples = try NPY.read(path: dir.path + "/s/samples.npy").tensor
        #expect(samples.shape == [16, 784] && samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(FileManager.default.fileExists(atPath: dir.path + "/s/samples.png"))
        try NPY.write(Tensor(shape: [3, 8]), to: dir.path + "/zeros.npy")
        r = try CLI.run(["sample", run + "/model.safetensors", "--codes", dir.path + "/zeros.npy", "--npy", "--out", dir.path + "/c"])
        #expect(r.status == 0, "\(r.stderr)")
        let fromCodes = try NPY.read(path: dir.path + "/c/samples.npy").tensor
        #expect(fromCodes.shape == [3, 784] && fromCodes.rows(0..<1).scalars == fromCodes.rows(2..<3).scalars)
        r = try CLI.run(["interpolate", run + "/model.safetensors", "--pairs", "2", "--steps", "5", "--out", dir.path + "/i"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/i/interpolation.png"))
        r = try CLI.run(["interpolate", run + "/model.safetensors", "--from", "3", "--out", dir.path + "/x"])
        #expect(r.status != 0 && r.stderr.contains("a GAN has no encoder"), "\(r.stderr)")

        // A latent size other than the checkpoint's: as a flag, and as a codes file.
        r = try CLI.run(["sample", run + "/model.safetensors", "--latent", "16", "--out", dir.path + "/x"])
        #expect(r.status != 0 && r.stderr.contains("8-dimensional latent codes") && r.stderr.contains("--latent says 16"), "\(r.stderr)")
        try NPY.write(Tensor(shape: [3, 5]), to: dir.path + "/codes.npy")
        r = try CLI.run(["sample", run + "/model.safetensors", "--codes", dir.path + "/codes.npy", "--out", dir.path + "/x"])
        #expect(r.status != 0 && r.stderr.contains("codes.npy") && r.stderr.contains("[n, 8]"), "\(r.stderr)")
        r = try CLI.run(["train", "gan", "--resume", run, "--latent", "16"])
        #expect(r.status != 0 && r.stderr.contains("--latent") && r.stderr.contains("latentSize = 8"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/x"))

        // Not a GAN, and a classifier passed where a GAN is expected.
        r = try CLI.run(["sample", run + "/classifier/model.safetensors", "--out", dir.path + "/x"])
        #expect(r.status != 0 && r.stderr.contains("holds a classifier model, expected a vae or a gan"), "\(r.stderr)")
        r = try CLI.run(["train", "gan", "--classifier", run + "/model.safetensors", "--epochs", "1", "--out", dir.path + "/bad"])
        #expect(r.status != 0 && r.stderr.contains("holds a gan model, expected a classifier"), "\(r.stderr)")
        for args in [["train", "gan", "--d-steps", "0"], ["train", "gan", "--loss", "wasserstein"],
                     ["train", "gan", "--label-smoothing", "0.7"], ["train", "gan", "--kind", "vae"],
                     ["train", "gan", "--kind", "dcgan", "--pack", "3"], ["train", "gan", "--pack", "0"]] {
            r = try CLI.run(args)
            #expect(r.status != 0 && r.stderr.contains("Error:"), "\(args): \(r.stderr)")
        }
    }
}
