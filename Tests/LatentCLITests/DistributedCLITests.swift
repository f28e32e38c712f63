import Foundation
import LatentIO
import Testing

/// `latent train …` under a real `mpirun` (Open MPI, 2 ranks over loopback TCP): the run is the
/// single-process run, rank 0 alone writes, a checkpoint moves between rank counts, and ranks
/// that disagree stop with one message.
@Suite(.serialized, .enabled(if: CLI.mpirun != nil, "Open MPI's mpirun is not installed"))
struct DistributedCLITests {
    static let classifier = ["train", "classifier", "--hidden", "64", "--dropout", "0.2", "--train-limit", "1200",
                             "--test-limit", "300", "--epochs", "2", "--seed", "3", "--threads", "1"]

    /// Largest |a − b| / max |b| over the tensors of two model files.
    static func relativeDifference(_ a: String, _ b: String) throws -> Float {
        let x = try SafeTensors.read(path: a), y = try SafeTensors.read(path: b)
        #expect(x.names == y.names && !x.names.isEmpty)
        var worst: Float = 0
        for t in y.tensors {
            let u = try #require(x[t.name]).tensor.scalars, v = t.tensor.scalars
            let scale = v.map(abs).max() ?? 1
            for i in v.indices { worst = max(worst, abs(u[i] - v[i]) / max(scale, 1e-12)) }
        }
        return worst
    }

    static func epochs(_ metrics: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: metrics))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["epochs"] as? [[String: Any]])
    }

    @Test func twoRanksTrainTheSingleProcessClassifier() throws {
        let dir = try temporaryDirectory("mpi-classifier")
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try CLI.run(Self.classifier + ["--out", dir.path + "/one", "--quiet"])
        #expect(one.status == 0, "\(one.stderr)")
        // Its own temporary folder, to see that rank 1's scratch folder is removed at the end.
        let temporary = dir.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let two = try CLI.runMPI(ranks: 2, Self.classifier + ["--out", dir.path + "/two"], environment: ["TMPDIR": temporary])
        #expect(two.status == 0, "\(two.stderr)")
        // Rank 0 alone prints: one summary, one progress line per epoch.
        #expect(two.stdout.components(separatedBy: "test accuracy").count == 2, "\(two.stdout)")
        #expect(two.stderr.components(separatedBy: "epoch 2/2").count == 2, "\(two.stderr)")
        // The same batches and dropout masks: the losses agree to float rounding.
        for (a, b) in zip(try Self.epochs(dir.path + "/one/metrics.json"), try Self.epochs(dir.path + "/two/metrics.json")) {
            let la = try #require(a["train_loss"] as? Double), lb = try #require(b["train_loss"] as? Double)
            #expect(abs(la - lb) / la < 1e-5)
        }
        #expect(try Self.relativeDifference(dir.path + "/two/model.safetensors", dir.path + "/one/model.safetensors") < 1e-4)
        // Rank 1 wrote into a scratch folder, removed at its end.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("latent-rank") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aTwoRankCheckpointResumesUnderOneAndTwoRanks() throws {
        guard let mpirun = CLI.mpirun else { throw CLI.CLIMissing() }
        let dir = try temporaryDirectory("mpi-resume")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A VAE: its ε is per-example noise, drawn from a stream the checkpoint must carry.
        let vae = ["train", "vae", "--latent", "4", "--hidden", "64", "--train-limit", "1200", "--test-limit", "200",
                   "--epochs", "3", "--seed", "5", "--threads", "1", "--iwae-samples", "10", "--quiet"]
        let full = try CLI.run(vae + ["--out", dir.path + "/full"])
        #expect(full.status == 0, "\(full.stderr)")
        // Two ranks, killed (SIGKILL) after the first checkpoint.
        let checkpoint = dir.path + "/two/checkpoint.safetensors"
        try CLI.killAfterFirstCheckpoint(try CLI.mpiArguments(ranks: 2, vae + ["--out", dir.path + "/two"]),
                                         checkpoint: checkpoint, executable: mpirun, killChildren: true)
        let done = try #require(try CLI.completedEpochs(checkpoint: checkpoint))
        #expect(done >= 1 && done < 3, "stopped after \(done) of 3 epochs: the test proves nothing")
        for (name, ranks) in [("one", 1), ("again", 2)] {
            try FileManager.default.copyItem(atPath: dir.path + "/two", toPath: dir.path + "/" + name)
            let resume = ["train", "vae", "--resume", dir.path + "/" + name, "--threads", "1", "--quiet"]
            let r = ranks == 1 ? try CLI.run(resume) : try CLI.runMPI(ranks: 2, resume)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try CLI.completedEpochs(checkpoint: dir.path + "/\(name)/checkpoint.safetensors") == 3)
            #expect(try Self.relativeDifference(dir.path + "/\(name)/model.safetensors", dir.path + "/full/model.safetensors") < 1e-3)
        }
    }

    @Test func ranksWithOtherDataStopWithOneErrorFromRankZero() throws {
        guard let mpirun = CLI.mpirun, let binary = CLI.binary else { throw CLI.CLIMissing() }
        let dir = try temporaryDirectory("mpi-disagree")
        defer { try? FileManager.default.removeItem(at: dir) }
        // MPMD launch: rank 1 is given fewer training images than rank 0.
        let common = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl", "tcp,self"]
        let rank0 = ["-np", "1", binary.path] + Self.classifier + ["--out", dir.path + "/run"]
        let rank1 = ["-np", "1", binary.path] + Self.classifier.map { $0 == "1200" ? "1100" : $0 } + ["--out", dir.path + "/run"]
        let started = Date()
        let r = try CLI.run(common + rank0 + [":"] + rank1, executable: mpirun, timeout: 120)
        #expect(r.status != 0)
        #expect(Date().timeIntervalSince(started) < 100, "the ranks did not stop promptly")
        let lines = r.stderr.split(separator: "\n").filter { $0.contains("Error") }
        #expect(lines.count == 1 && lines[0].contains("rank 1 has other training data than rank 0"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/run/model.safetensors"))
    }
}
