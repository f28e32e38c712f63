import Foundation
import LatentIO
import Testing

/// `latent attack` and `latent train classifier --adversarial` on the shipped digits.
@Suite(.serialized) struct AttackCLITests {
    static func metrics(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// `latent attack`'s results, by radius.
    static func attackAccuracy(_ model: String, epsilons: String, dir: URL, name: String,
                               extra: [String] = []) throws -> [Double: (clean: Double, robust: Double)] {
        let out = dir.path + "/" + name
        let r = try CLI.run(["attack", model, "--epsilon", epsilons, "--test-limit", "1000", "--quiet", "--out", out] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        let results = try #require(try Self.metrics(out + "/metrics.json")["results"] as? [[String: Any]])
        var byRadius: [Double: (Double, Double)] = [:]
        for result in results {
            let eps = try #require(result["epsilon"] as? Double)
            byRadius[(eps * 1000).rounded() / 1000] = (try #require(result["clean_accuracy"] as? Double),
                                                      try #require(result["adversarial_accuracy"] as? Double))
            let change = try #require(result["largest_change"] as? Double)
            #expect(change <= eps + 1e-6, "the attack moved a pixel by \(change) > ε = \(eps)")
        }
        return byRadius
    }

    @Test func attackBreaksAPlainClassifierAndAdversarialTrainingResists() throws {
        let dir = try temporaryDirectory("attack")
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--epochs", "4", "--hidden", "128", "--train-limit", "4000", "--test-limit", "1000", "--quiet"]
        var r = try CLI.run(["train", "classifier", "--out", dir.path + "/plain"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["train", "classifier", "--adversarial", "fgsm", "--epsilon", "0.1", "--out", dir.path + "/robust"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("adversarial training") && r.stdout.contains("under that attack"), "\(r.stdout)")

        let plain = try Self.attackAccuracy(dir.path + "/plain/model.safetensors", epsilons: "0.1,0.25", dir: dir, name: "a1")
        let robust = try Self.attackAccuracy(dir.path + "/robust/model.safetensors", epsilons: "0.1", dir: dir, name: "a2")
        let plainSmall = try #require(plain[0.1]), plainLarge = try #require(plain[0.25]), robustSmall = try #require(robust[0.1])
        // Held-out digits: the plain model is good, FGSM at ε = 0.25 takes it below a third.
        #expect(plainSmall.clean > 0.85, "clean accuracy \(plainSmall.clean)")
        #expect(plainLarge.robust < 0.3, "FGSM at 0.25 leaves \(plainLarge.robust)")
        #expect(plainLarge.robust < plainSmall.robust)
        // Training on FGSM examples makes the same attack far less effective, at little clean cost.
        #expect(robustSmall.robust > plainSmall.robust + 0.2, "robust \(robustSmall.robust), plain \(plainSmall.robust)")
        #expect(robustSmall.clean > 0.8, "clean accuracy after adversarial training \(robustSmall.clean)")
        for file in ["metrics.json", "adversarial-examples.png", "attack-curve.png"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/a1/" + file), "missing \(file)")
        }

        // PGD (targeted, saved as .npy) on the same model.
        r = try CLI.run(["attack", dir.path + "/plain/model.safetensors", "--method", "pgd", "--epsilon", "0.2", "--steps", "10",
                         "--target", "3", "--save-examples", "--test-limit", "200", "--quiet", "--out", dir.path + "/pgd"])
        #expect(r.status == 0, "\(r.stderr)")
        let pgd = try #require((try Self.metrics(dir.path + "/pgd/metrics.json")["results"] as? [[String: Any]])?.first)
        #expect(try #require(pgd["target_rate"] as? Double) > 0.8, "\(pgd)")
        let saved = try NPY.read(path: dir.path + "/pgd/adversarial-eps0.2.npy")
        #expect(saved.shape == [200, 784])
    }

    @Test func badAttackInputIsOneLineAndWritesNothing() throws {
        let dir = try temporaryDirectory("attack-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try CLI.run(["train", "classifier", "--epochs", "1", "--hidden", "16", "--train-limit", "500", "--test-limit", "100",
                             "--quiet", "--out", dir.path + "/model"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["train", "autoencoder", "--epochs", "1", "--layers", "784,16", "--train-limit", "300", "--test-limit", "100",
                         "--quiet", "--out", dir.path + "/ae"])
        #expect(r.status == 0, "\(r.stderr)")
        let model = dir.path + "/model/model.safetensors"
        let cases: [([String], String)] = [
            (["attack", model, "--epsilon", "nan"], "--epsilon"),
            (["attack", model, "--epsilon", "-0.1"], "--epsilon"),
            (["attack", model, "--epsilon", "0.1,x"], "--epsilon"),
            (["attack", model, "--method", "cw"], "--method"),
            (["attack", model, "--target", "12"], "target class 12"),
            (["attack", model, "--steps", "0", "--method", "pgd"], "--steps"),
            (["attack", dir.path + "/nowhere.safetensors"], "nowhere.safetensors"),
            (["attack", dir.path + "/ae/model.safetensors"], "autoencoder"),
            (["train", "classifier", "--epsilon", "0.1"], "--adversarial"),
            (["train", "classifier", "--adversarial", "pgd"], "--epsilon"),
            (["train", "classifier", "--adversarial", "fgsm", "--epsilon", "nan"], "--epsilon"),
            (["train", "classifier", "--adversarial", "fgsm", "--epsilon", "0.1", "--adversarial-weight", "2"], "--adversarial-weight"),
            (["train", "classifier", "--arch", "conv", "--conv-channels", "4,4,4,4,4,4"], "nothing"),
        ]
        for (args, mention) in cases {
            let out = dir.path + "/out"
            let r = try CLI.run(args + ["--out", out])
            #expect(r.status != 0, "\(args) should fail")
            let lines = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            #expect(lines.count == 1 || r.stderr.contains("Usage:"), "\(args): \(r.stderr)")
            #expect(r.stderr.contains(mention), "\(args) should mention \(mention): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) left \(out)")
        }
    }

    @Test func convClassifierTrainsAndIsAttacked() throws {
        let dir = try temporaryDirectory("attack-conv")
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try CLI.run(["train", "classifier", "--arch", "conv", "--conv-channels", "8,16", "--hidden", "32", "--epochs", "3", "--lr", "0.01",
                             "--train-limit", "2000", "--test-limit", "500", "--quiet", "--out", dir.path + "/conv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("conv 1×28×28"), "\(r.stdout)")
        let accuracy = try #require(try Self.metrics(dir.path + "/conv/metrics.json")["test_accuracy"] as? Double)
        #expect(accuracy > 0.85, "held-out accuracy \(accuracy)")
        r = try CLI.run(["attack", dir.path + "/conv/model.safetensors", "--method", "pgd", "--epsilon", "0.3", "--steps", "20",
                         "--step-size", "0.025", "--test-limit", "200", "--quiet", "--out", dir.path + "/pgd"])
        #expect(r.status == 0, "\(r.stderr)")
        let result = try #require((try Self.metrics(dir.path + "/pgd/metrics.json")["results"] as? [[String: Any]])?.first)
        #expect(try #require(result["adversarial_accuracy"] as? Double) < 0.05, "\(result)")

        // Fine-tuning from the trained network with its convolutions frozen: they stay as they were.
        r = try CLI.run(["train", "classifier", "--init-from", dir.path + "/conv/model.safetensors", "--freeze-encoder",
                         "--epochs", "1", "--train-limit", "500", "--test-limit", "500", "--quiet", "--out", dir.path + "/tuned"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(pretrained, features frozen)"), "\(r.stdout)")
        let before = try SafeTensors.read(path: dir.path + "/conv/model.safetensors")
        let after = try SafeTensors.read(path: dir.path + "/tuned/model.safetensors")
        for name in ["features.0.weight", "features.3.weight"] {
            #expect(before[name]?.tensor == after[name]?.tensor, "\(name) changed although frozen")
        }
        #expect(before["classifier.2.weight"]?.tensor != after["classifier.2.weight"]?.tensor)
        let tuned = try #require(try Self.metrics(dir.path + "/tuned/metrics.json")["test_accuracy"] as? Double)
        #expect(tuned > 0.85, "fine-tuned held-out accuracy \(tuned)")
    }
}
