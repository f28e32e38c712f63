/// The settings of a word2vec run, named after gensim's `Word2Vec` parameters.
///
/// Defaults are gensim 4's, so a Latent run and a gensim run with the same flags are comparable:
/// learning rate 0.025 falling linearly to 0.0001 over all epochs (for CBOW too; the C tool uses
/// 0.05 there), window 5, negative 5, `sample` 1e-3, `min_count` 5, 5 epochs, averaged CBOW context.
public struct Word2VecConfig: Codable, Sendable, Equatable {
    /// Which word predicts which.
    public enum Architecture: String, Codable, Sendable, CaseIterable {
        /// Skip-gram: each context word predicts the centre word (better for rare words).
        case skipGram = "sg"
        /// Continuous bag of words: the context average predicts the centre word (faster).
        case cbow
    }

    /// Skip-gram or CBOW.
    public var architecture: Architecture = .skipGram
    /// Dimensions of each vector (gensim `vector_size`).
    public var vectorSize = 100
    /// Maximum distance between the centre word and a context word; each position draws its own
    /// half-width from 1...window.
    public var window = 5
    /// Words rarer than this are dropped before training.
    public var minCount = 5
    /// Keep at most this many of the most frequent words (gensim `max_final_vocab`).
    public var maxVocab: Int?
    /// Frequent-word subsampling threshold; 0 disables it. A word with relative frequency `f` is
    /// kept with probability `(sqrt(f / sample) + 1) · sample / f` (gensim's formula).
    public var sample = 1e-3
    /// Noise words per positive example for negative sampling; 0 when `hierarchicalSoftmax`.
    public var negative = 5
    /// Train with hierarchical softmax over a Huffman tree instead of negative sampling.
    public var hierarchicalSoftmax = false
    /// Exponent of the noise distribution `count^nsExponent` (0.75 from Mikolov et al. 2013).
    public var nsExponent = 0.75
    /// Initial learning rate.
    public var alpha: Float = 0.025
    /// Final learning rate, reached at the end of the last epoch.
    public var minAlpha: Float = 0.0001
    /// Passes over the corpus.
    public var epochs = 5
    /// Average the context vectors in CBOW (else sum them), gensim's `cbow_mean`.
    public var cbowMean = true
    /// Sentences longer than this are cut into pieces (gensim's 10,000).
    public var maxSentenceLength = 10_000
    /// Worker threads; `nil` uses `Threads.count`. With one thread a seed gives the same vectors
    /// on every run; with more, Hogwild updates race and the vectors differ slightly between runs
    /// (as in gensim and the C tool).
    public var threads: Int?
    /// Seed for the initial vectors and every random choice of training.
    public var seed: UInt64 = 1
    /// How the corpus is split into words.
    public var tokenizer = Tokenizer()

    /// The defaults (gensim's).
    public init() {}

    /// Checks every setting, naming the first bad one.
    public func validate() throws {
        func bad(_ s: String) -> LatentTextError { .invalidConfig(s) }
        guard vectorSize >= 1 && vectorSize <= 10_000 else { throw bad("vector size must be in 1...10000, got \(vectorSize)") }
        guard window >= 1 else { throw bad("window must be at least 1, got \(window)") }
        guard minCount >= 1 else { throw bad("min_count must be at least 1, got \(minCount)") }
        if let m = maxVocab, m < 1 { throw bad("max_vocab must be at least 1, got \(m)") }
        guard sample >= 0 && sample.isFinite else { throw bad("sample must be ≥ 0, got \(sample)") }
        guard negative >= 0 && negative <= 100 else { throw bad("negative must be in 0...100, got \(negative)") }
        guard hierarchicalSoftmax != (negative > 0) else {
            throw bad(hierarchicalSoftmax ? "choose hierarchical softmax or negative sampling, not both (set negative to 0)"
                                          : "negative must be positive unless hierarchical softmax is used")
        }
        guard alpha > 0 && alpha.isFinite else { throw bad("alpha must be positive, got \(alpha)") }
        guard minAlpha >= 0 && minAlpha <= alpha else { throw bad("min_alpha must be in 0...alpha, got \(minAlpha)") }
        guard epochs >= 1 else { throw bad("epochs must be at least 1, got \(epochs)") }
        guard maxSentenceLength >= 1 else { throw bad("max sentence length must be at least 1") }
        if let t = threads, t < 1 { throw bad("threads must be at least 1, got \(t)") }
    }
}
