import Foundation
import LatentIO
import LatentText

/// The figures of `latent words evaluate` (its `--json` file).
public struct WordEvaluationResults: Codable, Sendable {
    /// Analogy accuracy overall, for the semantic and the syntactic ("gram…") sections, and per
    /// section.
    public struct Analogies: Codable, Sendable {
        /// Share of the questions answered correctly.
        public var accuracy: Double
        /// The same over the semantic sections.
        public var semantic: Double
        /// The same over the syntactic ("gram…") sections.
        public var syntactic: Double
        /// Questions asked (all four words known).
        public var questions: Int
        /// Questions skipped for a word outside the searched vocabulary.
        public var skipped: Int
        /// Correct and asked, per section.
        public var sections: [AnalogyEvaluation.Section]

        init(_ e: AnalogyEvaluation) {
            accuracy = e.accuracy
            semantic = e.semanticAccuracy
            syntactic = e.syntacticAccuracy
            questions = e.total
            skipped = e.skipped
            sections = e.sections
        }
    }

    /// The vectors file.
    public var vectors: String
    /// Its vocabulary size.
    public var words: Int
    /// Correlation with human similarity scores, if asked for.
    public var similarity: WordPairEvaluation?
    /// Analogy accuracy, if asked for.
    public var analogies: Analogies?
}

/// What `latent words evaluate` found, as tables for people.
public struct WordEvaluationReport: Sendable {
    /// The figures (also written to the JSON file, if one was named).
    public let results: WordEvaluationResults
    /// One two-column table per evaluation: word-pair similarity first, then analogies.
    public let tables: [[(String, String)]]
}

/// Where `latent words plot` placed the words.
public struct WordPlotReport: Sendable {
    /// The words placed, lowercased.
    public let words: [String]
    /// Their places, in the order of `words`.
    public let points: [(x: Double, y: Double)]
    /// The PNG written.
    public let path: String

    /// Each word's coordinates, then the picture's path.
    public var summary: [(String, String)] {
        zip(words, points).map { ($0, String(format: "%8.3f %8.3f", $1.x, $1.y)) } + [("picture", path)]
    }
}

/// The queries people run on trained word vectors: neighbours, analogies, evaluations against
/// human judgements, pictures. Words are lowercased first, as the tokenizer did when training.
public enum WordQueries {
    /// The `top` words closest to the mean of `query`'s vectors; a word written `-word` is
    /// subtracted instead (cosine similarity, gensim's `most_similar`).
    public static func similar(_ vectors: KeyedVectors, to query: [String], top: Int) throws -> [KeyedVectors.Neighbor] {
        let positive = query.filter { !$0.hasPrefix("-") }.map { $0.lowercased() }
        let negative = query.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()).lowercased() }
        return try vectors.mostSimilar(positive: positive, negative: negative, topN: top)
    }

    /// `similar` on the vectors in the word2vec file at `path`.
    public static func similar(vectorsAt path: String, to query: [String], top: Int) throws -> [KeyedVectors.Neighbor] {
        try similar(KeyedVectors.read(path), to: query, top: top)
    }

    /// The best `top` answers to "`a` is to `b` as `c` is to ?" with the vectors in `path`,
    /// searching the `restrict` most frequent words (nil: all).
    public static func analogy(vectorsAt path: String, _ a: String, _ b: String, _ c: String,
                               method: KeyedVectors.AnalogyMethod = .add, top: Int = 5,
                               restrict: Int? = nil) throws -> [KeyedVectors.Neighbor] {
        try KeyedVectors.read(path).analogy(a.lowercased(), b.lowercased(), c.lowercased(), method: method, topN: top,
                                            restrictVocab: restrict)
    }

    /// Word-pair similarity (Spearman ρ against the human scores in `similarity`) and analogy
    /// accuracy per section (the questions in `analogies`, answered among the `restrict` most
    /// frequent words) of the vectors in `path`; with `json`, the figures are also written there.
    public static func evaluate(vectorsAt path: String, analogies: String?, similarity: String?, restrict: Int = 30_000,
                                method: KeyedVectors.AnalogyMethod = .add, json: String? = nil) throws -> WordEvaluationReport {
        let kv = try KeyedVectors.read(path)
        var results = WordEvaluationResults(vectors: path, words: kv.count)
        var tables: [[(String, String)]] = []
        if let similarity {
            let e = try kv.evaluateWordPairs(similarity)
            results.similarity = e
            tables.append([("word pairs", "\(e.pairs) scored, \(e.skipped) skipped (out of vocabulary)"),
                           ("Spearman ρ", String(format: "%.4f", e.spearman)),
                           ("Pearson r", String(format: "%.4f", e.pearson))])
        }
        if let analogies {
            let e = try kv.evaluateAnalogies(analogies, restrictVocab: restrict, method: method)
            results.analogies = .init(e)
            var rows = e.sections.map { ($0.name, String(format: "%6.2f %%  (%d/%d)", $0.accuracy * 100, $0.correct, $0.total)) }
            rows.append(("total (\(method.rawValue))", String(format: "%6.2f %%  (%d/%d; %d skipped, top %d words)",
                                                              e.accuracy * 100, e.correct, e.total, e.skipped, restrict)))
            tables.append(rows)
        }
        if let json { try MetricsFile.write(results, to: json) }
        return WordEvaluationReport(results: results, tables: tables)
    }

    /// A labelled picture of `words` placed by a 2-d PCA of their vectors, written as PNG to `path`.
    public static func plot(_ vectors: KeyedVectors, words: [String], title: String? = nil,
                            to path: String) throws -> WordPlotReport {
        let words = words.map { $0.lowercased() }
        let points = try vectors.project2D(words)
        try WordMap.plot(points: points, words: words, title: title ?? "PCA of \(words.count) word vectors")
            .writePNGAndSVG(to: URL(fileURLWithPath: path))
        return WordPlotReport(words: words, points: points, path: path)
    }

    /// `plot` of the vectors in the word2vec file at `vectors`.
    public static func plot(vectorsAt vectors: String, words: [String], title: String? = nil,
                            to path: String) throws -> WordPlotReport {
        try plot(KeyedVectors.read(vectors), words: words, title: title, to: path)
    }

    /// Neighbours as a two-column table: word, and similarity with four decimals.
    public static func table(_ neighbours: [KeyedVectors.Neighbor]) -> [(String, String)] {
        neighbours.map { ($0.word, String(format: "%.4f", $0.similarity)) }
    }
}
