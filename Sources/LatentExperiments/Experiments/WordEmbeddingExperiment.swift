import Foundation
import LatentIO
import LatentTensor
import LatentText

/// Which model `latent words train` fits.
public enum WordModel: String, Codable, Sendable, CaseIterable {
    /// word2vec skip-gram: each word predicts its context.
    case sg
    /// word2vec CBOW: the context predicts the word.
    case cbow
    /// GloVe: a weighted fit of the log co-occurrence counts.
    case glove
}

/// Everything that defines a word-vector run. Names follow gensim's parameters, and so do the
/// defaults (GloVe's window and epochs differ: nil picks each model's own).
public struct WordTrainingSettings: Codable, Sendable, Equatable {
    /// The text file to learn from.
    public var corpus: String
    /// The model fitted.
    public var model = WordModel.sg
    /// Noise words per example for negative sampling (word2vec).
    public var negative = 5
    /// Hierarchical softmax instead of negative sampling (word2vec).
    public var hierarchicalSoftmax = false
    /// Vector dimensions.
    public var dimensions = 100
    /// Context window (nil: 5, GloVe 10).
    public var window: Int?
    /// Ignore words rarer than this.
    public var minCount = 5
    /// Keep only this many of the most frequent words.
    public var maxVocab: Int?
    /// Frequent-word subsampling threshold (word2vec; 0 turns it off).
    public var sample = 1e-3
    /// Passes over the corpus (nil: 5, GloVe 15).
    public var epochs: Int?
    /// Initial learning rate (nil: 0.025, GloVe 0.05).
    public var alpha: Float?
    /// GloVe's weighting cut-off.
    public var xMax: Float = 100
    /// Drop common English stop words while tokenizing.
    public var stopWords = false
    /// Seed of the initial vectors and every random choice of training.
    public var seed: UInt64 = 1

    /// gensim's defaults on `corpus`.
    public init(corpus: String) { self.corpus = corpus }

    private var tokenizer: Tokenizer { Tokenizer(stopWords: stopWords ? Tokenizer.englishStopWords : []) }

    /// The word2vec configuration these settings describe (on every thread `Threads` allows).
    public var word2vec: Word2VecConfig {
        var config = Word2VecConfig()
        config.architecture = model == .cbow ? .cbow : .skipGram
        config.hierarchicalSoftmax = hierarchicalSoftmax
        config.negative = hierarchicalSoftmax ? 0 : negative
        config.vectorSize = dimensions
        config.window = window ?? 5
        config.minCount = minCount
        config.maxVocab = maxVocab
        config.sample = sample
        config.epochs = epochs ?? 5
        if let alpha { config.alpha = alpha }
        config.threads = Threads.count
        config.seed = seed
        config.tokenizer = tokenizer
        return config
    }

    /// The GloVe configuration these settings describe (on every thread `Threads` allows).
    public var glove: GloVeConfig {
        var config = GloVeConfig()
        config.vectorSize = dimensions
        config.window = window ?? 10
        config.minCount = minCount
        config.maxVocab = maxVocab
        config.epochs = epochs ?? 15
        if let alpha { config.learningRate = alpha }
        config.xMax = xMax
        config.threads = Threads.count
        config.seed = seed
        config.tokenizer = tokenizer
        return config
    }
}

/// How far word-vector training has come; may be reported from worker threads.
public enum WordTrainingProgress: Sendable {
    /// word2vec, during an epoch and at its end.
    case word2vec(Word2VecProgress)
    /// GloVe, at the end of an epoch.
    case glove(epoch: Int, epochs: Int, loss: Double)
}

/// A trained word model.
public enum TrainedWordModel: Sendable {
    /// Skip-gram or CBOW.
    case word2vec(Word2Vec)
    /// GloVe.
    case glove(GloVe)

    /// The word vectors.
    public var vectors: KeyedVectors {
        switch self {
        case .word2vec(let m): m.vectors
        case .glove(let m): m.vectors
        }
    }
}

/// The figures of a word-vector run beside its settings in `metrics.json`: word2vec's report and
/// speed, or GloVe's losses per epoch and co-occurrence count.
public struct WordTrainingResults: Codable, Sendable {
    /// word2vec: vocabulary, words seen, threads and times.
    public var report: Word2VecReport?
    /// word2vec: training speed in words (after subsampling) per second.
    public var wordsPerSecond: Double?
    /// GloVe: the weighted least-squares loss after each epoch.
    public var losses: [Double]?
    /// GloVe: non-zero cells of the co-occurrence matrix.
    public var cells: Int?

    enum CodingKeys: String, CodingKey {
        case report, wordsPerSecond = "words_per_second", losses, cells
    }

    init(_ model: TrainedWordModel) {
        switch model {
        case .word2vec(let m):
            report = m.report
            wordsPerSecond = m.report.wordsPerSecond
        case .glove(let m):
            losses = m.losses
            cells = m.cells
        }
    }
}

/// The `metrics.json` of `latent words train`: the command, corpus and model, the model's full
/// configuration as `settings`, and the results beside them.
struct WordTrainingMetrics: Encodable {
    let corpus: String
    let model: WordModel
    let trained: TrainedWordModel
    let results: WordTrainingResults

    private enum CodingKeys: String, CodingKey { case command, corpus, model, settings }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("words train", forKey: .command)
        try container.encode(corpus, forKey: .corpus)
        try container.encode(model, forKey: .model)
        switch trained {
        case .word2vec(let m): try container.encode(m.config, forKey: .settings)
        case .glove(let m): try container.encode(m.config, forKey: .settings)
        }
        try results.encode(to: encoder)
    }
}

/// What a word-vector run leaves behind.
public struct WordTrainingReport: Sendable {
    /// Where the files went.
    public let folder: RunFolder
    /// What was asked for.
    public let settings: WordTrainingSettings
    /// The trained model, with its own configuration and report.
    public let model: TrainedWordModel
    /// The figures written to `metrics.json`.
    public let results: WordTrainingResults

    /// The word vectors.
    public var vectors: KeyedVectors { model.vectors }

    /// The summary people read.
    public var summary: [(String, String)] {
        let rows: [(String, String)]
        switch model {
        case .word2vec(let m):
            let c = m.config, r = m.report
            let kind = c.architecture == .skipGram ? "skip-gram" : "CBOW"
            let objective = c.hierarchicalSoftmax ? "hierarchical softmax" : "negative \(c.negative)"
            rows = [("model", "word2vec \(kind), \(objective), \(c.vectorSize) dimensions, window \(c.window)"),
                    ("vocabulary", "\(r.vocabularySize) words (min count \(c.minCount)) of \(r.corpusWords) tokens"),
                    ("trained on", "\(r.effectiveWords) words after subsampling, \(c.epochs) epochs, \(r.threads) thread\(r.threads == 1 ? "" : "s")"),
                    ("speed", "\(Int(r.wordsPerSecond)) words/s"),
                    ("time", "\(formatDuration(r.vocabularySeconds)) vocabulary + \(formatDuration(r.trainingSeconds)) training")]
        case .glove(let m):
            let c = m.config
            rows = [("model", "GloVe, \(c.vectorSize) dimensions, window \(c.window), x_max \(c.xMax)"),
                    ("vocabulary", "\(m.vocabulary.count) words (min count \(c.minCount)) of \(m.vocabulary.corpusWords) tokens"),
                    ("co-occurrences", "\(m.cells) non-zero cells"),
                    ("final loss", formatFigure(m.losses.last ?? .nan)),
                    ("time", "\(formatDuration(m.countingSeconds)) counting + \(formatDuration(m.trainingSeconds)) training")]
        }
        return rows + [("output", "\(folder.path)/vectors.bin, vectors.txt, metrics.json")]
    }
}

/// Training word vectors (word2vec or GloVe) on a text file: `latent words train` and the demo.
public enum WordEmbeddingExperiment {
    /// Trains the model `settings` describe and writes `vectors.bin`, `vectors.txt` (the word2vec
    /// formats gensim and the C tool read) and `metrics.json` into `folder`.
    public static func train(_ settings: WordTrainingSettings, in folder: RunFolder,
                             onProgress: @escaping @Sendable (WordTrainingProgress) -> Void = { _ in }) throws -> WordTrainingReport {
        let model: TrainedWordModel
        switch settings.model {
        case .sg, .cbow:
            model = .word2vec(try Word2Vec.train(corpus: settings.corpus, config: settings.word2vec) { onProgress(.word2vec($0)) })
        case .glove:
            let config = settings.glove
            model = .glove(try GloVe.train(corpus: settings.corpus, config: config) { epoch, loss in
                onProgress(.glove(epoch: epoch, epochs: config.epochs, loss: loss))
            })
        }
        try model.vectors.write(to: folder.file("vectors.bin"), format: .binary)
        try model.vectors.write(to: folder.file("vectors.txt"), format: .text)
        let results = WordTrainingResults(model)
        try MetricsFile.write(WordTrainingMetrics(corpus: settings.corpus, model: settings.model, trained: model, results: results),
                              to: folder.file("metrics.json"))
        return WordTrainingReport(folder: folder, settings: settings, model: model, results: results)
    }
}
