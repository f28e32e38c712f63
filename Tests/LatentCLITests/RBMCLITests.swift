import Foundation
import Latent
import Testing

/// `latent train rbm`, `latent train dbn`, `--init-from` a DBN and `latent sample` on an RBM,
/// end to end on the shipped MNIST, and the bad inputs.
@Suite(.serialized) struct RBMCLITests {
    static let small = ["--train-limit", "600", "--test-limit", "100", "--epochs", "1", "--quiet"]

    @Test func rbmTrainsSamplesAndWritesItsPictures() throws {
        let dir = try temporaryDirectory("rbm-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path + "/rbm"
        let r = try CLI.run(["train", "rbm", "--hidden", "16", "--binarize", "--persistent", "--ais-runs", "20", "--ais-steps", "200",
                             "--sample-steps", "10", "--out", out] + Self.small, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["model.safetensors", "checkpoint.safetensors", "metrics.json", "filters.png", "reconstructions.png", "samples.png", "curves.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "missing \(file)")
        }
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any])
        // 20 short AIS runs only check the plumbing (RBMTests checks AIS against the exact value);
        // a short annealing underestimates log Z, never by this much on this machine.
        let ais = try #require(metrics["log_z_ais"] as? Double), exact = try #require(metrics["log_z_exact"] as? Double)
        #expect(ais < exact + 1 && ais > exact - 10, "AIS \(ais), exact \(exact)")
        #expect((metrics["test_log_likelihood"] as? Double ?? 0) < 0)
        #expect((metrics["test_pseudo_likelihood"] as? Double ?? 0) < 0)
        let s = try CLI.run(["sample", out + "/model.safetensors", "--count", "8", "--gibbs-steps", "20", "--out", dir.path + "/samples"], timeout: 120)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/samples/samples.png"))
    }

    @Test func dbnPretrainsAndInitialisesAnAutoencoderAndAClassifier() throws {
        let dir = try temporaryDirectory("dbn-cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let dbn = dir.path + "/dbn"
        let r = try CLI.run(["train", "dbn", "--layers", "784,64,16", "--top-units", "linear", "--out", dbn] + Self.small, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["model.safetensors", "metrics.json", "filters.png", "rbm-1/model.safetensors", "rbm-2/checkpoint.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dbn + "/" + file), "missing \(file)")
        }
        let ae = try CLI.run(["train", "autoencoder", "--init-from", dbn + "/model.safetensors", "--out", dir.path + "/ae"] + Self.small,
                             timeout: 300)
        #expect(ae.status == 0, "\(ae.stderr)")
        let settings = try String(contentsOfFile: dir.path + "/ae/run.json", encoding: .utf8)
        #expect(settings.contains("\"init_from\"") && settings.contains("sigmoid"))
        // The classifier needs Bernoulli top units: a linear top is refused in one line.
        try HostileInputCLITests.expectRefused(["train", "classifier", "--init-from", dbn + "/model.safetensors"] + Self.small,
                                               naming: ["Bernoulli"], in: dir)
        let binary = dir.path + "/dbn-binary"
        #expect(try CLI.run(["train", "dbn", "--layers", "784,32", "--out", binary] + Self.small, timeout: 300).status == 0)
        let c = try CLI.run(["train", "classifier", "--init-from", binary + "/model.safetensors", "--out", dir.path + "/clf"] + Self.small,
                            timeout: 300)
        #expect(c.status == 0, "\(c.stderr)")
        #expect(c.stdout.contains("DBN-pretrained"))
        // --dropout reaches the unrolled stack (it was once dropped silently); on another kind
        // of trunk, whose layers are the source's, it is refused in one line.
        let d = try CLI.run(["train", "classifier", "--init-from", binary + "/model.safetensors", "--dropout", "0.3",
                             "--out", dir.path + "/clf-dropout"] + Self.small, timeout: 300)
        #expect(d.status == 0, "\(d.stderr)")
        let dropoutRun = try String(contentsOfFile: dir.path + "/clf-dropout/run.json", encoding: .utf8)
        #expect(dropoutRun.contains("\"dropout\" : 0.3"), "\(dropoutRun)")
        try HostileInputCLITests.expectRefused(["train", "classifier", "--init-from", dir.path + "/clf/model.safetensors", "--dropout", "0.3"]
                                               + Self.small, naming: ["--dropout", "DBN"], in: dir)
        // A frozen stack stays the DBN's to the bit (the classifier's first layer is the first
        // RBM's weight); only the softmax layer learns.
        let frozen = try CLI.run(["train", "classifier", "--init-from", binary + "/model.safetensors", "--freeze-encoder",
                                  "--out", dir.path + "/clf-frozen"] + Self.small, timeout: 300)
        #expect(frozen.status == 0, "\(frozen.stderr)")
        let stack = try #require(try SafeTensors.read(path: binary + "/model.safetensors")["0.weight"]?.tensor)
        let tuned = try SafeTensors.read(path: dir.path + "/clf-frozen/model.safetensors")
        #expect(try #require(tuned["0.weight"]?.tensor).scalars == stack.scalars)
        let fineTuned = try #require(try SafeTensors.read(path: dir.path + "/clf/model.safetensors")["0.weight"]?.tensor)
        #expect(fineTuned.scalars != stack.scalars)
        #expect(try String(contentsOfFile: dir.path + "/clf-frozen/run.json", encoding: .utf8).contains("\"freeze_features\" : true"))
    }

    @Test func badInputIsRefusedInOneLineWithNothingWritten() throws {
        let dir = try temporaryDirectory("rbm-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        try HostileInputCLITests.expectRefused(["train", "rbm", "--cd-k", "0"] + Self.small, naming: ["--cd-k"], in: dir)
        var rows = Tensor(shape: [40, 6], repeating: 0.5)
        rows[3, 2] = 1.5
        try NPY.write(rows, to: dir.path + "/outside.npy")
        try HostileInputCLITests.expectRefused(["train", "rbm", "--train-npy", dir.path + "/outside.npy", "--quiet"],
                                               naming: ["outside [0, 1]", "row 3"], in: dir)
        rows[3, 2] = .nan
        try NPY.write(rows, to: dir.path + "/nan.npy")
        try HostileInputCLITests.expectRefused(["train", "rbm", "--train-npy", dir.path + "/nan.npy", "--visible", "gaussian", "--quiet"],
                                               naming: ["nan"], in: dir)
        try HostileInputCLITests.expectRefused(["train", "dbn", "--layers", "100,50"] + Self.small, naming: ["does not chain"], in: dir)
        try HostileInputCLITests.expectRefused(["train", "dbn", "--layers", "784"] + Self.small, naming: ["--layers"], in: dir)
        // A DBN file where an RBM is expected, and an RBM where a DBN is.
        try DBN(DBN.Config(layers: [784, 8, 4])).save(to: dir.path + "/dbn.safetensors")
        try RBM(RBM.Config(visible: 784, hidden: 8)).save(to: dir.path + "/rbm.safetensors")
        try HostileInputCLITests.expectRefused(["sample", dir.path + "/dbn.safetensors"], naming: ["dbn"], in: dir)
        try HostileInputCLITests.expectRefused(["train", "autoencoder", "--init-from", dir.path + "/rbm.safetensors"] + Self.small,
                                               naming: ["rbm", "dbn"], in: dir)
    }
}
