import LatentIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sparse vector: the non-zero entries of a document's row, indices ascending.
public struct SparseVector: Sendable, Equatable {
    /// Feature (word) ids, ascending.
    public var indices: [Int32]
    /// The values at `indices`.
    public var values: [Float]

    /// A vector from its non-zero entries.
    public init(indices: [Int32], values: [Float]) {
        self.indices = indices
        self.values = values
    }
}

/// Documents as bags of words: counts, presence, or TF-IDF weights over a fixed vocabulary.
///
/// The lectures' baseline before embeddings: each document is a vector with one coordinate per
/// vocabulary word and order is forgotten. TF-IDF scales a term's count by
/// `idf = ln((1 + N) / (1 + df)) + 1` (N documents, df of them containing the term; scikit-learn's
/// smoothed form) and scales each document to unit length.
///
/// ```swift
/// let bow = BagOfWords(documents: docs, minCount: 2, weighting: .tfidf)
/// let x = docs.map(bow.vector)          // [SparseVector]
/// ```
public struct BagOfWords: Sendable {
    /// What each coordinate holds.
    public enum Weighting: String, Sendable, Codable, CaseIterable {
        /// How often the word occurs.
        case counts
        /// 1 when the word occurs.
        case binary
        /// Count × idf, each document scaled to unit length.
        case tfidf
    }

    /// The features.
    public let vocabulary: Vocabulary
    /// The weighting.
    public let weighting: Weighting
    /// Inverse document frequency per feature (1 for `counts` and `binary`).
    public let idf: [Float]

    /// Fits the vocabulary (words in at least `minCount` documents' worth of occurrences, at most
    /// `maxVocab`) and the idf weights on `documents`.
    public init(documents: [[String]], minCount: Int = 1, maxVocab: Int? = nil, weighting: Weighting = .tfidf) {
        var counts: [String: Int] = [:], documentFrequency: [String: Int] = [:]
        var order: [String] = []
        for doc in documents {
            for w in doc {
                if counts[w] == nil { order.append(w) }
                counts[w, default: 0] += 1
            }
            for w in Set(doc) { documentFrequency[w, default: 0] += 1 }
        }
        var kept = order.filter { counts[$0]! >= minCount }
        kept.sort { counts[$0]! > counts[$1]! }   // stable: first appearance breaks ties
        if let m = maxVocab, kept.count > m { kept.removeLast(kept.count - m) }
        vocabulary = Vocabulary(words: kept, counts: kept.map { counts[$0]! })
        self.weighting = weighting
        let n = Float(documents.count)
        if weighting == .tfidf {
            idf = kept.map { w -> Float in
                let df = Float(documentFrequency[w] ?? 0)
                return log((1 + n) / (1 + df)) + 1
            }
        } else {
            idf = [Float](repeating: 1, count: kept.count)
        }
    }

    /// Number of features.
    public var count: Int { vocabulary.count }

    /// The vector of a tokenized document; words outside the vocabulary are ignored.
    public func vector(_ tokens: [String]) -> SparseVector {
        var counts: [Int32: Float] = [:]
        for t in tokens { if let i = vocabulary.id(t) { counts[Int32(i), default: 0] += 1 } }
        let indices = counts.keys.sorted()
        var values = indices.map { i -> Float in
            switch weighting {
            case .counts: return counts[i]!
            case .binary: return 1
            case .tfidf: return counts[i]! * idf[Int(i)]
            }
        }
        if weighting == .tfidf {
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { values = values.map { $0 / norm } }
        }
        return SparseVector(indices: indices, values: values)
    }
}

/// A labelled text corpus: one document per line, `label<TAB>text`.
public struct LabeledCorpus: Sendable {
    /// Class names in order of first appearance; `targets` index into it.
    public var classes: [String]
    /// Each document's tokens.
    public var documents: [[String]]
    /// Each document's class index.
    public var targets: [Int]

    /// Reads `label<TAB>text` lines (blank lines are skipped).
    ///
    /// - Throws: `LatentIOError` naming the file and line when a line has no tab or no label;
    ///   `LatentTextError.emptyCorpus` when there is no document.
    public static func read(_ path: String, tokenizer: Tokenizer = Tokenizer(), classes known: [String]? = nil) throws -> LabeledCorpus {
        let text = String(decoding: try TextFile(path).readAll(), as: UTF8.self)
        var corpus = LabeledCorpus(classes: known ?? [], documents: [], targets: [])
        var index = Dictionary(uniqueKeysWithValues: corpus.classes.enumerated().map { ($1, $0) })
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\r" || $0 == "\t" }) { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw LatentIOError.corrupt(path, "line \(n + 1): expected 'label<TAB>text'")
            }
            let label = line[..<tab].trimmingCharacters(in: " \r")
            guard !label.isEmpty else { throw LatentIOError.corrupt(path, "line \(n + 1): empty label") }
            if index[label] == nil {
                guard known == nil else { throw LatentIOError.invalidValue(path, "line \(n + 1): unknown label '\(label)'") }
                index[label] = corpus.classes.count
                corpus.classes.append(label)
            }
            corpus.targets.append(index[label]!)
            corpus.documents.append(tokenizer.tokens(String(line[line.index(after: tab)...])))
        }
        guard !corpus.documents.isEmpty else { throw LatentTextError.emptyCorpus(path) }
        return corpus
    }
}
