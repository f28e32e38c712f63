import Foundation
import LatentIO
import LatentTensor

/// Reading a document file into words, for inference and the self-similarity check.
public enum DocumentFile {
    /// The documents of the file at `path` (one per line, tagged as `tags` says), split by
    /// `tokenizer` as training splits them.
    ///
    /// - Throws: as `Doc2Vec.train(corpus:)` for the file's layout: a line without words, a
    ///   tagged line without a tab, fewer than two documents.
    public static func read(_ path: String, tags: DocumentTags = .auto, tokenizer: Tokenizer = Tokenizer()) throws -> [TaggedDocument] {
        var documents: [TaggedDocument] = []
        var words: [String] = []
        try DocumentCorpus.forEachDocument(path: path, tags: tags, tokenizer: tokenizer) { _, token in
            words.append(String(decoding: token, as: UTF8.self))
        } documentEnd: { tag in
            documents.append(TaggedDocument(words: words, tag: tag))
            words.removeAll(keepingCapacity: true)
        }
        return documents
    }
}

/// The model file: safetensors holding what training and inference need.
///
/// Tensors (float32, row-major, no padding): `words` `[vocabulary (+1 null word with dm_concat),
/// vector_size]`, `output` `[vocabulary (hs: vocabulary − 1), layer]` with `layer` = vector_size or
/// (1 + 2·window)·vector_size with `dm_concat`, `documents` `[tags, vector_size]`. Metadata:
/// `latent.kind` = `doc2vec`, `latent.config` (the `Doc2VecConfig` as JSON, tokenizer included),
/// `latent.vocabulary` and `latent.counts` (JSON arrays, most frequent word first),
/// `latent.corpus_words`, `latent.tags` (JSON array, row order) and `latent.report` (JSON).
/// NumPy/PyTorch read the tensors directly; nothing is pickled.
extension Doc2Vec {
    /// The `latent.kind` of a saved doc2vec model.
    public static let kind = "doc2vec"

    /// Writes the model to `path` atomically (see the type's notes for the layout).
    public func save(to path: String) throws {
        func json<T: Encodable>(_ value: T) throws -> String { String(decoding: try JSONEncoder().encode(value), as: UTF8.self) }
        let d = config.vectorSize
        let wordValues = weights.values(output: false) + weights.nullRow()
        let output = weights.values(output: true)
        try SafeTensors.write(
            tensors: [("words", Tensor(shape: [weights.wordRows, d], scalars: wordValues)),
                      ("output", Tensor(shape: [weights.outputRows, output.count / weights.outputRows], scalars: output)),
                      ("documents", documents.tensor)],
            metadata: ["latent.kind": Doc2Vec.kind, "latent.config": try json(config),
                       "latent.vocabulary": try json(vocabulary.words), "latent.counts": try json(vocabulary.counts),
                       "latent.corpus_words": String(vocabulary.corpusWords), "latent.tags": try json(documents.words),
                       "latent.report": try json(report)],
            to: path)
    }

    /// Reads a model written by `save(to:)`.
    ///
    /// - Throws: `LatentIOError` for an unreadable file; `LatentIOError.corrupt` naming `path` when
    ///   it is not a doc2vec model or its parts disagree.
    public static func load(path: String) throws -> Doc2Vec {
        let file = try SafeTensors.read(path: path)
        func bad(_ detail: String) -> LatentIOError { .corrupt(path, detail) }
        guard file.metadata["latent.kind"] == kind else {
            throw bad("not a Latent doc2vec model (latent.kind is \(file.metadata["latent.kind"] ?? "missing"))")
        }
        func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
            guard let text = file.metadata[key], let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
                throw bad("metadata '\(key)' is missing or invalid")
            }
            return value
        }
        let config = try decode(Doc2VecConfig.self, "latent.config")
        do { try config.validate() } catch { throw bad("latent.config: \(error)") }
        let words = try decode([String].self, "latent.vocabulary")
        let counts = try decode([Int].self, "latent.counts")
        let tags = try decode([String].self, "latent.tags")
        let report = try decode(Doc2VecReport.self, "latent.report")
        guard words.count == counts.count, !words.isEmpty, counts.allSatisfy({ $0 >= 1 }) else {
            throw bad("latent.vocabulary holds \(words.count) words but latent.counts \(counts.count) positive counts")
        }
        guard Set(words).count == words.count else { throw bad("latent.vocabulary repeats a word") }
        let corpusWords = file.metadata["latent.corpus_words"].flatMap(Int.init) ?? counts.reduce(0, +)
        let vocabulary = Vocabulary(words: words, counts: counts, corpusWords: corpusWords, tokenizer: config.tokenizer)
        let d = config.vectorSize
        func tensor(_ name: String, _ shape: [Int]) throws -> [Float] {
            guard let t = file[name]?.tensor else { throw bad("no tensor '\(name)'") }
            guard t.shape == shape else { throw bad("tensor '\(name)' has shape \(t.shape), the config and vocabulary need \(shape)") }
            let values = t.scalars
            guard values.allSatisfy(\.isFinite) else { throw bad("tensor '\(name)' holds a value that is not finite") }
            return values
        }
        // Shapes are checked against the tensors read before any weight buffer is allocated.
        let wordValues = try tensor("words", [Doc2VecWeights.wordRows(config, words.count), d])
        let outputValues = try tensor("output", [Doc2VecWeights.outputRows(config, words.count), config.layerStride / config.wordStride * d])
        let documentValues = try tensor("documents", [tags.count, d])
        let weights = Doc2VecWeights(config: config, vocabulary: vocabulary, words: wordValues, output: outputValues)
        let documents: KeyedVectors
        do { documents = try KeyedVectors(words: tags, vectors: documentValues, vectorSize: d) } catch { throw bad("latent.tags: \(error)") }
        return try Doc2Vec(config: config, weights: weights, documents: documents, report: report)
    }
}
