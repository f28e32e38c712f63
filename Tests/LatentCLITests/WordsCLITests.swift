import Foundation
import Testing

@Suite(.serialized) struct WordsCLITests {
    @Test func trainQueryEvaluatePlot() throws {
        let dir = try temporaryDirectory("words")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.path + "/run"
        var r = try CLI.run(["words", "train", "Data/text/lee_background.cor", "--vector-size", "32", "--epochs", "5",
                             "--seed", "1", "--out", out, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("vocabulary  1815 words"), "\(r.stdout)")
        for f in ["vectors.bin", "vectors.txt", "metrics.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f) missing")
        }
        r = try CLI.run(["words", "similar", out + "/vectors.bin", "taliban", "--top", "3", "--threads", "1", "--seed", "2"])  // the global flags, accepted by every command
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == 3, "\(r.stdout) \(r.stderr)")
        r = try CLI.run(["words", "analogy", out + "/vectors.txt", "israeli", "palestinian", "israel"])
        #expect(r.status == 0 && r.stdout.contains("israeli : palestinian :: israel : ?"), "\(r.stderr)")
        let pairs = try write("# comment\ntaliban\tafghanistan\t9\nfire\tcricket\t1\nisraeli\tpalestinian\t8\nzzz\tfire\t3\n", to: dir, "pairs.tsv")
        let questions = try write(": one\nisraeli palestinian israel palestine\nzzz a b c\n", to: dir, "q.txt")
        r = try CLI.run(["words", "evaluate", out + "/vectors.bin", "--similarity", pairs, "--analogies", questions,
                         "--json", dir.path + "/eval.json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Spearman ρ") && r.stdout.contains("1 skipped (out of vocabulary)"), "\(r.stdout)")
        r = try CLI.run(["words", "plot", out + "/vectors.bin", "taliban", "fire", "cricket", "--out", dir.path + "/p.png"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/p.png")).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        r = try CLI.run(["words", "train", "Data/text/lee_background.cor", "--model", "glove", "--dim", "16", "--epochs", "2",
                         "--out", dir.path + "/glove", "--quiet"])
        #expect(r.status == 0 && r.stdout.contains("GloVe"), "\(r.stderr)")
    }

    @Test func badInputIsOneLine() throws {
        let dir = try temporaryDirectory("words-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try write("\n\n", to: dir, "empty.txt")
        let rare = try write("one two three\n", to: dir, "rare.txt")
        let short = try write("3 2\na 1 2\n", to: dir, "short.txt")
        let cases: [([String], String)] = [
            (["words", "train", empty, "--out", dir.path + "/a"], "the corpus is empty"),
            (["words", "train", rare, "--out", dir.path + "/b"], "no word reaches min_count 5"),
            (["words", "train", dir.path + "/missing.txt", "--out", dir.path + "/c"], "file not found"),
            (["words", "similar", short, "a"], "header says 3 vectors but the file holds 1"),
            (["words", "similar", "Tests/LatentTextTests/Fixtures/word2vec/gensim_lee_16d.bin", "qwertyuiop"],
             "word 'qwertyuiop' is not in the vocabulary"),
            (["words", "train", rare, "--negative", "0"], "--negative must be at least 1"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("Error:"), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/b/vectors.bin"))
    }

    func write(_ text: String, to dir: URL, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
