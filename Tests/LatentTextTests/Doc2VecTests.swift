import Foundation
import LatentIO
import LatentText
import Testing

/// doc2vec on the shipped Lee corpus with gensim's tutorial settings (vector_size 50, min_count 2,
/// epochs 40): the training documents, re-inferred, must find themselves among all 300.
@Suite struct Doc2VecTests {
    static func config(dm: Bool, hs: Bool = false, concat: Bool = false, epochs: Int = 40) -> Doc2VecConfig {
        var config = Doc2VecConfig()
        config.dm = dm
        config.dmConcat = concat
        config.hierarchicalSoftmax = hs
        config.negative = hs ? 0 : 5
        config.vectorSize = 50
        config.minCount = 2
        config.epochs = epochs
        config.threads = 2
        config.seed = 7
        return config
    }

    /// The share of training documents whose re-inferred vector is closest to their own vector.
    static func selfShare(_ config: Doc2VecConfig) throws -> (Double, Doc2Vec) {
        let model = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        let documents = try DocumentFile.read(TestFiles.leeCorpus, tokenizer: config.tokenizer)
        #expect(documents.count == 300 && model.documents.count == 300)
        let ranks = try model.selfRanks(documents)
        return (Double(ranks.filter { $0 == 0 }.count) / Double(ranks.count), model)
    }

    /// gensim's tutorial reports "greater than 95 %" for PV-DM; chance is 1/300.
    @Test func pvdbowFindsItself() throws {
        let (share, _) = try Doc2VecTests.selfShare(Doc2VecTests.config(dm: false))
        #expect(share >= 0.95, "PV-DBOW self-rank share \(share)")
    }

    @Test func pvdmFindsItself() throws {
        let (share, _) = try Doc2VecTests.selfShare(Doc2VecTests.config(dm: true))
        #expect(share >= 0.9, "PV-DM self-rank share \(share)")
    }

    @Test func hierarchicalSoftmaxAndConcatenationLearn() throws {
        let (hs, _) = try Doc2VecTests.selfShare(Doc2VecTests.config(dm: false, hs: true, epochs: 20))
        #expect(hs >= 0.8, "PV-DBOW hs self-rank share \(hs)")
        let (concat, _) = try Doc2VecTests.selfShare(Doc2VecTests.config(dm: true, concat: true, epochs: 20))
        #expect(concat >= 0.5, "PV-DM concat self-rank share \(concat)")
    }

    /// PV-DBOW with `dbowWords` trains word vectors too: topic words end up close.
    @Test func dbowWordsTrainsWordVectors() throws {
        var config = Doc2VecTests.config(dm: false, epochs: 20)
        config.dbowWords = true
        let model = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        let related = try model.words.similarity("palestinian", "israeli")
        let unrelated = try model.words.similarity("palestinian", "cricket")
        #expect(related > unrelated + 0.2, "related \(related), unrelated \(unrelated)")
    }

    /// A saved model infers the same vectors, and its document vectors go out in the word2vec
    /// formats and .npy.
    @Test func savedModelInfersTheSame() throws {
        let dir = try temporaryDirectory("doc2vec")
        defer { try? FileManager.default.removeItem(at: dir) }
        for concat in [false, true] {
            var config = Doc2VecTests.config(dm: true, concat: concat, epochs: 3)
            config.vectorSize = 12
            let model = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
            let path = dir.path + "/model.safetensors"
            try model.save(to: path)
            let loaded = try Doc2Vec.load(path: path)
            let text = "the bushfire spread towards the south of sydney"
            #expect(try loaded.inferVector(text: text) == model.inferVector(text: text))
            #expect(loaded.documents.vectors == model.documents.vectors && loaded.documents.words == model.documents.words)
            #expect(loaded.vocabulary.words == model.vocabulary.words && loaded.config == model.config)
        }
    }

    /// One thread and a seed give the same vectors on every run.
    @Test func oneThreadIsReproducible() throws {
        var config = Doc2VecTests.config(dm: true, epochs: 3)
        config.threads = 1
        config.vectorSize = 16
        let a = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        let b = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        #expect(a.documents.vectors == b.documents.vectors && a.words.vectors == b.words.vectors)
        config.seed += 1
        #expect(try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config).documents.vectors != a.documents.vectors)
    }

    @Test func inferenceIsSeededByTheWords() throws {
        var config = Doc2VecTests.config(dm: false, epochs: 5)
        config.vectorSize = 16
        let model = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        let a = try model.inferVector(text: "israeli troops in the west bank")
        #expect(try model.inferVector(text: "israeli troops in the west bank") == a)
        #expect(try model.inferVector(text: "australian cricket team") != a)
        #expect(throws: LatentTextError.self) { try model.inferVector(text: "") }
        #expect(throws: LatentTextError.self) { try model.inferVector(text: "qqqzz xxyyq") }
    }

    @Test func tagsFromTabsAreKept() throws {
        let dir = try temporaryDirectory("doc2vec-tags")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "alpha\tthe cat sat on the mat\nbeta\tthe dog sat on the log\nalpha\tthe cat ate\n"
        let path = try write(text, to: dir, name: "c.txt")
        var config = Doc2VecConfig()
        config.minCount = 1
        config.vectorSize = 8
        config.threads = 1
        let model = try Doc2Vec.train(corpus: path, config: config)
        #expect(model.documents.words == ["alpha", "beta"])
        #expect(model.report.documents == 3)
        let docs = try DocumentFile.read(path)
        #expect(docs.map(\.tag) == ["alpha", "beta", "alpha"] && docs[1].words == ["the", "dog", "sat", "on", "the", "log"])
    }

    /// Documents given as words train as a file does: two topics, separated.
    @Test func inMemoryDocumentsTrain() throws {
        let sports = ["the", "team", "won", "the", "match", "with", "a", "late", "goal", "from", "the", "striker"]
        let markets = ["shares", "fell", "as", "the", "bank", "raised", "interest", "rates", "and", "bond", "yields", "rose"]
        // Each document is its topic's words rotated by its index: the same words, other orders.
        let documents = (0..<40).map { i in
            let words = i % 2 == 0 ? sports : markets, k = i % words.count
            return TaggedDocument(words: Array(words[k...] + words[..<k]), tag: "\(i % 2 == 0 ? "s" : "m")\(i)")
        }
        var config = Doc2VecConfig()
        config.dm = false
        config.minCount = 1
        config.vectorSize = 16
        config.epochs = 40
        config.threads = 1
        let model = try Doc2Vec.train(documents: documents, config: config)
        #expect(model.documents.count == 40 && model.report.documents == 40)
        let v = try model.inferVector(["bank", "rates", "shares", "yields"])
        let top = try model.documents.mostSimilar(toVector: v, topN: 5)
        #expect(top.allSatisfy { $0.word.hasPrefix("m") }, "\(top)")
        #expect(throws: LatentTextError.self) { try Doc2Vec.train(documents: [documents[0]], config: config) }
    }

    /// Bad corpora: one line each, naming the file and line.
    @Test func badCorporaAreRefused() throws {
        let dir = try temporaryDirectory("doc2vec-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Doc2VecConfig()
        config.minCount = 1
        func message(_ text: String) throws -> String {
            let path = try write(text, to: dir, name: "bad.txt")
            do {
                _ = try Doc2Vec.train(corpus: path, config: config)
                return "trained"
            } catch {
                return "\(error)"
            }
        }
        #expect(try message("one two\n\nthree four\n").contains("line 2 is an empty document"))
        #expect(try message("just one document here\n").contains("at least 2 documents"))
        #expect(try message("a\tone two\nthree four\n").contains("line 2 has no tab"))
        #expect(try message("").contains("at least 2 documents"))
        config.alpha = .nan
        #expect(try message("one two\nthree four\n").contains("alpha"))
    }

    /// gensim's `KeyedVectors.load_word2vec_format` reads the document vectors, and its
    /// neighbours of a document are ours. Runs only where python3 has gensim.
    @Test(.enabled(if: KeyedVectorsTests.gensimAvailable)) func gensimReadsDocumentVectors() throws {
        let dir = try temporaryDirectory("doc2vec-gensim")
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = Doc2VecTests.config(dm: false, epochs: 10)
        config.vectorSize = 24
        let model = try Doc2Vec.train(corpus: TestFiles.leeCorpus, config: config)
        try model.documents.write(to: dir.path + "/d.bin", format: .binary)
        try model.documents.write(to: dir.path + "/d.txt", format: .text)
        let ours = try model.mostSimilar(tag: "7", topN: 5).map(\.word)
        for (file, binary) in [("d.bin", "True"), ("d.txt", "False")] {
            let out = try KeyedVectorsTests.python("""
                from gensim.models import KeyedVectors
                kv = KeyedVectors.load_word2vec_format('\(dir.path)/\(file)', binary=\(binary))
                print(len(kv), kv.vector_size)
                print(' '.join(w for w, _ in kv.most_similar('7', topn=5)))
                """)
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.first == "300 24", "\(out)")
            #expect(lines.dropFirst().first == ours.joined(separator: " "), "\(out)")
        }
    }
}
