import Dispatch
import LatentTensor
import Synchronization

/// The shared state of a doc2vec model that training writes and inference reads: word rows,
/// output rows and the tables the kernels need, built from the vocabulary as word2vec builds them.
///
/// Word rows are `vectorSize` rounded up to whole 8-float blocks (`wordStride`), output rows
/// `layerStride` (longer with `dmConcat`), padding zero. With `dmConcat` one more word row, the
/// null word, pads windows beyond a document's ends (gensim adds it to the vocabulary).
final class Doc2VecWeights: @unchecked Sendable {
    let config: Doc2VecConfig
    let vocabulary: Vocabulary
    let words: AlignedBuffer
    let output: AlignedBuffer
    let sigmoid: [Float]
    let noise: [UInt64]
    let tree: HuffmanTree?
    let keep: [UInt64]

    /// Rows of the word matrix: the vocabulary, plus the null word with `dmConcat`.
    var wordRows: Int { Doc2VecWeights.wordRows(config, vocabulary.count) }
    /// Rows of the output matrix: one per word (negative sampling) or inner node (hierarchical softmax).
    var outputRows: Int { Doc2VecWeights.outputRows(config, vocabulary.count) }

    static func wordRows(_ config: Doc2VecConfig, _ words: Int) -> Int { words + (config.dm && config.dmConcat ? 1 : 0) }
    static func outputRows(_ config: Doc2VecConfig, _ words: Int) -> Int {
        max(1, config.hierarchicalSoftmax ? words - 1 : words)
    }

    /// Fresh weights: word rows uniform in ±1/vectorSize (gensim's `prep_vectors`), output rows zero.
    convenience init(config: Doc2VecConfig, vocabulary: Vocabulary) {
        self.init(config: config, vocabulary: vocabulary, words: nil, output: nil)
        var rng = RandomGenerator(seed: config.seed)
        Doc2VecWeights.randomRows(words, rows: wordRows, config: config, scale: 1 / Float(config.vectorSize), rng: &rng)
    }

    /// Weights from unpadded row-major values (a saved model), or zeros where nil.
    init(config: Doc2VecConfig, vocabulary: Vocabulary, words wordValues: [Float]?, output outputValues: [Float]?) {
        self.config = config
        self.vocabulary = vocabulary
        let d = config.vectorSize, ws = config.wordStride, ls = config.layerStride
        let wordRows = Doc2VecWeights.wordRows(config, vocabulary.count)
        let outputRows = Doc2VecWeights.outputRows(config, vocabulary.count)
        words = AlignedBuffer(count: wordRows * ws)
        output = AlignedBuffer(count: outputRows * ls)
        if let wordValues {
            for r in 0..<wordRows { for k in 0..<d { words.pointer[r * ws + k] = wordValues[r * d + k] } }
        }
        if let outputValues {
            // An output row is `ls / ws` segments of `d` values, each padded to `ws`.
            let segments = ls / ws
            for r in 0..<outputRows {
                for m in 0..<segments { for k in 0..<d { output.pointer[r * ls + m * ws + k] = outputValues[(r * segments + m) * d + k] } }
            }
        }
        sigmoid = Word2VecKernels.sigmoidTable()
        tree = config.hierarchicalSoftmax ? HuffmanTree(counts: vocabulary.counts) : nil
        noise = config.negative > 0 ? AliasTable(counts: vocabulary.counts, power: config.nsExponent).entries : [0]
        keep = Word2VecTrainer.keepThresholds(counts: vocabulary.counts, sample: config.sample)
    }

    /// Fills the first `rows` rows of `buffer` (stride `wordStride`) uniformly in ±`scale`.
    static func randomRows(_ buffer: AlignedBuffer, rows: Int, config: Doc2VecConfig, scale: Float, rng: inout RandomGenerator) {
        for r in 0..<rows {
            let row = buffer.pointer + r * config.wordStride
            for k in 0..<config.vectorSize { row[k] = (rng.nextFloat() * 2 - 1) * scale }
        }
    }

    /// The word rows (without the null word) or output rows, unpadded and row-major.
    func values(output isOutput: Bool) -> [Float] {
        let d = config.vectorSize, ws = config.wordStride
        let stride = isOutput ? config.layerStride : ws
        let rows = isOutput ? outputRows : vocabulary.count
        let segments = stride / ws
        var out = [Float](repeating: 0, count: rows * segments * d)
        let p = isOutput ? output.pointer : words.pointer
        for r in 0..<rows { for m in 0..<segments { for k in 0..<d { out[(r * segments + m) * d + k] = p[r * stride + m * ws + k] } } }
        return out
    }

    /// The null word's row (PV-DM with concatenation only), unpadded.
    func nullRow() -> [Float] {
        guard config.dm && config.dmConcat else { return [] }
        let base = words.pointer + vocabulary.count * config.wordStride
        return (0..<config.vectorSize).map { base[$0] }
    }

    /// Calls `body` with a kernel context over these weights and scratch rows of its own.
    func withKernels<R>(learn: Bool, _ body: (Word2VecKernels.Context, Word2VecKernels.DocumentStep) throws -> R) rethrows -> R {
        let ls = config.layerStride
        let scratch = AlignedBuffer(count: 2 * ls)
        let targets = UnsafeMutablePointer<Int32>.allocate(capacity: config.negative + 1)
        defer { targets.deallocate() }
        let emptyCodes: [UInt8] = [0], emptyPoints: [Int32] = [0], emptyOffsets: [Int32] = [0, 0]
        return try sigmoid.withUnsafeBufferPointer { sig in
        try noise.withUnsafeBufferPointer { noiseTable in
        try (tree?.offsets ?? emptyOffsets).withUnsafeBufferPointer { offsets in
        try (tree?.codes ?? emptyCodes).withUnsafeBufferPointer { codes in
        try (tree?.points ?? emptyPoints).withUnsafeBufferPointer { points in
            let context = Word2VecKernels.Context(
                input: words.pointer, output: output.pointer, stride: ls, sigmoid: sig.baseAddress!,
                noise: noiseTable.baseAddress!, noiseCount: noiseTable.count, negative: config.negative,
                offsets: offsets.baseAddress!, codes: codes.baseAddress!, points: points.baseAddress!,
                gradient: scratch.pointer, hidden: scratch.pointer + ls, targets: targets)
            let step = Word2VecKernels.DocumentStep(wordStride: config.wordStride, learnWords: learn, learnOutput: learn,
                                                    hierarchical: config.hierarchicalSoftmax)
            return try body(context, step)
        }}}}}
    }

    /// Subsamples `ids` (at most `maxDocumentLength` of them) into `sentence`; returns how many
    /// were kept.
    @inline(__always)
    func subsample(_ ids: UnsafeBufferPointer<Int32>, into sentence: UnsafeMutablePointer<Int32>,
                   random: inout UInt64) -> Int {
        var n = 0
        keep.withUnsafeBufferPointer { keep in
            for id in ids.prefix(config.maxDocumentLength) {
                if keep[Int(id)] <= (Word2VecKernels.nextRandom(&random) >> 16) & 0xFFFF_FFFF { continue }
                sentence[n] = id
                n &+= 1
            }
        }
        return n
    }

    /// One step of the configured architecture on one (subsampled) document.
    @inline(__always)
    func trainDocument(_ c: Word2VecKernels.Context, _ step: Word2VecKernels.DocumentStep, doc: UnsafeMutablePointer<Float>,
                       sentence: UnsafePointer<Int32>, length: Int, alpha: Float, random: inout UInt64) {
        guard length > 0 else { return }
        if !config.dm {
            Word2VecKernels.documentDBOW(c, step, doc: doc, sentence: sentence, length: length, window: config.window,
                                         trainWords: config.dbowWords && step.learnWords, alpha: alpha, random: &random)
        } else if config.dmConcat {
            Word2VecKernels.documentDMConcat(c, step, doc: doc, sentence: sentence, length: length, window: config.window,
                                             nullWord: Int32(vocabulary.count), alpha: alpha, random: &random)
        } else {
            Word2VecKernels.documentDM(c, step, doc: doc, sentence: sentence, length: length, window: config.window,
                                       mean: config.dmMean, alpha: alpha, random: &random)
        }
    }
}

/// The orchestration of doc2vec training: word2vec's scheme (per epoch, each worker thread takes
/// its own contiguous share of the documents, Hogwild updates, the learning rate falling linearly
/// with the words done), with the corpus held as vocabulary ids.
final class Doc2VecTrainer: @unchecked Sendable {
    let corpus: DocumentCorpus
    let weights: Doc2VecWeights
    let documents: AlignedBuffer
    let threads: Int
    let progress = Atomic<Int>(0)
    let effective = Atomic<Int>(0)

    init(corpus: DocumentCorpus, config: Doc2VecConfig) {
        self.corpus = corpus
        weights = Doc2VecWeights(config: config, vocabulary: corpus.vocabulary)
        threads = min(config.threads ?? Threads.count, corpus.count)
        documents = AlignedBuffer(count: corpus.tags.count * config.wordStride)
        // Document rows have their own stream, so adding words never changes them.
        var rng = RandomGenerator(seed: config.seed ^ 0x444F_4356)
        Doc2VecWeights.randomRows(documents, rows: corpus.tags.count, config: config, scale: 1 / Float(config.vectorSize), rng: &rng)
    }

    /// The first document of each worker's share: shares of about equal word counts.
    func shares() -> [Int] {
        let total = corpus.ids.count
        var bounds = [0]
        var d = 0
        for w in 1..<threads {
            while d < corpus.count && corpus.offsets[d] < total * w / threads { d += 1 }
            bounds.append(max(d, bounds.last!))
        }
        bounds.append(corpus.count)
        return bounds
    }

    /// The learning rate after `done` of `total` words.
    func alpha(done: Int, total: Int) -> Float {
        let c = weights.config
        let f = min(1, Float(Double(done) / Double(total)))
        return max(c.minAlpha, c.alpha - (c.alpha - c.minAlpha) * f)
    }

    /// Runs every epoch; returns the seconds taken.
    func run(onProgress: (@Sendable (Doc2VecProgress) -> Void)?) -> Double {
        let config = weights.config
        let clock = ContinuousClock()
        let start = clock.now
        let total = max(1, corpus.rawLengths.reduce(0, +) * config.epochs)
        var seeds = RandomGenerator(seed: config.seed ^ 0x5745_4356)
        let bounds = shares()
        let n = threads
        for epoch in 0..<config.epochs {
            let epochSeeds = (0..<n).map { _ in seeds.next() | 1 }
            let work = { @Sendable (worker: Int) in
                self.worker(documents: bounds[worker]..<bounds[worker + 1], seed: epochSeeds[worker], total: total)
            }
            if n == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: n, execute: work) }
            if let onProgress {
                let elapsed = (clock.now - start).seconds
                let done = progress.load(ordering: .relaxed)
                onProgress(Doc2VecProgress(epoch: epoch + 1, epochs: config.epochs, fraction: Double(done) / Double(total),
                                           alpha: alpha(done: done, total: total),
                                           documentsPerSecond: Double(corpus.count * (epoch + 1)) / max(elapsed, 1e-9),
                                           elapsed: elapsed))
            }
        }
        return (clock.now - start).seconds
    }

    /// One thread's pass over its documents.
    func worker(documents range: Range<Int>, seed: UInt64, total: Int) {
        let config = weights.config
        let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, config.maxDocumentLength))
        defer { sentence.deallocate() }
        var random = seed
        var kept = 0
        let ws = config.wordStride
        weights.withKernels(learn: true) { context, step in
            corpus.ids.withUnsafeBufferPointer { ids in
                for d in range {
                    let done = progress.add(corpus.rawLengths[d], ordering: .relaxed).newValue
                    let words = UnsafeBufferPointer(rebasing: ids[corpus.offsets[d]..<corpus.offsets[d + 1]])
                    let length = weights.subsample(words, into: sentence, random: &random)
                    kept &+= length
                    let doc = documents.pointer + Int(corpus.docTag[d]) * ws
                    weights.trainDocument(context, step, doc: doc, sentence: sentence, length: length,
                                          alpha: alpha(done: done, total: total), random: &random)
                }
            }
        }
        effective.add(kept, ordering: .relaxed)
    }

    /// The document rows, unpadded.
    func documentVectors() -> [Float] {
        let d = weights.config.vectorSize, ws = weights.config.wordStride
        var out = [Float](repeating: 0, count: corpus.tags.count * d)
        for r in 0..<corpus.tags.count { for k in 0..<d { out[r * d + k] = documents.pointer[r * ws + k] } }
        return out
    }
}

/// Where a doc2vec run is, for progress lines (reported at the end of each epoch).
public struct Doc2VecProgress: Sendable {
    /// The epoch just finished, from 1.
    public var epoch: Int
    /// Total epochs.
    public var epochs: Int
    /// Share of all training done, 0...1.
    public var fraction: Double
    /// The current learning rate.
    public var alpha: Float
    /// Documents trained per second so far.
    public var documentsPerSecond: Double
    /// Seconds since training started.
    public var elapsed: Double
}
