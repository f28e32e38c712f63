/// The settings of a doc2vec run, named after gensim's `Doc2Vec` parameters and defaulting to its
/// values: PV-DM (`dm`), averaged context (gensim's `dm_mean=None` means the mean), 100
/// dimensions, window 5, `min_count` 5, `sample` 1e-3, negative 5, learning rate 0.025 falling
/// linearly to 0.0001, 10 epochs.
public struct Doc2VecConfig: Codable, Sendable, Equatable {
    /// PV-DM (`dm` true): the document vector and the context words predict the centre word.
    /// PV-DBOW (false): the document vector alone predicts each of its words.
    public var dm = true
    /// PV-DM: average the context rows (true) or sum them (gensim's `dm_mean`).
    public var dmMean = true
    /// PV-DM: concatenate the document row and the `window` word rows on each side instead of
    /// averaging them (gensim's `dm_concat`; a much larger and slower model).
    public var dmConcat = false
    /// PV-DBOW: also train word vectors by skip-gram, interleaved (gensim's `dbow_words`).
    public var dbowWords = false
    /// Dimensions of each vector (gensim `vector_size`).
    public var vectorSize = 100
    /// Maximum distance between the centre word and a context word.
    public var window = 5
    /// Words rarer than this are dropped before training.
    public var minCount = 5
    /// Keep at most this many of the most frequent words (gensim `max_final_vocab`).
    public var maxVocab: Int?
    /// Frequent-word subsampling threshold; 0 disables it (gensim's formula, as in word2vec).
    public var sample = 1e-3
    /// Noise words per positive example for negative sampling; 0 when `hierarchicalSoftmax`.
    public var negative = 5
    /// Hierarchical softmax instead of negative sampling (gensim `hs`).
    public var hierarchicalSoftmax = false
    /// Exponent of the noise distribution `count^nsExponent`.
    public var nsExponent = 0.75
    /// Initial learning rate.
    public var alpha: Float = 0.025
    /// Final learning rate, reached at the end of training (and of each inference).
    public var minAlpha: Float = 0.0001
    /// Passes over the corpus; also the passes of `inferVector` unless told otherwise.
    public var epochs = 10
    /// Documents longer than this are cut (gensim's 10,000 words).
    public var maxDocumentLength = 10_000
    /// Worker threads; `nil` uses `Threads.count`. With one thread a seed gives the same vectors
    /// every run; with more, Hogwild updates race, as in gensim.
    public var threads: Int?
    /// Seed for the initial vectors and every random choice of training and inference.
    public var seed: UInt64 = 1
    /// How documents are split into words.
    public var tokenizer = Tokenizer()

    /// The defaults (gensim's).
    public init() {}

    /// Checks every setting, naming the first bad one.
    public func validate() throws {
        func bad(_ s: String) -> LatentTextError { .invalidConfig(s) }
        guard vectorSize >= 1 && vectorSize <= 10_000 else { throw bad("vector_size must be in 1...10000, got \(vectorSize)") }
        guard window >= 1 && window <= 1_000 else { throw bad("window must be in 1...1000, got \(window)") }
        guard minCount >= 1 else { throw bad("min_count must be at least 1, got \(minCount)") }
        if let m = maxVocab, m < 1 { throw bad("max_vocab must be at least 1, got \(m)") }
        guard sample >= 0 && sample.isFinite else { throw bad("sample must be a number ≥ 0, got \(sample)") }
        guard negative >= 0 && negative <= 100 else { throw bad("negative must be in 0...100, got \(negative)") }
        guard hierarchicalSoftmax != (negative > 0) else {
            throw bad(hierarchicalSoftmax ? "choose hierarchical softmax or negative sampling, not both (set negative to 0)"
                                          : "negative must be positive unless hierarchical softmax is used")
        }
        guard nsExponent.isFinite else { throw bad("ns_exponent must be a number, got \(nsExponent)") }
        guard alpha > 0 && alpha.isFinite else { throw bad("alpha must be a positive number, got \(alpha)") }
        guard minAlpha >= 0 && minAlpha <= alpha else { throw bad("min_alpha must be in 0...alpha, got \(minAlpha)") }
        guard epochs >= 1 && epochs <= 100_000 else { throw bad("epochs must be in 1...100000, got \(epochs)") }
        guard maxDocumentLength >= 1 else { throw bad("max document length must be at least 1") }
        if let t = threads, t < 1 { throw bad("threads must be at least 1, got \(t)") }
    }

    /// Floats per word row: `vectorSize` rounded up to whole 8-float blocks.
    var wordStride: Int { (vectorSize + 7) / 8 * 8 }
    /// Floats per output row: a word row, or `1 + 2·window` of them with `dmConcat`.
    var layerStride: Int { dm && dmConcat ? (1 + 2 * window) * wordStride : wordStride }
    /// The architecture in gensim's words, for summaries.
    public var name: String {
        let objective = hierarchicalSoftmax ? "hierarchical softmax" : "negative \(negative)"
        let kind = dm ? (dmConcat ? "PV-DM (concatenation)" : dmMean ? "PV-DM (mean)" : "PV-DM (sum)")
                      : dbowWords ? "PV-DBOW + skip-gram words" : "PV-DBOW"
        return "\(kind), \(objective)"
    }
}
