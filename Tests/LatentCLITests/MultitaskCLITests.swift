import Foundation
import Testing

/// `latent train multitask` on MultiMNIST made from the shipped digits.
@Suite(.serialized) struct MultitaskCLITests {
    @Test func trainsEachSharingAndPrintsTheComparison() throws {
        let dir = try temporaryDirectory("multitask")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path + "/runs"
        let r = try CLI.run(["train", "multitask", "--tasks", "left,right", "--sharing", "single,hard,soft", "--hidden", "64",
                             "--epochs", "2", "--train-limit", "2000", "--test-limit", "500", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("sharing") && r.stdout.contains("left accuracy"), "\(r.stdout)")
        var parameters: [String: Int] = [:]
        for sharing in ["single", "hard", "soft"] {
            let folder = out + "/" + sharing
            for file in ["model.safetensors", "checkpoint.safetensors", "metrics.json", "loss.png", "examples.png", "run.json"] {
                #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(sharing): missing \(file)")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/metrics.json"))
            let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let test = try #require(metrics["test"] as? [String: Double])
            // Chance is 10 %; 2,000 pairs and two epochs read both digits of held-out pairs far above it.
            #expect(try #require(test["left"]) > 0.4 && (try #require(test["right"])) > 0.4, "\(sharing): \(test)")
            parameters[sharing] = try #require(metrics["parameters"] as? Int)
        }
        #expect(parameters["hard"]! * 10 < parameters["single"]! * 6, "\(parameters)")
        #expect(parameters["soft"] == parameters["single"], "\(parameters)")
    }

    @Test func badFlagsAreOneLineErrorsThatWriteNothing() throws {
        let dir = try temporaryDirectory("multitask-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["--tasks", "left,colour"], "colour"),
            (["--tasks", "left,digit"], "cannot be mixed"),
            (["--tasks", "left,left"], "once"),
            (["--sharing", "medium"], "medium"),
            (["--task-weights", "1,2,3"], "3 task weights"),
            (["--task-weights", "1,nan"], "task weights"),
            (["--canvas", "20"], "--canvas"),
            (["--hidden", "0"], "--hidden"),
            (["--sharing", "hard,soft"], "--out"),
            (["--data", dir.path + "/nowhere"], "nowhere"),
        ]
        for (args, mention) in cases {
            let out = dir.path + "/out"
            let given = args.contains("--out") || args == ["--sharing", "hard,soft"] ? args : args + ["--out", out]
            let r = try CLI.run(["train", "multitask", "--epochs", "1", "--train-limit", "100", "--test-limit", "50"] + given)
            #expect(r.status != 0, "\(args) should fail")
            // One line says what is wrong (argument parsing adds its usage hint below it).
            let first = String(r.stderr.split(separator: "\n").first ?? "")
            #expect(first.hasPrefix("Error:") && first.contains(mention), "\(args) should mention \(mention): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(args) left \(out)")
        }
    }
}
