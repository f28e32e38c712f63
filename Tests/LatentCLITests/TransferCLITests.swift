import Foundation
import LatentIO
import LatentModels
import Testing

/// `latent train classifier --init-from --classes --labels`, `latent transfer` and
/// `latent zeroshot` on the shipped digits.
@Suite(.serialized) struct TransferCLITests {
    static func metrics(_ dir: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A network trained on 0–4 starts a 5–9 classifier learned from 10 labels per class: with
    /// its reused layers frozen, or frozen and then fine-tuned at a tenth of the learning rate, it
    /// classifies held-out 5–9 test digits well (chance: 20 %).
    @Test func reusedLayersLearnNewDigitsFromTenLabelsPerClass() throws {
        let dir = try temporaryDirectory("transfer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.path + "/source"
        var r = try CLI.run(["train", "classifier", "--classes", "0,1,2,3,4", "--hidden", "128", "--epochs", "3",
                             "--batch-size", "64", "--lr", "0.002", "--quiet", "--out", source])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.metrics(source)["test_accuracy"] as? Double ?? 0 > 0.9)
        let target = ["--classes", "5,6,7,8,9", "--labels", "10", "--epochs", "100", "--batch-size", "10", "--lr", "0.01",
                      "--quiet", "--init-from", source + "/model.safetensors"]
        var accuracy: [String: Double] = [:]
        for (name, flags) in [("frozen", ["--freeze-encoder"]), ("staged", ["--unfreeze-after", "50", "--encoder-lr-scale", "0.1"])] {
            let out = dir.path + "/" + name
            r = try CLI.run(["train", "classifier", "--out", out] + target + flags)
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let m = try Self.metrics(out)
            accuracy[name] = m["test_accuracy"] as? Double
            #expect(m["train_samples"] as? Int == 50, "\(name)")
            #expect(m["reused_parameters"] as? Int == 784 * 128 + 128, "\(name)")
            // Per-class figures are named by the original digits.
            #expect(Set((m["per_class_accuracy"] as? [String: Double] ?? [:]).keys) == ["5", "6", "7", "8", "9"], "\(name)")
        }
        #expect(try #require(accuracy["frozen"]) > 0.7, "\(accuracy)")
        #expect(try #require(accuracy["staged"]) > 0.75, "\(accuracy)")
    }

    /// Trained on 0–6 only, a classifier's hidden features and the shipped attribute table
    /// recognise 7, 8 and 9 above chance (33 %) by direct attribute prediction.
    @Test func zeroShotWithAttributesBeatsChance() throws {
        let dir = try temporaryDirectory("zeroshot")
        defer { try? FileManager.default.removeItem(at: dir) }
        let features = dir.path + "/seen"
        var r = try CLI.run(["train", "classifier", "--classes", "0,1,2,3,4,5,6", "--hidden", "128", "--epochs", "3",
                             "--batch-size", "64", "--quiet", "--out", features])
        #expect(r.status == 0, "\(r.stderr)")
        let out = dir.path + "/zsl"
        r = try CLI.run(["zeroshot", "--unseen", "7,8,9", "--attributes", CLI.root.path + "/Data/digit-attributes.csv",
                         "--features", features + "/model.safetensors", "--method", "dap", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let evaluation = try #require(try Self.metrics(out)["evaluation"] as? [String: Any])
        #expect(evaluation["unseen_accuracy"] as? Double ?? 0 > 0.42, "\(evaluation)")
        #expect(evaluation["gzsl_harmonic_mean"] is Double)
        #expect(FileManager.default.fileExists(atPath: out + "/unseen.png"))
        // A classifier trained on every digit has seen the unseen ones: refused.
        let all = dir.path + "/all"
        r = try CLI.run(["train", "classifier", "--hidden", "16", "--epochs", "1", "--train-limit", "500", "--quiet", "--out", all])
        #expect(r.status == 0, "\(r.stderr)")
        try HostileInputCLITests.expectRefused(["zeroshot", "--unseen", "7,8,9", "--attributes", CLI.root.path + "/Data/digit-attributes.csv",
                                                "--features", all + "/model.safetensors", "--quiet"], naming: ["unseen"], in: dir)
    }

    @Test func badInputIsRefusedInOneLineWithNothingWritten() throws {
        let dir = try temporaryDirectory("transfer-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let attributes = CLI.root.path + "/Data/digit-attributes.csv"
        let missing = dir.path + "/missing.csv", ragged = dir.path + "/ragged.csv"
        let table = try String(contentsOfFile: attributes, encoding: .utf8)
        try table.split(separator: "\n").filter { !$0.hasPrefix("8,") }.joined(separator: "\n")
            .write(toFile: missing, atomically: true, encoding: .utf8)
        try (table + "10,1,1\n").write(toFile: ragged, atomically: true, encoding: .utf8)
        let gan = dir.path + "/gan.safetensors"
        var config = GAN.Config()
        config.latentSize = 4
        try GAN(config).save(to: gan)
        let zeroshot = ["zeroshot", "--train-limit", "500", "--test-limit", "200"]
        let cases: [([String], [String])] = [
            (zeroshot + ["--unseen", "7,8,9", "--attributes", missing], ["missing.csv", "class 8"]),
            (zeroshot + ["--unseen", "7,8,9", "--attributes", ragged], ["ragged.csv", "line 12"]),
            (zeroshot + ["--unseen", "0,1,2,3,4,5,6,7,8,9", "--attributes", attributes], ["--unseen"]),
            (zeroshot + ["--unseen", "7,12", "--attributes", attributes], ["12"]),
            (zeroshot + ["--unseen", "7", "--attributes", attributes, "--word-vectors", attributes], ["exactly one"]),
            (["train", "classifier", "--classes", "5,12", "--epochs", "1", "--train-limit", "200"], ["--classes", "12"]),
            (["train", "classifier", "--classes", "5", "--epochs", "1"], ["--classes"]),
            (["train", "classifier", "--init-from", gan, "--epochs", "1"], ["gan.safetensors", "no encoder"]),
            (["train", "classifier", "--unfreeze-after", "2", "--epochs", "1"], ["--init-from"]),
            (["train", "classifier", "--init-from", gan, "--encoder-lr-scale", "0", "--epochs", "1"], ["--encoder-lr-scale"]),
        ]
        for (args, naming) in cases { try HostileInputCLITests.expectRefused(args, naming: naming, in: dir) }
    }
}
