import Foundation
import LatentIO
import LatentTensor
import Testing

@Suite(.serialized) struct VAECLITests {
    static func metrics(_ dir: URL) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as? [String: Any])
    }

    @Test func trainVAEThenEveryLatentSpaceCommand() throws {
        let dir = try temporaryDirectory("vae")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = ["--train-limit", "1500", "--test-limit", "200"]
        var r = try CLI.run(["train", "vae", "--out", dir.path + "/run", "--latent", "2", "--hidden", "128", "--epochs", "3",
                             "--batch-size", "32", "--iwae-samples", "10", "--seed", "4", "--quiet"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("test −ELBO") && r.stdout.contains("test NLL (IWAE)"))
        for file in ["model.safetensors", "checkpoint.safetensors", "metrics.json", "run.json", "loss.png", "reconstructions.png",
                     "samples.png", "manifold.png", "codes.png"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/run/" + file), "missing \(file)")
        }
        let m = try Self.metrics(dir.appendingPathComponent("run"))
        let elbo = try #require(m["test_negative_elbo"] as? Double), nll = try #require(m["iwae_nll"] as? Double)
        // 1,500 images, 141 steps, a 2-d code: far below the ≈ 543 nats of an untrained model and
        // the ≈ 270 of one that only learned the mean image (236 measured).
        #expect(elbo < 250, "test negative ELBO \(elbo)")
        #expect(nll < elbo, "IWAE NLL \(nll) must be below the negative ELBO \(elbo)")
        let epochs = try #require(m["epochs"] as? [[String: Any]])
        #expect(epochs.count == 3)
        for key in ["train_reconstruction", "train_kl", "train_negative_elbo", "test_reconstruction", "test_kl", "test_negative_elbo"] {
            #expect(epochs.last?[key] is Double, "epochs lack \(key)")
        }

        let model = dir.path + "/run/model.safetensors"
        r = try CLI.run(["sample", model, "--count", "12", "--out", dir.path + "/sample"])
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: dir.path + "/sample/samples.png"), "\(r.stderr)")
        r = try CLI.run(["interpolate", model, "--from", "3", "--to", "10", "--steps", "6", "--out", dir.path + "/interp"] + data)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: dir.path + "/interp/interpolation.png"), "\(r.stderr)")
        r = try CLI.run(["manifold", model, "--grid", "8", "--out", dir.path + "/manifold"] + data)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: dir.path + "/manifold/manifold.png"), "\(r.stderr)")
        r = try CLI.run(["arithmetic", model, "--from-class", "1", "--to-class", "7", "--count", "3", "--out", dir.path + "/arith"] + data)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: dir.path + "/arith/arithmetic.png"), "\(r.stderr)")
        r = try CLI.run(["arithmetic", model, "--attribute", "thickness", "--images", "0,5", "--out", dir.path + "/thick"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["conditional", model, "--count", "20", "--class", "3", "--out", dir.path + "/cond", "--quiet"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        let c = try Self.metrics(dir.appendingPathComponent("cond"))
        let agreement = try #require(c["agreement"] as? [String: Double])
        // Even the 2-d code of a briefly trained model separates some classes (0, 1, 8 here): well
        // beyond chance (10 %); 26 % was measured. Trained models are held to 80 % in the benchmark.
        #expect((agreement["full"] ?? 0) > 0.18 && (agreement["diagonal"] ?? 0) > 0.18, "\(agreement)")
        for file in ["conditional-full.png", "conditional-diagonal.png", "class-3.png"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/cond/" + file), "missing \(file)")
        }

        // Bad input: one line naming what is wrong, non-zero exit.
        r = try CLI.run(["interpolate", model, "--from", "5000", "--to", "1", "--out", dir.path + "/bad1"] + data)
        #expect(r.status != 0 && r.stderr.contains("image index 5000 is out of range") && r.stderr.contains("200 images"), "\(r.stderr)")
        r = try CLI.run(["arithmetic", model, "--from-class", "1", "--to-class", "7", "--images", "3,-2", "--out", dir.path + "/bad2"] + data)
        #expect(r.status != 0 && r.stderr.contains("-2"), "\(r.stderr)")
        r = try CLI.run(["manifold", model, "--dims", "0,5", "--out", dir.path + "/bad3"] + data)
        #expect(r.status != 0 && r.stderr.contains("dimension 5"), "\(r.stderr)")

        // A classifier where a VAE is required.
        r = try CLI.run(["train", "classifier", "--out", dir.path + "/clf", "--epochs", "1", "--hidden", "32", "--quiet"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        // The classifier reads the manifold's cells: a count per class, summing to at most the cells.
        r = try CLI.run(["manifold", model, "--grid", "8", "--classifier", dir.path + "/clf/model.safetensors",
                         "--out", dir.path + "/manifold-read"] + data)
        #expect(r.status == 0 && r.stdout.contains("digits in grid"), "\(r.stderr)")
        let read = try #require(try Self.metrics(dir.appendingPathComponent("manifold-read"))["grid_cells_recognised_per_class"] as? [String: Int])
        // (This briefly trained model's blurry cells may convince the one-epoch classifier of nothing.)
        #expect(Set(read.keys) == Set((0..<10).map(String.init)) && read.values.reduce(0, +) <= 64, "\(read)")
        r = try CLI.run(["manifold", dir.path + "/clf/model.safetensors", "--out", dir.path + "/bad4"] + data)
        #expect(r.status != 0 && r.stderr.contains("holds a classifier model, expected a vae"), "\(r.stderr)")
        r = try CLI.run(["sample", dir.path + "/clf/model.safetensors", "--out", dir.path + "/bad4"])
        #expect(r.status != 0 && r.stderr.contains("holds a classifier model, expected a vae or a gan"), "\(r.stderr)")
        // …and a VAE where a classifier is required (conditional's --classifier).
        r = try CLI.run(["conditional", model, "--classifier", model, "--out", dir.path + "/bad5"] + data)
        #expect(r.status != 0 && r.stderr.contains("holds a vae model, expected a classifier"), "\(r.stderr)")

        // A grid on a 3-d model needs two chosen dimensions; the scatter alone does not.
        r = try CLI.run(["train", "vae", "--out", dir.path + "/run3", "--latent", "3", "--hidden", "16", "--epochs", "1",
                         "--iwae-samples", "0", "--quiet", "--train-limit", "300", "--test-limit", "100"])
        #expect(r.status == 0, "\(r.stderr)")
        let model3 = dir.path + "/run3/model.safetensors"
        r = try CLI.run(["manifold", model3, "--out", dir.path + "/bad6"] + data)
        #expect(r.status != 0 && r.stderr.contains("3-d latent space") && r.stderr.contains("--dims"), "\(r.stderr)")
        #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(r.stderr)")
        r = try CLI.run(["manifold", model3, "--dims", "0,2", "--grid", "4", "--out", dir.path + "/m3"] + data)
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["manifold", model3, "--no-grid", "--out", dir.path + "/m3b"] + data)
        #expect(r.status == 0 && r.stdout.contains("PC1"), "\(r.stderr)")
    }

    @Test func vaeResumeAfterKillIsBitIdentical() throws {
        let dir = try temporaryDirectory("vae-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--train-limit", "2000", "--test-limit", "100", "--epochs", "3", "--latent", "4", "--hidden", "64",
                      "--warmup", "2", "--iwae-samples", "0", "--seed", "5", "--quiet"]
        try CLI.expectResumeAfterKillIsBitIdentical(model: ["vae"], common: common, epochs: 3, in: dir)
    }
}
