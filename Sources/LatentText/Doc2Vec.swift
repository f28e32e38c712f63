import Dispatch
import LatentTensor

/// doc2vec, the paragraph vectors of Le & Mikolov (2014), as gensim's `Doc2Vec`: a vector per
/// document learned beside word vectors, and `inferVector` for documents never seen.
///
/// ```swift
/// var config = Doc2VecConfig()
/// config.vectorSize = 50
/// config.minCount = 2
/// config.epochs = 40
/// let model = try Doc2Vec.train(corpus: "lee_background.cor", config: config)  // one document per line
/// let v = try model.inferVector(text: "the bushfire spread towards sydney")
/// print(model.documents.mostSimilar(toVector: v, topN: 3))                      // tags and cosines
/// try model.save(to: "model.safetensors")
/// try model.documents.write(to: "documents.bin", format: .binary)               // gensim reads it
/// ```
///
/// Two architectures: PV-DM (`dm`, the default) predicts each word from the document vector and
/// its context words, averaged, summed or concatenated; PV-DBOW predicts the document's words from
/// its vector alone, optionally training skip-gram word vectors alongside (`dbowWords`). Both use
/// negative sampling or hierarchical softmax and word2vec's kernels, threads and schedule.
public struct Doc2Vec: Sendable {
    /// The settings used.
    public let config: Doc2VecConfig
    /// The vocabulary, most frequent word first.
    public var vocabulary: Vocabulary { weights.vocabulary }
    /// One vector per tag, in order of first appearance (gensim's `dv`).
    public let documents: KeyedVectors
    /// The word vectors, in vocabulary order (gensim's `wv`). PV-DBOW without `dbowWords` leaves
    /// them at their random start.
    public let words: KeyedVectors
    /// Timings and counts.
    public let report: Doc2VecReport
    let weights: Doc2VecWeights

    init(config: Doc2VecConfig, weights: Doc2VecWeights, documents: KeyedVectors, report: Doc2VecReport) throws {
        self.config = config
        self.weights = weights
        self.documents = documents
        self.report = report
        words = try KeyedVectors(words: weights.vocabulary.words, vectors: weights.values(output: false),
                                 vectorSize: config.vectorSize)
    }

    /// Trains on the file at `path`: one document per line, tagged as `tags` says (by default
    /// `tag<TAB>text` when the first line holds a tab, else the line index, as gensim's
    /// `TaggedLineDocument`).
    ///
    /// - Throws: `LatentTextError` for bad settings, a line without words, fewer than two
    ///   documents or no word reaching `minCount`; `LatentIOError` when the file cannot be read.
    public static func train(corpus path: String, tags: DocumentTags = .auto, config: Doc2VecConfig,
                             onProgress: (@Sendable (Doc2VecProgress) -> Void)? = nil) throws -> Doc2Vec {
        try config.validate()
        let clock = ContinuousClock()
        let start = clock.now
        let corpus = try DocumentCorpus.read(path: path, tags: tags, tokenizer: config.tokenizer, minCount: config.minCount,
                                             maxVocab: config.maxVocab)
        return try train(corpus, config: config, readSeconds: (clock.now - start).seconds, onProgress: onProgress)
    }

    /// Trains on documents already split into words.
    public static func train(documents: [TaggedDocument], config: Doc2VecConfig,
                             onProgress: (@Sendable (Doc2VecProgress) -> Void)? = nil) throws -> Doc2Vec {
        try config.validate()
        let corpus = try DocumentCorpus.make(documents, tokenizer: config.tokenizer, minCount: config.minCount,
                                             maxVocab: config.maxVocab)
        return try train(corpus, config: config, readSeconds: 0, onProgress: onProgress)
    }

    static func train(_ corpus: DocumentCorpus, config: Doc2VecConfig, readSeconds: Double,
                      onProgress: (@Sendable (Doc2VecProgress) -> Void)?) throws -> Doc2Vec {
        let trainer = Doc2VecTrainer(corpus: corpus, config: config)
        let seconds = trainer.run(onProgress: onProgress)
        let report = Doc2VecReport(documents: corpus.count, tags: corpus.tags.count, vocabularySize: corpus.vocabulary.count,
                                   corpusWords: corpus.vocabulary.corpusWords, epochs: config.epochs,
                                   effectiveWords: trainer.effective.load(ordering: .relaxed), threads: trainer.threads,
                                   readSeconds: readSeconds, trainingSeconds: seconds)
        let documents = try KeyedVectors(words: corpus.tags, vectors: trainer.documentVectors(), vectorSize: config.vectorSize)
        return try Doc2Vec(config: config, weights: trainer.weights, documents: documents, report: report)
    }

    // MARK: Inference

    /// A vector for a new document, gensim's `infer_vector`: a fresh document row, seeded by the
    /// words (so the same words always give the same vector), trained for `epochs` passes
    /// (default: the model's) with the learning rate falling from `alpha` to `minAlpha` (default:
    /// the model's) while the word and output weights stay fixed. Words outside the vocabulary
    /// are ignored.
    ///
    /// - Throws: `LatentTextError.invalidQuery` when no word is in the vocabulary or a setting is
    ///   out of range.
    public func inferVector(_ words: [String], epochs: Int? = nil, alpha: Float? = nil, minAlpha: Float? = nil) throws -> [Float] {
        let ids = words.compactMap { vocabulary.id($0).map(Int32.init) }
        guard !ids.isEmpty else {
            throw LatentTextError.invalidQuery(words.isEmpty ? "the document is empty (no words)"
                                                             : "none of the document's \(words.count) words is in the vocabulary")
        }
        let epochs = epochs ?? config.epochs, alpha = alpha ?? config.alpha, minAlpha = minAlpha ?? config.minAlpha
        guard epochs >= 1 && epochs <= 100_000 else { throw LatentTextError.invalidQuery("epochs must be in 1...100000, got \(epochs)") }
        guard alpha > 0 && alpha.isFinite else { throw LatentTextError.invalidQuery("alpha must be a positive number, got \(alpha)") }
        guard minAlpha >= 0 && minAlpha <= alpha else { throw LatentTextError.invalidQuery("min_alpha must be in 0...alpha, got \(minAlpha)") }
        // The seed: FNV-1a of the words joined by spaces (gensim seeds from that string too).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in words.joined(separator: " ").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return infer(ids, seed: h ^ config.seed, epochs: epochs, alpha: alpha, minAlpha: minAlpha)
    }

    /// `inferVector` on the tokens of `text` (the model's tokenizer).
    public func inferVector(text: String, epochs: Int? = nil, alpha: Float? = nil, minAlpha: Float? = nil) throws -> [Float] {
        try inferVector(config.tokenizer.tokens(text), epochs: epochs, alpha: alpha, minAlpha: minAlpha)
    }

    func infer(_ ids: [Int32], seed: UInt64, epochs: Int, alpha: Float, minAlpha: Float) -> [Float] {
        let d = config.vectorSize
        let row = AlignedBuffer(count: config.layerStride)
        var rng = RandomGenerator(seed: seed)
        // gensim's `pseudorandom_weak_vector`: uniform in ±0.5/vectorSize.
        for k in 0..<d { row.pointer[k] = (rng.nextFloat() - 0.5) / Float(d) }
        var random = rng.next() | 1
        let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, ids.count))
        defer { sentence.deallocate() }
        let delta = (alpha - minAlpha) / Float(max(epochs - 1, 1))
        weights.withKernels(learn: false) { context, step in
            ids.withUnsafeBufferPointer { ids in
                var a = alpha
                for _ in 0..<epochs {
                    let length = weights.subsample(ids, into: sentence, random: &random)
                    weights.trainDocument(context, step, doc: row.pointer, sentence: sentence, length: length,
                                          alpha: a, random: &random)
                    a -= delta
                }
            }
        }
        return (0..<d).map { row.pointer[$0] }
    }

    // MARK: Queries

    /// The `topN` tags whose vectors are closest (cosine) to the vector of `tag`, excluding it;
    /// gensim's `dv.most_similar`.
    public func mostSimilar(tag: String, topN: Int = 10) throws -> [KeyedVectors.Neighbor] {
        try documents.mostSimilar(positive: [tag], topN: topN)
    }

    /// The `topN` tags closest to the inferred vector of `text`.
    public func mostSimilar(text: String, topN: Int = 10) throws -> [KeyedVectors.Neighbor] {
        try documents.mostSimilar(toVector: inferVector(text: text), topN: topN)
    }

    /// gensim's tutorial check on the training documents: re-infer each one and rank its own tag
    /// among all tags by cosine to the inferred vector (0 = most similar). Runs on every thread
    /// `Threads` allows; each document's result depends only on its words and the model.
    ///
    /// - Parameter documents: the training documents (e.g. from `DocumentFile.read`).
    public func selfRanks(_ documents: [TaggedDocument]) throws -> [Int] {
        let rows = try documents.map { try self.documents.row($0.tag) }
        let vectors = try inferVectors(documents.map(\.words))
        // The cosines on this thread: BLAS called from several threads at once competes with its own.
        return try zip(vectors, rows).map { v, row in
            let cosines = try self.documents.cosines(toVector: v)
            return cosines.enumerated().reduce(0) { $0 + ($1.element > cosines[row] && $1.offset != row ? 1 : 0) }
        }
    }

    /// `inferVector` for each document, on every thread `Threads` allows (each result depends
    /// only on its words and the model, so the thread count does not change them).
    public func inferVectors(_ documents: [[String]]) throws -> [[Float]] {
        let results = Mutex([[Float]](repeating: [], count: documents.count))
        let failure = Mutex<Error?>(nil)
        let n = max(1, min(Threads.count, documents.count))
        DispatchQueue.concurrentPerform(iterations: n) { w in
            for i in stride(from: w, to: documents.count, by: n) {
                do {
                    let v = try inferVector(documents[i])
                    results.withLock { $0[i] = v }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0 }
    }
}

/// What a doc2vec run did and how fast.
public struct Doc2VecReport: Codable, Sendable, Equatable {
    /// Documents (lines) in the corpus.
    public var documents: Int
    /// Distinct tags (document vectors).
    public var tags: Int
    /// Words in the vocabulary.
    public var vocabularySize: Int
    /// Tokens in the corpus (one pass).
    public var corpusWords: Int
    /// Passes over the corpus.
    public var epochs: Int
    /// Tokens trained on over all epochs (in the vocabulary and kept by subsampling).
    public var effectiveWords: Int
    /// Worker threads used.
    public var threads: Int
    /// Seconds spent reading and tokenizing the corpus and building the vocabulary.
    public var readSeconds: Double
    /// Seconds spent training (all epochs).
    public var trainingSeconds: Double
    /// Documents trained per second (documents × epochs / training seconds).
    public var documentsPerSecond: Double { trainingSeconds > 0 ? Double(documents * epochs) / trainingSeconds : 0 }
    /// Effective words per second of training.
    public var wordsPerSecond: Double { trainingSeconds > 0 ? Double(effectiveWords) / trainingSeconds : 0 }
}

import Synchronization
