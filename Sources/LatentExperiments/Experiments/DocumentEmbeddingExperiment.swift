import Foundation
import LatentIO
import LatentTensor
import LatentText

/// Everything that defines a doc2vec run; names and defaults follow gensim's `Doc2Vec`.
public struct DocumentTrainingSettings: Codable, Sendable, Equatable {
    /// The text file to learn from: one document per line, or `tag<TAB>text`.
    public var corpus: String
    /// Where the tags are (default: tabs if the first line has one, else the line index).
    public var tags = DocumentTags.auto
    /// PV-DM (true) or PV-DBOW (false).
    public var dm = true
    /// PV-DM: average the context (true) or sum it.
    public var dmMean = true
    /// PV-DM: concatenate the context instead.
    public var dmConcat = false
    /// PV-DBOW: train word vectors by skip-gram too.
    public var dbowWords = false
    /// Vector dimensions.
    public var dimensions = 100
    /// Context window.
    public var window = 5
    /// Ignore words rarer than this.
    public var minCount = 5
    /// Keep only this many of the most frequent words.
    public var maxVocab: Int?
    /// Frequent-word subsampling threshold (0 turns it off).
    public var sample = 1e-3
    /// Noise words per example for negative sampling.
    public var negative = 5
    /// Hierarchical softmax instead of negative sampling.
    public var hierarchicalSoftmax = false
    /// Initial learning rate.
    public var alpha: Float = 0.025
    /// Final learning rate.
    public var minAlpha: Float = 0.0001
    /// Passes over the corpus.
    public var epochs = 10
    /// Drop common English stop words while tokenizing.
    public var stopWords = false
    /// Re-infer the first this many training documents and count those that find themselves
    /// first (gensim's tutorial check); 0 skips it.
    public var selfCheck = 1000
    /// Seed of the initial vectors and every random choice.
    public var seed: UInt64 = 1

    /// gensim's defaults on `corpus`.
    public init(corpus: String) { self.corpus = corpus }

    /// The doc2vec configuration these settings describe (on every thread `Threads` allows).
    public var doc2vec: Doc2VecConfig {
        var c = Doc2VecConfig()
        c.dm = dm
        c.dmMean = dmMean
        c.dmConcat = dmConcat
        c.dbowWords = dbowWords
        c.vectorSize = dimensions
        c.window = window
        c.minCount = minCount
        c.maxVocab = maxVocab
        c.sample = sample
        c.hierarchicalSoftmax = hierarchicalSoftmax
        c.negative = hierarchicalSoftmax ? 0 : negative
        c.alpha = alpha
        c.minAlpha = minAlpha
        c.epochs = epochs
        c.threads = Threads.count
        c.seed = seed
        c.tokenizer = Tokenizer(stopWords: stopWords ? Tokenizer.englishStopWords : [])
        return c
    }
}

/// gensim's tutorial check on the training documents: how many, re-inferred, find themselves.
public struct DocumentSelfCheck: Codable, Sendable {
    /// Documents checked.
    public var documents: Int
    /// Documents skipped: none of their words is in the vocabulary.
    public var skipped: Int
    /// Share whose own vector is the most similar to the re-inferred one.
    public var first: Double
    /// Share whose own vector is among the two most similar.
    public var topTwo: Double
    /// Seconds taken by the inference.
    public var seconds: Double

    enum CodingKeys: String, CodingKey { case documents, skipped, first = "self_rank_first", topTwo = "self_rank_top2", seconds }

    /// Re-infers the first `limit` documents of `settings.corpus` with `model` and ranks them.
    public static func run(_ model: Doc2Vec, corpus: String, tags: DocumentTags, limit: Int) throws -> DocumentSelfCheck {
        let clock = ContinuousClock()
        let start = clock.now
        let all = Array(try DocumentFile.read(corpus, tags: tags, tokenizer: model.config.tokenizer).prefix(limit))
        // A document none of whose words made the vocabulary has nothing to infer from.
        let documents = all.filter { $0.words.contains { model.vocabulary.id($0) != nil } }
        let ranks = try model.selfRanks(documents)
        let n = Double(max(1, ranks.count))
        let elapsed = clock.now - start
        return DocumentSelfCheck(documents: ranks.count, skipped: all.count - documents.count,
                                 first: Double(ranks.filter { $0 == 0 }.count) / n,
                                 topTwo: Double(ranks.filter { $0 <= 1 }.count) / n,
                                 seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}

/// The `metrics.json` of `latent docs train`.
struct DocumentTrainingMetrics: Encodable {
    let command = "docs train"
    let corpus: String
    let settings: Doc2VecConfig
    let report: Doc2VecReport
    let documentsPerSecond: Double
    let selfCheck: DocumentSelfCheck?

    enum CodingKeys: String, CodingKey {
        case command, corpus, settings, report, documentsPerSecond = "documents_per_second", selfCheck = "self_check"
    }
}

/// What a doc2vec run leaves behind.
public struct DocumentTrainingReport: Sendable {
    /// Where the files went.
    public let folder: RunFolder
    /// What was asked for.
    public let settings: DocumentTrainingSettings
    /// The trained model.
    public let model: Doc2Vec
    /// The self-similarity check, unless skipped.
    public let selfCheck: DocumentSelfCheck?

    /// The summary people read.
    public var summary: [(String, String)] {
        let c = model.config, r = model.report
        var rows = [("model", "doc2vec \(c.name), \(c.vectorSize) dimensions, window \(c.window)"),
                    ("corpus", "\(r.documents) documents, \(r.tags) tags, \(r.corpusWords) tokens"),
                    ("vocabulary", "\(r.vocabularySize) words (min count \(c.minCount))"),
                    ("training", "\(c.epochs) epochs, \(r.threads) thread\(r.threads == 1 ? "" : "s"), \(formatDuration(r.trainingSeconds)), \(Int(r.documentsPerSecond)) documents/s")]
        if let s = selfCheck {
            rows.append(("self-check", String(format: "%.1f %% of %d re-inferred documents rank themselves first (%.1f %% in the top 2)",
                                                  s.first * 100, s.documents, s.topTwo * 100)
                                       + (s.skipped > 0 ? "; \(s.skipped) skipped, no word in the vocabulary" : "")))
        }
        return rows + [("output", "\(folder.path)/model.safetensors, documents.bin, documents.txt, documents.npy, words.bin, metrics.json")]
    }
}

/// Training document vectors (doc2vec) on a text file: `latent docs train` and the demo.
public enum DocumentEmbeddingExperiment {
    /// Trains the model `settings` describe, runs the self-check, then (only once both succeeded)
    /// makes the folder `out` (nil: `runs/docs-<time>`) and writes `model.safetensors` (what
    /// `latent docs infer` and `similar` need), the document vectors as `documents.bin`,
    /// `documents.txt` (word2vec formats, keyed by tag) and `documents.npy` (rows in tag order),
    /// the word vectors as `words.bin`, and `metrics.json`.
    public static func train(_ settings: DocumentTrainingSettings, out: String?,
                             onProgress: @escaping @Sendable (Doc2VecProgress) -> Void = { _ in }) throws -> DocumentTrainingReport {
        guard settings.selfCheck >= 0 else { throw ExperimentError("self-check must be ≥ 0, got \(settings.selfCheck)") }
        let model = try Doc2Vec.train(corpus: settings.corpus, tags: settings.tags, config: settings.doc2vec, onProgress: onProgress)
        let check = settings.selfCheck > 0
            ? try DocumentSelfCheck.run(model, corpus: settings.corpus, tags: settings.tags, limit: settings.selfCheck) : nil
        let folder = try RunFolder(out, name: "docs")
        try model.save(to: folder.modelPath)
        try model.documents.write(to: folder.file("documents.bin"), format: .binary)
        try model.documents.write(to: folder.file("documents.txt"), format: .text)
        try NPY.write(model.documents.tensor, to: folder.file("documents.npy"))
        try model.words.write(to: folder.file("words.bin"), format: .binary)
        try MetricsFile.write(DocumentTrainingMetrics(corpus: settings.corpus, settings: model.config, report: model.report,
                                                      documentsPerSecond: model.report.documentsPerSecond, selfCheck: check),
                              to: folder.file("metrics.json"))
        return DocumentTrainingReport(folder: folder, settings: settings, model: model, selfCheck: check)
    }
}

/// The queries run on a saved doc2vec model: inferring vectors and finding similar documents.
public enum DocumentQueries {
    /// Inference settings: nil keeps the model's (gensim's `infer_vector` arguments).
    public struct Inference: Sendable {
        /// Passes over each document.
        public var epochs: Int?
        /// Initial learning rate.
        public var alpha: Float?
        /// Final learning rate.
        public var minAlpha: Float?
        /// The model's settings.
        public init(epochs: Int? = nil, alpha: Float? = nil, minAlpha: Float? = nil) {
            self.epochs = epochs
            self.alpha = alpha
            self.minAlpha = minAlpha
        }
    }

    /// An inferred vector and the tags nearest to it.
    public struct Inferred: Sendable {
        /// The document (its first words) as given.
        public var document: String
        /// The inferred vector.
        public var vector: [Float]
        /// The closest training documents.
        public var neighbors: [KeyedVectors.Neighbor]
    }

    /// Infers a vector for each of `texts` with the model at `modelPath` and finds its `top`
    /// nearest tags; with `out`, writes the vectors as a `[texts, vector_size]` .npy (only once
    /// every text succeeded).
    public static func infer(modelAt modelPath: String, texts: [String], settings: Inference = Inference(), top: Int,
                             out: String?) throws -> [Inferred] {
        guard !texts.isEmpty else { throw ExperimentError("no document to infer a vector for") }
        let model = try Doc2Vec.load(path: modelPath)
        var results: [Inferred] = []
        for (i, text) in texts.enumerated() {
            let vector: [Float]
            do {
                vector = try model.inferVector(text: text, epochs: settings.epochs, alpha: settings.alpha, minAlpha: settings.minAlpha)
            } catch {
                throw ExperimentError("document \(i + 1) ('\(text.prefix(40))'): \(error)")
            }
            results.append(Inferred(document: text, vector: vector, neighbors: try model.documents.mostSimilar(toVector: vector, topN: top)))
        }
        if let out {
            try NPY.write(Tensor(shape: [results.count, model.config.vectorSize], scalars: results.flatMap(\.vector)), to: out)
        }
        return results
    }

    /// The lines of `path` as documents to infer (a tag before a tab is dropped; blank lines are
    /// skipped).
    public static func documents(inFile path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError("\(path): cannot read the file")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let text = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init) ?? ""
            return text.allSatisfy(\.isWhitespace) ? nil : text
        }
    }

    /// The `top` tags closest to the tag `tag`, or to the inferred vector of `text`.
    public static func similar(modelAt modelPath: String, tag: String?, text: String?, top: Int) throws -> [KeyedVectors.Neighbor] {
        let model = try Doc2Vec.load(path: modelPath)
        if let tag {
            guard model.documents.contains(tag) else {
                throw ExperimentError("\(modelPath): no document tagged '\(tag)' (tags run \(model.documents.words.first ?? "")…\(model.documents.words.last ?? ""))")
            }
            return try model.mostSimilar(tag: tag, topN: top)
        }
        return try model.mostSimilar(text: text ?? "", topN: top)
    }

    /// Neighbours as table rows: tag and cosine.
    public static func table(_ neighbors: [KeyedVectors.Neighbor]) -> [(String, String)] {
        neighbors.map { ($0.word, String(format: "%.4f", $0.similarity)) }
    }
}
