import Foundation
import LatentText
import Testing

/// Training sanity on the shipped Lee corpus, in the spirit of gensim's `model_sanity`: a small
/// corpus, a fixed seed, and assertions about which words end up close.
@Suite struct Word2VecTests {
    /// Pairs that share a topic in the Lee corpus, and pairs that do not.
    static let related = [("palestinian", "israeli"), ("taliban", "afghanistan"), ("laden", "qaeda")]
    static let unrelated = [("palestinian", "fire"), ("taliban", "company"), ("laden", "test")]

    static func train(_ architecture: Word2VecConfig.Architecture, hs: Bool) throws -> Word2Vec {
        var config = Word2VecConfig()
        config.architecture = architecture
        config.hierarchicalSoftmax = hs
        config.negative = hs ? 0 : 5
        config.vectorSize = 32
        config.epochs = 10
        config.threads = 1
        config.seed = 3
        // CBOW learns more slowly per epoch on a corpus this small; gensim's own CBOW tests use
        // 0.05 too (the C tool's CBOW default).
        if architecture == .cbow { config.alpha = 0.05 }
        return try Word2Vec.train(corpus: TestFiles.leeCorpus, config: config)
    }

    static func check(_ model: Word2Vec) throws {
        let kv = model.vectors
        let rel = try related.map { try kv.similarity($0.0, $0.1) }
        let unrel = try unrelated.map { try kv.similarity($0.0, $0.1) }
        for (r, u) in zip(rel, unrel) {
            let margin: Float = r - u
            #expect(margin > 0.1, "related \(rel) vs unrelated \(unrel)")
        }
        let meanRelated: Float = rel.reduce(0, +) / Float(rel.count)
        let meanUnrelated: Float = unrel.reduce(0, +) / Float(unrel.count)
        #expect(meanRelated > meanUnrelated + 0.2)
    }

    @Test func skipGramNegativeSamplingLearns() throws { try Word2VecTests.check(try Word2VecTests.train(.skipGram, hs: false)) }
    @Test func skipGramHierarchicalSoftmaxLearns() throws { try Word2VecTests.check(try Word2VecTests.train(.skipGram, hs: true)) }
    @Test func cbowNegativeSamplingLearns() throws { try Word2VecTests.check(try Word2VecTests.train(.cbow, hs: false)) }
    @Test func cbowHierarchicalSoftmaxLearns() throws { try Word2VecTests.check(try Word2VecTests.train(.cbow, hs: true)) }
}
