import Foundation
import LatentIO
import LatentText
import Testing

@Suite struct KeyedVectorsTests {
    /// The `word2vec` part of the fixtures' reference.json.
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("word2vec/reference.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["word2vec"] as? [String: Any])
    }

    /// gensim's own files (`save_word2vec_format`, text and binary) read back, and its
    /// `most_similar("government", topn=3)` reproduced.
    @Test(arguments: ["gensim_lee_16d.txt", "gensim_lee_16d.bin"])
    func readsGensimFilesAndReproducesMostSimilar(name: String) throws {
        let kv = try KeyedVectors.read(TestFiles.fixture("word2vec/" + name))
        let reference = try KeyedVectorsTests.reference()
        #expect(kv.count == reference["vocab"] as? Int)
        #expect(kv.vectorSize == 16)
        let expected = try #require(reference["most_similar_government"] as? [[Any]])
        let got = try kv.mostSimilar(positive: ["government"], topN: 3)
        #expect(got.map(\.word) == expected.map { $0[0] as! String })
        for (g, e) in zip(got, expected) { #expect(abs(Double(g.similarity) - (e[1] as! Double)) < 1e-5) }
    }

    @Test func textAndBinaryFixturesAgree() throws {
        let text = try KeyedVectors.read(TestFiles.fixture("word2vec/gensim_lee_16d.txt"))
        let binary = try KeyedVectors.read(TestFiles.fixture("word2vec/gensim_lee_16d.bin"))
        #expect(text.words == binary.words)
        // gensim prints float32 with repr(): the shortest decimal that reads back exactly.
        #expect(text.vectors == binary.vectors)
    }

    @Test func roundTrips() throws {
        let dir = try temporaryDirectory("rt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let kv = try KeyedVectors.read(TestFiles.fixture("word2vec/gensim_lee_16d.bin"))
        // Binary: write, read, write again: the same bytes and the same bits.
        try kv.write(to: dir.path + "/a.bin", format: .binary)
        let back = try KeyedVectors.read(dir.path + "/a.bin")
        #expect(back.words == kv.words)
        #expect(back.vectors.map(\.bitPattern) == kv.vectors.map(\.bitPattern))
        try back.write(to: dir.path + "/b.bin", format: .binary)
        #expect(try Data(contentsOf: dir.appendingPathComponent("a.bin")) == Data(contentsOf: dir.appendingPathComponent("b.bin")))
        // Text: values within print precision (Latent prints the shortest exact decimal, so equal).
        try kv.write(to: dir.path + "/a.txt", format: .text)
        let textBack = try KeyedVectors.read(dir.path + "/a.txt")
        #expect(textBack.words == kv.words)
        for (a, b) in zip(textBack.vectors, kv.vectors) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
        // Odd but legal values survive both formats.
        let odd = try KeyedVectors(words: ["tiny", "big"], vectors: [1e-30, -0.0, 3.4e38, 1.0 / 3], vectorSize: 2)
        for format in Word2VecFormat.allCases {
            try odd.write(to: dir.path + "/odd", format: format)
            let r = try KeyedVectors.read(dir.path + "/odd", format: format)
            #expect(r.vectors.map(\.bitPattern) == odd.vectors.map(\.bitPattern), "\(format)")
        }
    }

    @Test func queries() throws {
        // A hand-made space: royalty along one axis, gender along another.
        let kv = try KeyedVectors(words: ["king", "queen", "man", "woman", "apple"],
                                  vectors: [1, 1, 0.1, 1, -1, 0.1, 0, 1, 0, 0, -1, 0, -1, 0, 1], vectorSize: 3)
        #expect(try kv.analogy("man", "king", "woman").first?.word == "queen")
        #expect(try kv.analogy("man", "king", "woman", method: .mul).first?.word == "queen")
        #expect(try kv.doesntMatch(["king", "queen", "apple"]) == "apple")
        #expect(abs(try kv.similarity("king", "king") - 1) < 1e-6)
        let top = try kv.mostSimilar(positive: ["king"], topN: 2)
        #expect(top.count == 2 && !top.contains { $0.word == "king" })
        #expect(throws: LatentTextError.unknownWord("prince")) { try kv.mostSimilar(positive: ["prince"]) }
        #expect(throws: LatentTextError.unknownWord("prince")) { try kv.similarity("king", "prince") }
    }

    @Test func badVectorFilesAreClearErrors() throws {
        let dir = try temporaryDirectory("badvec")
        defer { try? FileManager.default.removeItem(at: dir) }
        func expectError(_ bytes: [UInt8], _ name: String, contains: String) throws {
            let path = dir.path + "/" + name
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try KeyedVectors.read(path)
                Issue.record("\(name): expected an error")
            } catch let e as LatentIOError {
                #expect(e.description.hasPrefix(path), "\(e)")
                #expect(e.description.contains(contains), "\(e)")
                #expect(!e.description.contains("\n"))
            }
        }
        try expectError(Array("3 2\na 1 2\nb 3 4\n".utf8), "short.txt", contains: "header says 3 vectors but the file holds 2")
        try expectError(Array("1 2\na 1 2\nb 3 4\n".utf8), "long.txt", contains: "more rows than the 1")
        try expectError(Array("2 2\na 1 2\nb 3\n".utf8), "ragged.txt", contains: "line 3: 'b' has 1 values, the header says 2")
        try expectError(Array("2 2\na 1 2\nb 3 x\n".utf8), "nan.txt", contains: "'x' is not a number")
        try expectError(Array("two 2\na 1 2\n".utf8), "header.txt", contains: "header")
        try expectError(Array("2\n".utf8), "header2.txt", contains: "header")
        var bin = Array("2 2\na ".utf8) + [UInt8](repeating: 0, count: 8) + Array("\nb ".utf8) + [0, 0, 0]
        try expectError(bin, "trunc.bin", contains: "ends inside row 2")
        bin = Array("900000000 300\na ".utf8) + [UInt8](repeating: 0, count: 1200)
        try expectError(bin, "huge.bin", contains: "truncated")
    }

    /// Latent's files load in gensim (`KeyedVectors.load_word2vec_format`) and give the same
    /// neighbours. Runs only where python3 has gensim (CI installs it).
    @Test(.enabled(if: KeyedVectorsTests.gensimAvailable)) func gensimReadsLatentFiles() throws {
        let dir = try temporaryDirectory("gensim")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Word2VecConfig()
        config.vectorSize = 24
        config.epochs = 2
        config.threads = 1
        let model = try Word2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        try model.vectors.write(to: dir.path + "/v.bin", format: .binary)
        try model.vectors.write(to: dir.path + "/v.txt", format: .text)
        let ours = try model.vectors.mostSimilar(positive: ["government"], topN: 5).map(\.word)
        for (file, binary) in [("v.bin", "True"), ("v.txt", "False")] {
            let script = """
                from gensim.models import KeyedVectors
                kv = KeyedVectors.load_word2vec_format('\(dir.path)/\(file)', binary=\(binary))
                print(len(kv), kv.vector_size)
                print(' '.join(w for w, _ in kv.most_similar('government', topn=5)))
                """
            let out = try python(script)
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.first == "\(model.vectors.count) 24", "\(out)")
            #expect(lines.dropFirst().first == ours.joined(separator: " "), "\(out)")
        }
    }

    static let gensimAvailable: Bool = (try? python("import gensim")) != nil

    static func python(_ script: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: data, as: UTF8.self)
    }
    func python(_ script: String) throws -> String { try KeyedVectorsTests.python(script) }
}
