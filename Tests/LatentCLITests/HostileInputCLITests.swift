import Foundation
import Latent
import Testing

/// Issue 15: hostile and careless input. Each test feeds one class of bad input to the real
/// binary and checks the refusal: a non-zero exit, one line on stderr naming what is wrong,
/// nothing written and no folder left behind.
@Suite(.serialized) struct HostileInputCLITests {
    /// Runs `latent arguments…` (with `--out dir/out` unless `out` is false) and expects a clean
    /// refusal whose one line contains every string of `naming`.
    static func expectRefused(_ arguments: [String], naming: [String], in dir: URL, out: Bool = true,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outPath = dir.path + "/out"
        let r = try CLI.run(arguments + (out ? ["--out", outPath] : []), timeout: 120)
        #expect(r.status != 0 && r.status != 9, "\(arguments) should fail cleanly, exit \(r.status)", sourceLocation: sourceLocation)
        // A flag refused by the argument parser is followed by its usage footer.
        let lines = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            .filter { !$0.hasPrefix("Usage: ") && !$0.hasPrefix("  See '") }
        #expect(lines.count == 1, "\(arguments): \(r.stderr)", sourceLocation: sourceLocation)
        for name in naming {
            #expect(r.stderr.contains(name), "\(arguments): '\(name)' not in \(r.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: outPath), "\(arguments) left \(outPath)", sourceLocation: sourceLocation)
    }

    /// A model file of `kind` whose metadata carries `config` but whose only tensor is tiny.
    static func hostileModel<C: Encodable>(_ kind: String, _ config: C, at path: String) throws {
        try SafeTensors.write(tensors: [("0.weight", Tensor(shape: [2, 2]))],
                              metadata: [Checkpoint.kindKey: kind, Checkpoint.configKey: try Checkpoint.encodeJSON(config)],
                              to: path)
    }

    // Class 1: a model file's config is checked against its tensors before anything is built.
    @Test func modelConfigsAskingForHugeNetworksAreRefused() throws {
        let dir = try temporaryDirectory("hostile-config")
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(String, [String])] = []   // file, commands to try on it
        func add<C: Encodable>(_ name: String, _ kind: String, _ config: C, _ commands: [String]) throws {
            let path = dir.path + "/\(name).safetensors"
            try Self.hostileModel(kind, config, at: path)
            files.append((path, commands))
        }
        var classifier = Classifier.Config()
        classifier.hidden = [1_000_000_000]
        try add("wide", "classifier", classifier, ["evaluate", "init-from", "embed"])
        classifier.hidden = [4_000_000, 4_000_000]
        try add("deep", "classifier", classifier, ["evaluate"])
        var vae = VAE.Config()
        vae.prior = .mog
        vae.priorComponents = 100_000_000
        try add("components", "vae", vae, ["sample", "reconstruct"])
        vae = VAE.Config()
        vae.latentSize = 1_000_000_000
        try add("latent", "vae", vae, ["sample", "reconstruct"])
        vae = VAE.Config()
        vae.inputSize = 1 << 40
        vae.hidden = [1]
        try add("input", "vae", vae, ["sample"])
        vae = VAE.Config()
        vae.network = .conv
        vae.imageSide = 1 << 32
        try add("side", "vae", vae, ["sample"])
        var gan = GAN.Config()
        gan.latentSize = Int.max / 2
        try add("gan", "gan", gan, ["sample"])
        var autoencoder = Autoencoder.Config()
        autoencoder.layers = [784, 1_000_000_000]
        autoencoder.allowOvercomplete = true
        try add("autoencoder", "autoencoder", autoencoder, ["reconstruct"])
        try add("encoder-classifier", "encoder-classifier",
                EncoderClassifier.Config(autoencoder: autoencoder, classes: 10), ["evaluate"])
        var rbm = RBM.Config()
        rbm.hidden = 1_000_000_000
        try add("rbm", "rbm", rbm, ["sample"])
        try add("dbn", "dbn", DBN.Config(layers: [784, 1_000_000_000]), ["init-from"])

        for (path, commands) in files {
            for command in commands {
                let name = URL(fileURLWithPath: path).lastPathComponent
                switch command {
                case "init-from":
                    try Self.expectRefused(["train", "classifier", "--init-from", path, "--epochs", "1"], naming: [name], in: dir)
                case "embed":
                    try Self.expectRefused(["embed", "--model", path, "--layer", "0", "--limit", "100"], naming: [name], in: dir)
                default:
                    try Self.expectRefused([command, path], naming: [name], in: dir)
                }
            }
        }
    }
}

extension HostileInputCLITests {
    // Classes 2 and 3: every size flag has an upper bound (InputLimits), checked before anything
    // is read or written; the refusal names the flag.
    @Test func hugeSizeFlagsAreRefused() throws {
        let dir = try temporaryDirectory("hostile-flags")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.path + "/absent.safetensors"
        let huge = "1000000000"
        let cases: [([String], String)] = [
            (["interpolate", model, "--steps", huge], "--steps"),
            (["conditional", model, "--count", huge], "--count"),
            (["train", "vae", "--prior", "mog", "--components", "100000000"], "--components"),
            (["train", "vae", "--latent", huge], "--latent"),
            (["train", "vae", "--hidden", huge], "--hidden"),
            (["train", "vae", "--iwae-samples", huge], "--iwae-samples"),
            (["train", "classifier", "--hidden", "100," + huge], "--hidden"),
            (["train", "classifier", "--epochs", "9223372036854775807"], "--epochs"),
            (["train", "gan", "--latent", huge], "--latent"),
            (["train", "autoencoder", "--layers", "784," + huge], "--layers"),
            (["words", "train", dir.path + "/corpus.txt", "--model", "glove", "--window", huge], "--window"),
            (["sample", model, "--count", "4", "--columns", "100000"], "--columns"),
            (["sample", model, "--count", huge], "--count"),
            (["manifold", model, "--grid", "100000"], "--grid"),
            (["reconstruct", model, "--count", huge], "--count"),
            (["train", "classifier", "--threads", "100000"], "--threads"),
            (["train", "classifier", "--threads", "20000"], "--threads"),
            // Widths in range whose products are not: the network's weights are bounded too.
            (["train", "classifier", "--hidden", "65536,65536"], "weights"),
            (["train", "classifier", "--arch", "conv", "--conv-channels", "65536,65536"], "weights"),
            (["train", "vae", "--hidden", "65536", "--latent", "65536"], "weights"),
            (["train", "gan", "--kind", "mlp", "--generator-hidden", "65536,65536"], "weights"),
            (["train", "autoencoder", "--layers", "784,65536,65536", "--allow-overcomplete"], "weights"),
            (["interpolate", model, "--steps", "1000", "--pairs", "100"], "--pairs"),
            (["manifold", model, "--grid", "100", "--scale", "4"], "--scale"),
            (["train", "vae", "--prior", "mog", "--components", "1000", "--latent", "1024"], "--components"),
        ]
        for (arguments, flag) in cases {
            try Self.expectRefused(arguments, naming: [flag], in: dir)
        }
        // The environment: libgomp and OpenBLAS read their thread counts from it, Latent its pool.
        for (name, value) in [("OMP_NUM_THREADS", "100000"), ("OPENBLAS_NUM_THREADS", "0"), ("LATENT_PARALLEL", "gcd")] {
            let r = try CLI.run(["train", "classifier", "--epochs", "1", "--out", dir.path + "/out"], environment: [name: value])
            #expect(r.status != 0 && r.stderr.hasPrefix("Error: \(name)=") && r.stderr.split(separator: "\n").count == 1,
                    "\(name)=\(value): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/out"))
        }
        // Commands without --out: a huge --top is refused before the vectors are read (it trapped
        // on arithmetic overflow in KeyedVectors.top).
        for arguments in [["words", "similar", dir.path + "/v.txt", "king", "--top", "9223372036854775807"],
                          ["words", "analogy", dir.path + "/v.txt", "a", "b", "c", "--top", "9223372036854775807"]] {
            try Self.expectRefused(arguments, naming: ["--top"], in: dir, out: false)
        }
    }
}

extension HostileInputCLITests {
    /// Writes an MNIST-format split into `dir`: `count` blank 28×28 images and `labels`.
    static func writeSplit(_ prefix: String, count: Int, labels: [UInt8], in dir: URL) throws {
        func header(_ dims: [Int]) -> [UInt8] {
            [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).reversed().map { UInt8((d >> ($0 * 8)) & 0xff) } }
        }
        try Data(header([count, 28, 28]) + [UInt8](repeating: 0, count: count * 784))
            .write(to: dir.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
        try Data(header([labels.count]) + labels).write(to: dir.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }

    // Class 7: a training set of no images is refused, naming the file, before a run folder exists.
    @Test func trainingOnNoImagesIsRefused() throws {
        let dir = try temporaryDirectory("hostile-empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Self.writeSplit("train", count: 0, labels: [], in: data)
        try Self.writeSplit("t10k", count: 4, labels: [0, 1, 2, 3], in: data)
        for model in ["classifier", "autoencoder", "vae", "gan"] {
            try Self.expectRefused(["train", model, "--data", data.path, "--epochs", "1", "--quiet"],
                                   naming: ["train-images-idx3-ubyte", "no images"], in: dir)
        }
    }

    // Class 12: labels are checked wherever data is read, and the error names the file.
    @Test func labelsOutsideTheClassesAreRefusedEverywhere() throws {
        let dir = try temporaryDirectory("hostile-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Self.writeSplit("train", count: 4, labels: [0, 1, 200, 3], in: data)
        try Self.writeSplit("t10k", count: 4, labels: [0, 1, 200, 3], in: data)
        let classifier = dir.path + "/classifier.safetensors", vae = dir.path + "/vae.safetensors"
        try Classifier(Classifier.Config(inputSize: 784, hidden: [4], classes: 10)).save(to: classifier)
        try VAE(VAE.Config(inputSize: 784, hidden: [4], latentSize: 2)).save(to: vae)
        let naming = ["labels-idx1-ubyte", "200"]
        try Self.expectRefused(["train", "classifier", "--data", data.path, "--epochs", "1", "--quiet"], naming: naming, in: dir)
        try Self.expectRefused(["evaluate", classifier, "--data", data.path], naming: naming, in: dir)
        try Self.expectRefused(["embed", "--input", "mnist", "--data", data.path, "--method", "pca"], naming: naming, in: dir)
        try Self.expectRefused(["manifold", vae, "--data", data.path], naming: naming, in: dir)
        try Self.expectRefused(["arithmetic", vae, "--data", data.path, "--from-class", "1", "--to-class", "2"],
                               naming: naming, in: dir)
    }
}

extension HostileInputCLITests {
    // Class 8: NaN never reaches a picture or the JSON writer: a model file with a NaN weight is
    // refused at load, naming the tensor; an embedding of no iterations still writes metrics.json.
    @Test func nanWeightsAreRefusedAndMetricsAlwaysWritten() throws {
        let dir = try temporaryDirectory("hostile-nan")
        defer { try? FileManager.default.removeItem(at: dir) }
        let models: [(String, any SavedModel, [String])] = [
            ("classifier", try Classifier(Classifier.Config(inputSize: 784, hidden: [4], classes: 10)), ["evaluate"]),
            ("autoencoder", try Autoencoder({ var c = Autoencoder.Config(kind: .linear); c.layers = [784, 2]; return c }()),
             ["reconstruct"]),
            ("vae", try VAE(VAE.Config(inputSize: 784, hidden: [4], latentSize: 2)), ["sample", "interpolate"]),
        ]
        for (name, model, commands) in models {
            let path = dir.path + "/\(name).safetensors"
            try model.save(to: path)
            // Poison the last tensor of the file with one NaN.
            let file = try SafeTensors.read(path: path)
            var tensors = file.tensors.map { ($0.name, $0.tensor) }
            let last = tensors.count - 1
            var poisoned = tensors[last].1.map { $0 }
            poisoned.withUnsafeMutableBufferPointer { $0[0] = .nan }
            tensors[last].1 = poisoned
            try SafeTensors.write(tensors: tensors, metadata: file.metadata, to: path)
            for command in commands {
                try Self.expectRefused([command, path], naming: ["\(name).safetensors", tensors[last].0, "NaN"], in: dir)
            }
        }
        let out = dir.path + "/embed"
        let r = try CLI.run(["embed", "--method", "tsne", "--iterations", "0", "--early-iterations", "0", "--limit", "60",
                             "--perplexity", "5", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json")))
        #expect(metrics is [String: Any])
    }
}

extension HostileInputCLITests {
    /// A finished one-epoch run of `latent train model` (tiny and quick) in `dir/name`.
    static func tinyRun(_ model: [String], in dir: URL, name: String = "run") throws -> String {
        let path = dir.path + "/" + name
        let r = try CLI.run(["train"] + model + ["--train-limit", "256", "--test-limit", "64", "--epochs", "1",
                                                 "--batch-size", "64", "--quiet", "--out", path])
        #expect(r.status == 0, "\(r.stderr)")
        return path
    }

    /// Expects `latent arguments…` to fail in one line naming each of `naming`, leaving the run's
    /// model file as it was.
    static func expectResumeRefused(_ arguments: [String], run: String, naming: [String],
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        let r = try CLI.run(arguments, timeout: 120)
        #expect(r.status != 0, "\(arguments) should fail", sourceLocation: sourceLocation)
        // Progress lines may precede it; the refusal is one line.
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "\(arguments): \(r.stderr)", sourceLocation: sourceLocation)
        for name in naming { #expect(lines.first?.contains(name) == true && r.stderr.contains(name), "\(arguments): '\(name)' not in \(r.stderr)", sourceLocation: sourceLocation) }
        let after = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        #expect(before == after, "\(arguments) changed the run's model", sourceLocation: sourceLocation)
    }

    // Class 6: --resume with flags that contradict the run is refused, naming the flag and the
    // run's value; the same flags as the run's are accepted.
    @Test func resumeRefusesConflictingFlags() throws {
        let dir = try temporaryDirectory("hostile-resume-flags")
        defer { try? FileManager.default.removeItem(at: dir) }
        let classifier = try Self.tinyRun(["classifier", "--hidden", "8"], in: dir)
        for (flags, naming) in [(["--hidden", "16"], ["--hidden", "[8]"]), (["--lr", "0.5"], ["--lr", "0.001"]),
                                (["--data", dir.path], ["--data", "data"])] {
            try Self.expectResumeRefused(["train", "classifier", "--resume", classifier] + flags, run: classifier, naming: naming)
        }
        let vae = try Self.tinyRun(["vae", "--hidden", "8", "--latent", "2", "--iwae-samples", "0"], in: dir, name: "vae")
        try Self.expectResumeRefused(["train", "vae", "--resume", vae, "--latent", "4"], run: vae, naming: ["--latent", "latentSize = 2"])
        // The run's own flags, repeated, are no conflict.
        let same = try CLI.run(["train", "classifier", "--resume", classifier, "--hidden", "8", "--train-limit", "256",
                                "--test-limit", "64", "--epochs", "1", "--batch-size", "64", "--quiet"])
        #expect(same.status == 0, "\(same.stderr)")
    }

    // Class 6, the other half: `--epochs` above the run's trains longer (continuing from the last
    // checkpoint, to the same weights as a run made that long from the start); below it, refused.
    @Test func resumeWithMoreEpochsTrainsLonger() throws {
        let dir = try temporaryDirectory("hostile-resume-longer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--hidden", "8", "--train-limit", "256", "--test-limit", "64", "--batch-size", "64", "--threads", "1", "--quiet"]
        var r = try CLI.run(["train", "classifier", "--epochs", "2", "--out", dir.path + "/straight"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let run = dir.path + "/extended"
        r = try CLI.run(["train", "classifier", "--epochs", "1", "--out", run] + common)
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["train", "classifier", "--resume", run, "--epochs", "2", "--threads", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try CLI.completedEpochs(checkpoint: run + "/checkpoint.safetensors") == 2)
        let settings = try String(contentsOfFile: run + "/run.json", encoding: .utf8)
        #expect(settings.contains(#""epochs" : 2"#), "run.json still says the old epoch count: \(settings)")
        let a = try SafeTensors.read(path: dir.path + "/straight/model.safetensors")
        let b = try SafeTensors.read(path: run + "/model.safetensors")
        #expect(a.names == b.names && !a.names.isEmpty)
        for t in a.tensors { #expect(b[t.name]?.tensor == t.tensor, "\(t.name) differs between 1+1 epochs and 2") }
        try Self.expectResumeRefused(["train", "classifier", "--resume", run, "--epochs", "1"], run: run,
                                     naming: ["--epochs", "epochs = 2"])
    }

    // Class 11: a checkpoint whose loop state is out of range is refused on resume, naming it.
    @Test func resumeRefusesImpossibleLoopState() throws {
        let dir = try temporaryDirectory("hostile-loop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.tinyRun(["classifier", "--hidden", "8"], in: dir)
        let checkpoint = run + "/checkpoint.safetensors"
        let original = try SafeTensors.read(path: checkpoint)
        let loop = try #require(original.metadata["latent.loop"])
        for epochs in ["-5", "1000000000000000"] {
            var metadata = original.metadata
            metadata["latent.loop"] = loop.replacingOccurrences(of: #""completedEpochs":1"#, with: #""completedEpochs":\#(epochs)"#)
            #expect(metadata["latent.loop"] != loop, "the loop state has no completedEpochs to change")
            try SafeTensors.write(tensors: original.tensors.map { ($0.name, $0.tensor) }, metadata: metadata, to: checkpoint)
            try Self.expectResumeRefused(["train", "classifier", "--resume", run], run: run,
                                         naming: ["checkpoint.safetensors", epochs])
        }
    }
}

extension HostileInputCLITests {
    // Class 5: a run folder has one owner. A fresh run into a folder holding a run is refused (it
    // overwrote the model silently); a folder locked by a live process is refused, naming it; a
    // lock left by a dead process is taken over, and released at the end.
    @Test func runFolderHasOneOwner() throws {
        let dir = try temporaryDirectory("hostile-owner")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try Self.tinyRun(["classifier", "--hidden", "8"], in: dir)
        #expect(!FileManager.default.fileExists(atPath: run + "/.lock"), "a finished run kept its lock")
        try Self.expectResumeRefused(["train", "classifier", "--hidden", "8", "--epochs", "1", "--out", run], run: run,
                                     naming: [run, "already holds a run", "--resume"])
        // A live owner: this test process.
        let me = ProcessInfo.processInfo.processIdentifier
        try "\(me)\n".write(toFile: run + "/.lock", atomically: true, encoding: .utf8)
        try Self.expectResumeRefused(["train", "classifier", "--resume", run], run: run, naming: ["in use", "process \(me)"])
        // A dead owner: a process that has exited.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try "\(gone.processIdentifier)\n".write(toFile: run + "/.lock", atomically: true, encoding: .utf8)
        let r = try CLI.run(["train", "classifier", "--resume", run, "--quiet"])
        #expect(r.status == 0, "a stale lock was not taken over: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run + "/.lock"), "the lock was not released")
    }
}

extension HostileInputCLITests {
    // Class 10: a run killed in its first epoch resumes (a checkpoint of the starting state is
    // written before the first step) to the same model as an uninterrupted run; temporary files a
    // killed write left in the run folder are removed by the next run that owns it.
    @Test func runKilledInItsFirstEpochResumesAndLeftoversAreRemoved() throws {
        let dir = try temporaryDirectory("hostile-kill")
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["--hidden", "32", "--train-limit", "4000", "--test-limit", "64", "--epochs", "1", "--batch-size", "32",
                      "--threads", "1", "--quiet"]
        var r = try CLI.run(["train", "classifier", "--out", dir.path + "/full"] + common)
        #expect(r.status == 0, "\(r.stderr)")
        let killed = dir.path + "/killed"
        try CLI.killAfterFirstCheckpoint(["train", "classifier", "--out", killed] + common,
                                         checkpoint: killed + "/checkpoint.safetensors", epochs: 0)
        let done = try #require(try CLI.completedEpochs(checkpoint: killed + "/checkpoint.safetensors"))
        #expect(done == 0, "killed after \(done) epochs: the test proves nothing")
        #expect(!FileManager.default.fileExists(atPath: killed + "/model.safetensors"))
        // What a write killed midway leaves (AtomicFile's temporary name).
        let leftover = killed + "/.checkpoint.safetensors.tmp-Ab12Cd"
        try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: leftover))
        r = try CLI.run(["train", "classifier", "--resume", killed, "--threads", "1", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: leftover), "the leftover temporary file is still there")
        let a = try SafeTensors.read(path: dir.path + "/full/model.safetensors")
        let b = try SafeTensors.read(path: killed + "/model.safetensors")
        #expect(a.names == b.names && !a.names.isEmpty)
        for t in a.tensors { #expect(b[t.name]?.tensor == t.tensor, "\(t.name) differs after a kill in the first epoch") }
    }

    // Class 4: a corpus that is not UTF-8 is refused before training, naming the file and the word
    // (it trained to the end, then failed to save "caf�" twice).
    @Test func nonUTF8CorpusIsRefusedBeforeTraining() throws {
        let dir = try temporaryDirectory("hostile-latin1")
        defer { try? FileManager.default.removeItem(at: dir) }
        // "café cafè" in Latin-1, repeated: both reach the default min-count of 5.
        let latin1 = Data(Array(repeating: Array("the caf".utf8) + [0xE9] + Array(" caf".utf8) + [0xE8] + Array(" and more words\n".utf8),
                                count: 50).flatMap { $0 })
        let corpus = dir.appendingPathComponent("latin1.txt")
        try latin1.write(to: corpus)
        for model in ["sg", "glove"] {
            try Self.expectRefused(["words", "train", corpus.path, "--model", model, "--epochs", "1", "--dim", "8"],
                                   naming: ["latin1.txt", "UTF-8"], in: dir)
        }
    }
}

extension HostileInputCLITests {
    // Class 9: word vectors and human scores must be finite numbers; a learning rate that would
    // overflow word2vec's updates is refused.
    @Test func nonFiniteWordVectorsAndScoresAreRefused() throws {
        let dir = try temporaryDirectory("hostile-vectors")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, bad) in [("nan", "nan"), ("inf", "inf"), ("huge", "1e39")] {
            let path = dir.path + "/\(name).txt"
            try "3 2\nking 0.5 0.1\nqueen 0.4 0.2\n\(name)word \(bad) 0.3\n".write(toFile: path, atomically: true, encoding: .utf8)
            try Self.expectRefused(["words", "similar", path, "king"], naming: ["\(name).txt", "line 4", bad], in: dir, out: false)
        }
        // The binary format: a NaN in the last row.
        var binary = Array("2 2\n".utf8)
        for (word, values) in [("king", [Float(0.5), 0.1]), ("queen", [0.4, .nan])] {
            binary += Array("\(word) ".utf8) + values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } + [10]
        }
        let binaryPath = dir.path + "/nan.bin"
        try Data(binary).write(to: URL(fileURLWithPath: binaryPath))
        try Self.expectRefused(["words", "similar", binaryPath, "king"], naming: ["nan.bin", "queen"], in: dir, out: false)
        // A human score of "nan".
        let vectors = dir.path + "/good.txt"
        try "3 2\nking 0.5 0.1\nqueen 0.4 0.2\nman 0.1 0.9\n".write(toFile: vectors, atomically: true, encoding: .utf8)
        let pairs = dir.path + "/pairs.tsv"
        try "king\tqueen\t8.5\nking\tman\tnan\nqueen\tman\t3\n".write(toFile: pairs, atomically: true, encoding: .utf8)
        try Self.expectRefused(["words", "evaluate", vectors, "--similarity", pairs], naming: ["pairs.tsv", "line 2", "nan"],
                               in: dir, out: false)
        try Self.expectRefused(["words", "train", vectors, "--alpha", "1e30"], naming: ["--alpha"], in: dir)
    }
}

extension HostileInputCLITests {
    // Weak messages met on the way: what a file is when it is not a model, a run folder given as
    // a model, a pipe, an --out under a file, a negative --top, a directory link inside a run.
    @Test func mistakenInputsAreNamed() throws {
        let dir = try temporaryDirectory("hostile-names")
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.path + "/picture.safetensors"
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).write(to: URL(fileURLWithPath: png))
        try Self.expectRefused(["evaluate", png], naming: ["picture.safetensors", "PNG image"], in: dir)
        let run = dir.path + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: run + "/model.safetensors"))
        try Self.expectRefused(["evaluate", run], naming: [run + "/model.safetensors"], in: dir)
        let fifo = dir.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        try Self.expectRefused(["evaluate", fifo], naming: ["pipe", "not a regular file"], in: dir)
        let file = dir.path + "/plain"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let r = try CLI.run(["train", "classifier", "--out", file + "/run", "--epochs", "1", "--train-limit", "64", "--quiet"])
        #expect(r.status != 0 && r.stderr.contains("plain is a file, not a folder"), "\(r.stderr)")
        try Self.expectRefused(["words", "similar", file, "king", "--top", "-1"], naming: ["--top", "-1"], in: dir, out: false)
        // A link where a run makes a subfolder is replaced, not followed.
        let outside = dir.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: run + "/samples", withDestinationPath: outside)
        let samples = try RunFolder(run, name: "run").subfolder("samples")
        try Data("y".utf8).write(to: URL(fileURLWithPath: samples.file("a.png")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty, "the run wrote through the link")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: run + "/samples")) == nil)
    }

    // The property behind classes 2 and 3: every bounded flag of every command, given seeded random
    // values beyond its range, is refused in one line naming it; given values within its range,
    // it passes validation (the command then fails on its absent model, not on the flag).
    @Test func boundedFlagsHoldAcrossAndBeyondTheirRanges() throws {
        let dir = try temporaryDirectory("hostile-property")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.path + "/absent.safetensors"
        let flags: [([String], String, ClosedRange<Int>)] = [
            (["sample", model], "--count", 1...10_000), (["sample", model], "--columns", 1...100),
            (["reconstruct", model], "--count", 1...10_000), (["conditional", model], "--count", 1...10_000),
            (["arithmetic", model, "--from-class", "1", "--to-class", "2"], "--count", 1...1000),
            (["interpolate", model], "--steps", 2...1000), (["interpolate", model], "--pairs", 1...100),
            (["manifold", model], "--grid", 2...100), (["evaluate", model], "--threads", 1...1024),
            (["words", "similar", model, "king"], "--top", 1...100_000),
            (["words", "analogy", model, "a", "b", "c"], "--top", 1...100_000),
        ]
        var rng = RandomGenerator(seed: 15)
        for (command, flag, range) in flags {
            let beyond = [range.lowerBound - 1, range.upperBound + 1, Int.max, Int.min,
                          Int.random(in: (range.upperBound + 1)...(range.upperBound * 1000), using: &rng)]
            for value in beyond {
                // "--flag=-5": a negative value is a value, not a missing one.
                try Self.expectRefused(command + ["\(flag)=\(value)"], naming: [flag, String(value)], in: dir, out: false)
            }
            for value in [range.lowerBound, range.upperBound, Int.random(in: range, using: &rng)] {
                let r = try CLI.run(command + ["\(flag)=\(value)"], timeout: 60)
                #expect(r.status == 1 && r.stderr.contains("absent.safetensors") && !r.stderr.contains(flag + " must"),
                        "\(command) \(flag) \(value): \(r.stderr)")
            }
        }
    }
}

