import Foundation
import Testing

@Suite(.serialized) struct DocsCLITests {
    @Test func trainInferSimilar() throws {
        let dir = try temporaryDirectory("docs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path + "/run"
        var r = try CLI.run(["docs", "train", "Data/text/lee_background.cor", "--dm", "0", "--vector-size", "32", "--min-count", "2",
                             "--epochs", "20", "--threads", "2", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("300 documents, 300 tags") && r.stdout.contains("vocabulary  4067 words"), "\(r.stdout)")
        // The self-check line: "NN.N % of 300 re-inferred documents rank themselves first".
        let share = r.stdout.split(separator: "\n").first { $0.hasPrefix("self-check") }
            .flatMap { Double($0.split(separator: " ").dropFirst().first { Double($0) != nil } ?? "") }
        #expect((share ?? 0) >= 90, "\(r.stdout)")
        for f in ["model.safetensors", "documents.bin", "documents.txt", "documents.npy", "words.bin", "metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f) missing")
        }
        r = try CLI.run(["docs", "similar", out + "/model.safetensors", "0", "--top", "3"])
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 3, "\(r.stdout) \(r.stderr)")
        // The text of document 0, re-inferred, finds document 0 (gensim's tutorial check, once).
        let corpus = try String(contentsOf: CLI.root.appendingPathComponent("Data/text/lee_background.cor"), encoding: .utf8)
        let first = String(corpus.prefix { $0 != "\n" })
        r = try CLI.run(["docs", "similar", out + "/model.safetensors", "--text", first, "--top", "3"])
        #expect(r.status == 0 && r.stdout.hasPrefix("0 "), "\(r.stdout) \(r.stderr)")
        let file = try write("first\tafghan taliban forces\nsecond\tthe cricket test match\n", to: dir, "new.txt")
        r = try CLI.run(["docs", "infer", out + "/model.safetensors", "--file", file, "--out", dir.path + "/v.npy"])
        #expect(r.status == 0 && r.stdout.contains("afghan taliban forces") && r.stdout.contains("(32 values)"), "\(r.stdout) \(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/v.npy"))
    }

    /// A document whose words all fall below --min-count trains (its vector stays where it
    /// started) and is left out of the self-check.
    @Test func documentWithoutKnownWords() throws {
        let dir = try temporaryDirectory("docs-rare")
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = try write("red green blue red green\nblue green red blue\nrare words only\n", to: dir, "c.txt")
        let r = try CLI.run(["docs", "train", corpus, "--min-count", "2", "--vector-size", "8", "--out", dir.path + "/run", "--quiet"])
        #expect(r.status == 0 && r.stdout.contains("3 documents") && r.stdout.contains("1 skipped, no word in the vocabulary"),
                "\(r.stdout) \(r.stderr)")
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        let dir = try temporaryDirectory("docs-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let emptyDoc = try write("one two\n\nthree four\n", to: dir, "e.txt")
        let single = try write("only one document\n", to: dir, "one.txt")
        let lee = "Data/text/lee_background.cor"
        let cases: [([String], String)] = [
            (["docs", "train", emptyDoc, "--min-count", "1", "--out", dir.path + "/a"], "line 2 is an empty document"),
            (["docs", "train", single, "--min-count", "1", "--out", dir.path + "/b"], "at least 2 documents"),
            (["docs", "train", lee, "--alpha", "nan", "--out", dir.path + "/c"], "--alpha must be a positive number"),
            (["docs", "train", lee, "--dm", "2", "--out", dir.path + "/d"], "--dm must be 0 or 1"),
            (["docs", "train", lee, "--tags", "sometimes", "--out", dir.path + "/e"], "'sometimes' is invalid for '--tags"),
            (["docs", "train", dir.path + "/missing.txt", "--out", dir.path + "/f"], "file not found"),
            (["docs", "similar", dir.path + "/missing.safetensors", "0"], "file not found"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.hasPrefix("Error:") && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        for f in ["a", "b", "c", "d", "e", "f"] {
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/" + f), "\(f) was written")
        }
    }

    func write(_ text: String, to dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
