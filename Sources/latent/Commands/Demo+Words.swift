import Foundation
import Latent

/// Word embeddings: skip-gram word2vec on the shipped news corpus, its neighbours and a picture,
/// made by the functions behind `latent words train`, `similar` and `plot`.
struct WordsSection: DemoSection {
    let key = "words", title = "Word embeddings (word2vec)"

    static let queries = ["taliban", "palestinian", "fire", "cricket", "economy"]
    static let plotted = ["taliban", "afghanistan", "kabul", "pakistan", "palestinian", "israeli", "arafat", "gaza",
                          "fire", "firefighters", "bushfire", "sydney", "cricket", "test", "wickets", "economy", "company"]

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let folder = try RunFolder(try context.folder(key), name: key)
        var settings = WordTrainingSettings(corpus: try EmbeddedData.textCorpus())
        settings.dimensions = context.quick ? 32 : 100
        settings.epochs = context.quick ? 5 : 20
        settings.seed = context.seed
        let trained = try WordEmbeddingExperiment.train(settings, in: folder)
        // The settings above choose skip-gram; this only names the case to read its report.
        guard case .word2vec(let model) = trained.model else {
            throw ExperimentError("\(settings.corpus): the words section shows word2vec, got \(settings.model.rawValue)")
        }
        let kv = trained.vectors, config = model.config, r = model.report
        context.progress.note("\(r.vocabularySize) words, \(Int(r.wordsPerSecond)) words/s, \(duration(r.trainingSeconds))")
        var rows: [[String]] = []
        var neighbours: [String: Metric] = [:]
        for q in WordsSection.queries where kv.contains(q) {
            let n = try WordQueries.similar(kv, to: [q], top: 6)
            neighbours[q] = .list(n.map { .text($0.word) })
            rows.append([q, n.map { "\($0.word) (\(String(format: "%.2f", $0.similarity)))" }.joined(separator: ", ")])
        }
        _ = try WordQueries.plot(kv, words: WordsSection.plotted.filter(kv.contains),
                                 title: "Word vectors, first two principal components", to: folder.file("words.png"))
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("Skip-gram word2vec with negative sampling (\(config.vectorSize) dimensions, window \(config.window), \(config.epochs) epochs) on the Lee background corpus shipped in Data/text: 300 news articles, \(r.corpusWords) words, \(r.vocabularySize) of them seen at least \(config.minCount) times. Words that occur in the same contexts end up with similar vectors, with no labels at all."),
            .keyValues([("training", "\(duration(r.trainingSeconds)), \(Int(r.wordsPerSecond)) words/s on \(r.threads) thread\(r.threads == 1 ? "" : "s")"),
                        ("vectors", "\(key)/vectors.bin and vectors.txt (word2vec formats: gensim and the C tool read them)")]),
            .table(header: ["word", "nearest neighbours (cosine)"], rows: rows),
            .image(path: "\(key)/words.png", caption: "A 2-d PCA projection of a few word vectors: topics form clusters", width: nil),
        ])
        let figures: [String: Metric] = ["vocabulary": .number(Double(r.vocabularySize)), "words_per_second": .number(r.wordsPerSecond),
                                         "training_seconds": .number(r.trainingSeconds), "neighbours": .map(neighbours)]
        return (section, figures)
    }
}
