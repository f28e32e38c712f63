import Foundation
@testable import LatentText
import Testing

@Suite struct GloVeTests {
    @Test func countsWeightedCooccurrencesAndSpills() throws {
        let dir = try temporaryDirectory("cooc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try write("a b c\nb a\n", to: dir, name: "c.txt")
        let v = try Vocabulary.build(corpus: path, minCount: 1)   // a, b, c
        let cells = try CooccurrenceCounter(vocabulary: v, window: 2, memoryLimit: 1 << 20).count(corpus: path)
        var x: [String: Float] = [:]
        for c in cells { x[v.words[Int(c.row)] + v.words[Int(c.column)]] = c.value }
        // a-b adjacent twice (1 + 1), a-c at distance 2 (1/2), b-c adjacent (1); lines do not mix.
        #expect(x == ["ab": 2, "ba": 2, "ac": 0.5, "ca": 0.5, "bc": 1, "cb": 1])
        // Spilled runs merge to the same cells.
        let big = try Vocabulary.build(corpus: TestFiles.leeCorpus, minCount: 1)
        let inMemory = try CooccurrenceCounter(vocabulary: big, window: 5, memoryLimit: 1 << 30).count(corpus: TestFiles.leeCorpus)
        let spilled = try CooccurrenceCounter(vocabulary: big, window: 5, memoryLimit: 1 << 20).count(corpus: TestFiles.leeCorpus)
        #expect(inMemory.count == spilled.count)
        #expect(zip(inMemory, spilled).allSatisfy { $0.key == $1.key && abs($0.value - $1.value) <= 1e-5 * $0.value })
    }

    @Test func learnsOnTheShippedCorpus() throws {
        var config = GloVeConfig()
        config.vectorSize = 32
        config.epochs = 20
        // A 60k-word corpus has few large counts: x_max 100 (the paper's, for billions of
        // words) would give almost every cell a tiny weight.
        config.xMax = 10
        config.threads = 1
        let model = try GloVe.train(corpus: TestFiles.leeCorpus, config: config)
        #expect(model.losses.last! < model.losses.first! * 0.7)
        let kv = model.vectors
        let related = try Word2VecTests.related.map { try kv.similarity($0.0, $0.1) }
        let unrelated = try Word2VecTests.unrelated.map { try kv.similarity($0.0, $0.1) }
        #expect(related.reduce(0, +) > unrelated.reduce(0, +) + 0.3, "related \(related) unrelated \(unrelated)")
    }
}
