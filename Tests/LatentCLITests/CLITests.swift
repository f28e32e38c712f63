import Foundation
import LatentIO
import LatentTensor
import Testing

@Suite(.serialized) struct CLITests {
    @Test func helpListsCommands() throws {
        let r = try CLI.run(["--help"])
        #expect(r.status == 0)
        for command in ["demo", "train", "evaluate"] { #expect(r.stdout.contains("  \(command) ")) }
        let train = try CLI.run(["train", "classifier", "--help"])
        for flag in ["--epochs", "--batch-size", "--lr", "--hidden", "--threads", "--seed", "--data", "--out", "--resume"] {
            #expect(train.stdout.contains(flag), "train classifier --help lacks \(flag)")
        }
    }

    @Test func badFlagValuesAreOneLineErrors() throws {
        for args in [["train", "classifier", "--epochs", "0"], ["train", "classifier", "--hidden", "12,x"],
                     ["train", "classifier", "--optimizer", "rmsprop"], ["train", "classifier", "--threads", "0"],
                     ["train", "classifier", "--lr", "-1"], ["train", "classifier", "--threads", "100000"],
                     ["train", "classifier", "--weight-decay", "nan"], ["train", "vae", "--momentum", "nan"],
                     ["train", "autoencoder", "--momentum", "1.5"], ["train", "classifier", "--clip-norm", "inf"]] {
            let dir = try temporaryDirectory("flags")
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try CLI.run(args + ["--out", dir.path + "/run"])
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.contains("Error:"), "\(args): \(r.stderr)")
            // Refused before anything is written.
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/run"), "\(args) left a run folder")
        }
    }

    @Test func missingAndCorruptInputsFailCleanly() throws {
        let dir = try temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Missing data directory.
        var r = try CLI.run(["train", "classifier", "--data", dir.path + "/nowhere", "--out", dir.path + "/run"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("nowhere"))
        // A truncated IDX file.
        let mnist = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        for name in ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"] {
            try Data([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]).write(to: mnist.appendingPathComponent(name))
        }
        for name in ["train-labels-idx1-ubyte", "t10k-labels-idx1-ubyte"] {
            try Data([0, 0, 8, 1, 0, 0, 0, 10] + [UInt8](repeating: 1, count: 10)).write(to: mnist.appendingPathComponent(name))
        }
        r = try CLI.run(["train", "classifier", "--data", mnist.path, "--out", dir.path + "/run2"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("train-images-idx3-ubyte"))
        #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/run2/model.safetensors"))
        // A checkpoint whose tensors do not fit the config it carries.
        let config = #"{"activation":"relu","classes":10,"dropout":0,"hidden":[256],"initializer":"pytorch-default","inputSize":784,"seed":1}"#
        try SafeTensors.write(tensors: [("0.weight", Tensor(shape: [128, 784])), ("0.bias", Tensor(shape: [128])),
                                        ("2.weight", Tensor(shape: [10, 128])), ("2.bias", Tensor(shape: [10]))],
                              metadata: ["latent.kind": "classifier", "latent.config": config],
                              to: dir.path + "/mismatch.safetensors")
        r = try CLI.run(["evaluate", dir.path + "/mismatch.safetensors", "--out", dir.path + "/eval"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("mismatch.safetensors") && r.stderr.contains("[128, 784]"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/eval/metrics.json"))
        // A model file that is not a checkpoint.
        try Data("not a safetensors file".utf8).write(to: dir.appendingPathComponent("model.safetensors"))
        r = try CLI.run(["evaluate", dir.path + "/model.safetensors"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("model.safetensors"))
    }

    @Test func trainEvaluateAndResumeAfterKill() throws {
        let dir = try temporaryDirectory("train")
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--train-limit", "3000", "--test-limit", "500", "--epochs", "4", "--hidden", "64", "--lr", "0.005", "--seed", "3", "--quiet"]
        // Uninterrupted reference run.
        var r = try CLI.run(["train", "classifier", "--out", dir.path + "/full"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("test accuracy"))
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("full/metrics.json"))) as? [String: Any]
        let accuracy = try #require(metrics?["test_accuracy"] as? Double)
        #expect(accuracy > 0.85, "3000 MNIST images, 4 epochs: held-out accuracy \(accuracy)")
        #expect((metrics?["epochs"] as? [[String: Any]])?.count == 4)
        for file in ["model.safetensors", "checkpoint.safetensors", "metrics.json", "loss.png", "run.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/full/" + file), "missing \(file)")
        }
        r = try CLI.run(["evaluate", dir.path + "/full/model.safetensors", "--test-limit", "500"])
        #expect(r.status == 0 && r.stdout.contains(String(format: "%.2f %%", accuracy * 100)))

        // The same run, killed with SIGKILL once its first checkpoint exists, then resumed.
        let checkpoint = dir.path + "/killed/checkpoint.safetensors"
        try CLI.killAfterFirstCheckpoint(["train", "classifier", "--out", dir.path + "/killed"] + common, checkpoint: checkpoint)
        let done = try #require(try CLI.completedEpochs(checkpoint: checkpoint), "the checkpoint has no loop state")
        #expect(done >= 1 && done < 4, "killed after \(done) of 4 epochs: the test proves nothing")
        r = try CLI.run(["train", "classifier", "--resume", dir.path + "/killed", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try SafeTensors.read(path: dir.path + "/full/model.safetensors")
        let b = try SafeTensors.read(path: dir.path + "/killed/model.safetensors")
        #expect(a.names == b.names)
        for t in a.tensors { #expect(b[t.name]?.tensor == t.tensor, "\(t.name) differs after kill and resume") }
    }

    @Test func checkpointLoadsInPythonSafetensors() throws {
        let python = ProcessInfo.processInfo.environment["CI"] != nil || Self.pythonHasSafetensors()
        guard python else { return }   // CI installs safetensors and numpy; elsewhere this check is optional
        let dir = try temporaryDirectory("py")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["train", "classifier", "--out", dir.path, "--train-limit", "500", "--test-limit", "100", "--epochs", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let script = """
            import json, sys
            from safetensors.numpy import load_file
            from safetensors import safe_open
            t = load_file(sys.argv[1])
            shapes = {k: list(v.shape) for k, v in t.items()}
            assert shapes == {"0.weight": [256, 784], "0.bias": [256], "2.weight": [10, 256], "2.bias": [10]}, shapes
            assert all(str(v.dtype) == "float32" for v in t.values())
            meta = safe_open(sys.argv[1], "np").metadata()
            assert json.loads(meta["latent.config"])["hidden"] == [256], meta
            print("ok")
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, dir.path + "/model.safetensors"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("ok"))
    }

    static func pythonHasSafetensors() -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import safetensors, numpy"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    @Test func quickDemoWritesReport() throws {
        let dir = try temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["demo", "--quick", "--quiet", "--out", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("classifier/loss.png"))
        #expect(html.contains("Document vectors (doc2vec)"))
        for file in ["metrics.json", "data/digits.png", "classifier/loss.png", "classifier/model.safetensors",
                     "gan/model.safetensors", "gan/progression.png", "gan/frechet.png", "docs/pv-dbow/model.safetensors",
                     "serve/decoded.png", "serve/interpolation.png", "serve/projection.csv", "transfer/transfer.png",
                     "transfer/zeroshot/unseen.png", "rbm/rbm/samples.png", "rbm/dbn/model.safetensors",
                     "rbm/pretrained/model.safetensors", "multitask/hard/examples.png",
                     "multitask/soft/metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/" + file), "demo lacks \(file)")
        }
    }
}
