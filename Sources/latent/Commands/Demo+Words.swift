import Foundation
import Latent

/// Word embeddings: skip-gram word2vec on the shipped news corpus, its neighbours and a picture.
struct WordsSection: DemoSection {
    let key = "words", title = "Word embeddings (word2vec)"

    static let queries = ["taliban", "palestinian", "fire", "cricket", "economy"]
    static let plotted = ["taliban", "afghanistan", "kabul", "pakistan", "palestinian", "israeli", "arafat", "gaza",
                          "fire", "firefighters", "bushfire", "sydney", "cricket", "test", "wickets", "economy", "company"]

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        let corpus = try EmbeddedData.textCorpus()
        var config = Word2VecConfig()
        config.vectorSize = context.quick ? 32 : 100
        config.epochs = context.quick ? 5 : 20
        config.seed = context.seed
        let model = try Word2Vec.train(corpus: corpus, config: config)
        let kv = model.vectors
        try kv.write(to: dir + "/vectors.bin", format: .binary)
        try kv.write(to: dir + "/vectors.txt", format: .text)
        let r = model.report
        context.progress.note("\(r.vocabularySize) words, \(Int(r.wordsPerSecond)) words/s, \(duration(r.trainingSeconds))")
        var rows: [[String]] = []
        var neighbours: [String: [String]] = [:]
        for q in WordsSection.queries where kv.contains(q) {
            let n = try kv.mostSimilar(positive: [q], topN: 6)
            neighbours[q] = n.map(\.word)
            rows.append([q, n.map { "\($0.word) (\(String(format: "%.2f", $0.similarity)))" }.joined(separator: ", ")])
        }
        let words = WordsSection.plotted.filter(kv.contains)
        let points = try kv.project2D(words)
        try AtomicFile.write(WordMap.png(points: points, words: words, title: "Word vectors, first two principal components"),
                             to: dir + "/words.png")
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("Skip-gram word2vec with negative sampling (\(config.vectorSize) dimensions, window \(config.window), \(config.epochs) epochs) on the Lee background corpus shipped in Data/text: 300 news articles, \(r.corpusWords) words, \(r.vocabularySize) of them seen at least \(config.minCount) times. Words that occur in the same contexts end up with similar vectors, with no labels at all."),
            .keyValues([("training", "\(duration(r.trainingSeconds)), \(Int(r.wordsPerSecond)) words/s on \(r.threads) threads"),
                        ("vectors", "\(key)/vectors.bin and vectors.txt (word2vec formats: gensim and the C tool read them)")]),
            .table(header: ["word", "nearest neighbours (cosine)"], rows: rows),
            .image(path: "\(key)/words.png", caption: "A 2-d PCA projection of a few word vectors: topics form clusters", width: nil),
        ])
        return (section, ["vocabulary": .value(Double(r.vocabularySize)), "words_per_second": .value(r.wordsPerSecond),
                          "training_seconds": .value(r.trainingSeconds),
                          "neighbours": .map(neighbours.mapValues { .list($0.map(Metric.text)) })])
    }
}
