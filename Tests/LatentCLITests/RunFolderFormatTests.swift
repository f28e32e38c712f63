import Foundation
import Latent
import Testing

/// `run.json` and `metrics.json` in format version 2 (snake_case, a `format_version`, plain
/// fields for enums), and runs written in version 1 still resume.
@Suite struct RunFolderFormatTests {
    /// A classifier's `run.json` as Latent wrote it before format version 2 (from a tour run).
    static let versionOne = """
        {
          "data" : { "trainLimit" : 300, "testLimit" : 100 },
          "model" : { "mlp" : { "_0" : { "activation" : "relu", "classes" : 10, "dropout" : 0, "hidden" : [ 32 ],
                                        "initializer" : "pytorch-default", "inputSize" : 784, "seed" : 3 } } },
          "training" : { "batchSize" : 64, "beta1" : 0.9, "epochs" : 2, "learningRate" : 0.001, "momentum" : 0.9,
                         "optimizer" : "adam", "schedule" : "constant", "seed" : 3, "weightDecay" : 0 }
        }
        """

    @Test func runJSONIsSnakeCaseWithAVersionAndResumesFromVersionOne() throws {
        let dir = try temporaryDirectory("run-format")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.path + "/run"
        var r = try CLI.run(["train", "classifier", "--hidden", "32", "--train-limit", "300", "--test-limit", "100",
                             "--epochs", "2", "--batch-size", "64", "--seed", "3", "--out", run, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: run + "/run.json", encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["format_version"] as? Int == 2)
        let model = try #require(json["model"] as? [String: Any])
        #expect(model["kind"] as? String == "mlp", "\(text)")
        #expect((model["config"] as? [String: Any])?["input_size"] as? Int == 784, "\(text)")
        #expect((json["training"] as? [String: Any])?["batch_size"] as? Int == 64, "\(text)")
        #expect(!text.contains("\"_0\"") && !text.contains("batchSize"), "\(text)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/metrics.json"))) as? [String: Any])
        #expect(metrics["format_version"] as? Int == 2)
        #expect(((metrics["settings"] as? [String: Any])?["training"] as? [String: Any])?["learning_rate"] as? Double == 0.001)

        // The same run's settings written in version 1 read back equal, and --resume accepts them.
        let current = try ClassifierRunSettings.read(runDirectory: run)
        try Self.versionOne.write(toFile: run + "/run.json", atomically: true, encoding: .utf8)
        #expect(try ClassifierRunSettings.read(runDirectory: run) == current)
        r = try CLI.run(["train", "classifier", "--resume", run, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("test accuracy"), "\(r.stdout)")
    }

    @Test func aRunJSONFromANewerLatentIsRefusedNamingTheFile() throws {
        let dir = try temporaryDirectory("run-format-new")
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"{"format_version": 99}"#.write(toFile: dir.path + "/run.json", atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try ClassifierRunSettings.read(runDirectory: dir.path) }
        do { _ = try ClassifierRunSettings.read(runDirectory: dir.path) } catch {
            #expect("\(error)".contains("run.json") && "\(error)".contains("format version 99"), "\(error)")
        }
    }
}
