import Foundation
import Testing

/// The naming scheme of docs/flags.md and docs/run-folders.md: the flags that were renamed or
/// added to make the commands agree, and where a command on a model writes by default.
@Suite struct NamingCLITests {
    @Test func limitCapsEverySplitAndEmbedTakesScikitLearnNames() throws {
        let dir = try temporaryDirectory("naming")
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try CLI.run(["train", "classifier", "--hidden", "16", "--limit", "300", "--epochs", "1",
                             "--out", dir.path + "/clf", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("labelled images   300"), "\(r.stdout)")
        r = try CLI.run(["evaluate", dir.path + "/clf/model.safetensors", "--limit", "150"])
        #expect(r.status == 0 && r.stdout.contains("150 test images"), "\(r.stdout)\(r.stderr)")

        // t-SNE as it is usually written, scikit-learn's n_components, and --dim still accepted.
        for flags in [["--method", "t-sne", "--n-components", "2"], ["--method", "tsne", "--dim", "2"]] {
            r = try CLI.run(["embed", "--limit", "120", "--perplexity", "10", "--iterations", "60", "--early-iterations", "30",
                             "--out", dir.path + "/tsne-\(flags[1])", "--quiet"] + flags)
            #expect(r.status == 0, "\(flags): \(r.stderr)")
            #expect(r.stdout.contains("tsne"), "\(r.stdout)")
        }
        // --iterations counts the early-exaggeration iterations too (scikit-learn's max_iter).
        r = try CLI.run(["embed", "--limit", "120", "--iterations", "100", "--early-iterations", "250", "--out", dir.path + "/bad"])
        #expect(r.status != 0 && r.stderr.contains("--iterations 100 counts the 250 early-exaggeration iterations"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/bad"))
    }

    @Test func aCommandOnAModelWritesBesideTheModel() throws {
        let dir = try temporaryDirectory("naming-beside")
        defer { try? FileManager.default.removeItem(at: dir) }
        var r = try CLI.run(["train", "autoencoder", "--layers", "784,16", "--limit", "200", "--epochs", "1",
                             "--out", dir.path + "/ae", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["reconstruct", dir.path + "/ae/model.safetensors", "--limit", "50", "--count", "4"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/ae")
        let made = contents.filter { $0.hasPrefix("reconstruct-") }
        #expect(made.count == 1, "\(contents)")
        if let folder = made.first {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/ae/\(folder)/reconstructions.png"))
            #expect(r.stdout.contains(folder), "\(r.stdout)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/runs"), "wrote into runs/ instead of beside the model")
    }
}
