import Dispatch
import LatentTensor
import Synchronization

/// word2vec (Mikolov et al. 2013): skip-gram or CBOW, negative sampling or hierarchical softmax.
///
/// ```swift
/// var config = Word2VecConfig()
/// config.architecture = .skipGram
/// config.vectorSize = 100
/// let model = try Word2Vec.train(corpus: "text.txt", config: config)
/// print(try model.vectors.mostSimilar(positive: ["king", "woman"], negative: ["man"]))
/// try model.vectors.write(to: "vectors.bin", format: .binary)
/// ```
///
/// Training follows gensim's steps: scan the vocabulary (`Vocabulary.build`), prepare the
/// sampling tables and weights, then `epochs` passes in which each of the worker threads streams
/// its own slice of the corpus file, tokenizes it, drops out-of-vocabulary and subsampled words,
/// and hands each sentence to one of the four kernels in `Word2VecKernels`. The threads share the
/// weight matrices without locks (Hogwild). Nothing proportional to the corpus is held in memory:
/// each thread owns a 1 MB read buffer and one sentence of ids.
public struct Word2Vec: Sendable {
    /// The settings used.
    public let config: Word2VecConfig
    /// The vocabulary, most frequent word first.
    public let vocabulary: Vocabulary
    /// The trained input vectors, in vocabulary order.
    public let vectors: KeyedVectors
    /// Timings and word counts.
    public let report: Word2VecReport

    /// Scans the corpus at `path` for its vocabulary, then trains.
    ///
    /// - Throws: `LatentTextError` for bad settings, an empty corpus or one where no word reaches
    ///   `minCount`; `LatentIOError` when the file cannot be read.
    public static func train(corpus path: String, config: Word2VecConfig,
                             onProgress: (@Sendable (Word2VecProgress) -> Void)? = nil) throws -> Word2Vec {
        try config.validate()
        let clock = ContinuousClock()
        let start = clock.now
        let vocabulary = try Vocabulary.build(corpus: path, tokenizer: config.tokenizer, minCount: config.minCount,
                                              maxVocab: config.maxVocab)
        return try train(corpus: path, vocabulary: vocabulary, config: config,
                         vocabularySeconds: (clock.now - start).seconds, onProgress: onProgress)
    }

    /// Trains on the corpus at `path` with a vocabulary built before (by `Vocabulary.build` with the
    /// same tokenizer).
    public static func train(corpus path: String, vocabulary: Vocabulary, config: Word2VecConfig,
                             vocabularySeconds: Double = 0,
                             onProgress: (@Sendable (Word2VecProgress) -> Void)? = nil) throws -> Word2Vec {
        try config.validate()
        guard vocabulary.count >= 1 else { throw LatentTextError.emptyCorpus(path) }
        let trainer = try Word2VecTrainer(path: path, vocabulary: vocabulary, config: config)
        let (effective, seconds) = try trainer.run(onProgress: onProgress)
        let vectors = trainer.vectors()
        let processed = vocabulary.corpusWords * config.epochs
        let report = Word2VecReport(vocabularySize: vocabulary.count, corpusWords: vocabulary.corpusWords,
                                    processedWords: processed, effectiveWords: effective, threads: trainer.threads,
                                    vocabularySeconds: vocabularySeconds, trainingSeconds: seconds)
        return Word2Vec(config: config, vocabulary: vocabulary,
                        vectors: try KeyedVectors(words: vocabulary.words, vectors: vectors, vectorSize: config.vectorSize),
                        report: report)
    }
}

/// Where a word2vec run is, for progress lines.
public struct Word2VecProgress: Sendable {
    /// The epoch in progress, from 1.
    public var epoch: Int
    /// Total epochs.
    public var epochs: Int
    /// Share of all training done, 0...1.
    public var fraction: Double
    /// The current learning rate.
    public var alpha: Float
    /// Effective (kept after subsampling) words per second so far.
    public var wordsPerSecond: Double
    /// Seconds since training started.
    public var elapsed: Double
    /// True once per finished epoch.
    public var epochEnded: Bool
}

/// What a word2vec run did and how fast.
public struct Word2VecReport: Codable, Sendable, Equatable {
    /// Words in the vocabulary.
    public var vocabularySize: Int
    /// Tokens in the corpus (one pass).
    public var corpusWords: Int
    /// Tokens read over all epochs (gensim's "raw words").
    public var processedWords: Int
    /// Tokens trained on over all epochs: in the vocabulary and kept by subsampling (gensim's
    /// "effective words").
    public var effectiveWords: Int
    /// Worker threads used.
    public var threads: Int
    /// Seconds spent scanning the vocabulary.
    public var vocabularySeconds: Double
    /// Seconds spent training (tables, weights and all epochs).
    public var trainingSeconds: Double
    /// Effective words per second of training, gensim's headline figure.
    public var wordsPerSecond: Double { trainingSeconds > 0 ? Double(effectiveWords) / trainingSeconds : 0 }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// The orchestration side of word2vec: tables, weights, threads, learning-rate schedule.
final class Word2VecTrainer: @unchecked Sendable {
    let path: String
    let vocabulary: Vocabulary
    let config: Word2VecConfig
    let file: TextFile
    let threads: Int
    let stride: Int
    let input: AlignedBuffer
    let output: AlignedBuffer
    let sigmoid: [Float]
    let noise: [UInt64]
    let tree: HuffmanTree?
    /// Per word: keep it when 32 random bits fall below this (subsampling); 2^32 keeps always.
    let keep: [UInt64]
    let progress = Atomic<Int>(0)
    let effective = Atomic<Int>(0)

    init(path: String, vocabulary: Vocabulary, config: Word2VecConfig) throws {
        self.path = path
        self.vocabulary = vocabulary
        self.config = config
        file = try TextFile(path)
        threads = config.threads ?? Threads.count
        stride = (config.vectorSize + 7) / 8 * 8
        let v = vocabulary.count
        // Input rows start uniform in ±1/dim (gensim 4's scale; the C tool uses ±0.5/dim); output rows at zero.
        input = AlignedBuffer(count: v * stride)
        var rng = RandomGenerator(seed: config.seed)
        let scale = 1 / Float(config.vectorSize)
        for w in 0..<v {
            let row = input.pointer + w * stride
            for d in 0..<config.vectorSize { row[d] = (rng.nextFloat() * 2 - 1) * scale }
        }
        output = AlignedBuffer(count: max(1, config.hierarchicalSoftmax ? v - 1 : v) * stride)
        sigmoid = Word2VecKernels.sigmoidTable()
        tree = config.hierarchicalSoftmax ? HuffmanTree(counts: vocabulary.counts) : nil
        noise = config.negative > 0 ? AliasTable(counts: vocabulary.counts, power: config.nsExponent).entries : [0]
        keep = Word2VecTrainer.keepThresholds(counts: vocabulary.counts, sample: config.sample)
    }

    /// gensim's subsampling: keep probability `(sqrt(c / t) + 1) · t / c` with `t = sample · total`.
    static func keepThresholds(counts: [Int], sample: Double) -> [UInt64] {
        let always: UInt64 = 1 << 32
        guard sample > 0 else { return [UInt64](repeating: always, count: counts.count) }
        let threshold = sample * Double(counts.reduce(0, +))
        return counts.map { c in
            let p = ((Double(c) / threshold).squareRoot() + 1) * threshold / Double(c)
            return p >= 1 ? always : UInt64(p * 4_294_967_296)
        }
    }

    /// Runs every epoch; returns the effective word count and the seconds taken.
    func run(onProgress: (@Sendable (Word2VecProgress) -> Void)?) throws -> (Int, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let total = max(1, vocabulary.corpusWords * config.epochs)
        var seeds = RandomGenerator(seed: config.seed ^ 0x5745_4356)
        let failure = Mutex<Error?>(nil)
        let n = threads
        for epoch in 0..<config.epochs {
            let epochSeeds = (0..<n).map { _ in seeds.next() | 1 }
            let work = { @Sendable (worker: Int) in
                let lo = self.file.size * worker / n, hi = self.file.size * (worker + 1) / n
                do {
                    try self.worker(range: lo..<hi, seed: epochSeeds[worker], total: total, epoch: epoch,
                                    report: worker == 0 ? onProgress : nil, clock: clock, start: start)
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
            if n == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: n, execute: work) }
            if let error = failure.withLock({ $0 }) { throw error }
            if let onProgress {
                let elapsed = (clock.now - start).seconds
                onProgress(Word2VecProgress(epoch: epoch + 1, epochs: config.epochs,
                                            fraction: Double(progress.load(ordering: .relaxed)) / Double(total),
                                            alpha: alpha(done: progress.load(ordering: .relaxed), total: total),
                                            wordsPerSecond: Double(effective.load(ordering: .relaxed)) / max(elapsed, 1e-9),
                                            elapsed: elapsed, epochEnded: true))
            }
        }
        return (effective.load(ordering: .relaxed), (clock.now - start).seconds)
    }

    /// The learning rate after `done` of `total` words: linear from `alpha` to `minAlpha`.
    func alpha(done: Int, total: Int) -> Float {
        let f = min(1, Float(Double(done) / Double(total)))
        return max(config.minAlpha, config.alpha - (config.alpha - config.minAlpha) * f)
    }

    /// One thread's pass over its slice of the corpus.
    func worker(range: Range<Int>, seed: UInt64, total: Int, epoch: Int,
                report: (@Sendable (Word2VecProgress) -> Void)?, clock: ContinuousClock, start: ContinuousClock.Instant) throws {
        let s = stride
        let scratch = AlignedBuffer(count: 2 * s)
        let maxLength = config.maxSentenceLength
        let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: maxLength)
        let targets = UnsafeMutablePointer<Int32>.allocate(capacity: config.negative + 1)
        defer {
            sentence.deallocate()
            targets.deallocate()
        }
        var random = seed
        var length = 0, raw = 0, kept = 0
        var lastReport = clock.now
        let table = vocabulary.table
        let window = config.window, mean = config.cbowMean
        let architecture = config.architecture, hs = config.hierarchicalSoftmax
        let emptyCodes: [UInt8] = [0], emptyPoints: [Int32] = [0], emptyOffsets: [Int32] = [0, 0]
        let tree = self.tree
        try sigmoid.withUnsafeBufferPointer { sig in
        try noise.withUnsafeBufferPointer { noiseTable in
        try (tree?.offsets ?? emptyOffsets).withUnsafeBufferPointer { offsets in
        try (tree?.codes ?? emptyCodes).withUnsafeBufferPointer { codes in
        try (tree?.points ?? emptyPoints).withUnsafeBufferPointer { points in
        try keep.withUnsafeBufferPointer { keep in
            let context = Word2VecKernels.Context(
                input: input.pointer, output: output.pointer, stride: s, sigmoid: sig.baseAddress!,
                noise: noiseTable.baseAddress!, noiseCount: noiseTable.count, negative: config.negative,
                offsets: offsets.baseAddress!, codes: codes.baseAddress!, points: points.baseAddress!,
                gradient: scratch.pointer, hidden: scratch.pointer + s, targets: targets)

            func flush() {
                let done = progress.add(raw, ordering: .relaxed).newValue
                effective.add(kept, ordering: .relaxed)
                raw = 0
                kept = 0
                if length > 1 {
                    let a = alpha(done: done, total: total)
                    switch (architecture, hs) {
                    case (.skipGram, false):
                        Word2VecKernels.skipGramNegative(context, sentence: sentence, length: length, window: window,
                                                         alpha: a, random: &random)
                    case (.skipGram, true):
                        Word2VecKernels.skipGramHierarchical(context, sentence: sentence, length: length, window: window,
                                                             alpha: a, random: &random)
                    case (.cbow, false):
                        Word2VecKernels.cbowNegative(context, sentence: sentence, length: length, window: window,
                                                     alpha: a, mean: mean, random: &random)
                    case (.cbow, true):
                        Word2VecKernels.cbowHierarchical(context, sentence: sentence, length: length, window: window,
                                                         alpha: a, mean: mean, random: &random)
                    }
                }
                length = 0
                if let report, (clock.now - lastReport) > .milliseconds(250) {
                    lastReport = clock.now
                    let elapsed = (clock.now - start).seconds
                    report(Word2VecProgress(epoch: epoch + 1, epochs: config.epochs,
                                            fraction: Double(done) / Double(total), alpha: alpha(done: done, total: total),
                                            wordsPerSecond: Double(effective.load(ordering: .relaxed)) / max(elapsed, 1e-9),
                                            elapsed: elapsed, epochEnded: false))
                }
            }

            try vocabulary.tokenizer.stream(file, range: range, token: { t in
                raw &+= 1
                let id = table.find(t)
                if id < 0 { return }
                if keep[Int(id)] <= (Word2VecKernels.nextRandom(&random) >> 16) & 0xFFFF_FFFF { return }
                sentence[length] = id
                length &+= 1
                kept &+= 1
                if length == maxLength { flush() }
            }, lineEnd: flush)
            flush()
        }}}}}}
    }

    /// The input vectors without row padding, `count × vectorSize`.
    func vectors() -> [Float] {
        let d = config.vectorSize
        var out = [Float](repeating: 0, count: vocabulary.count * d)
        for w in 0..<vocabulary.count {
            for k in 0..<d { out[w * d + k] = input.pointer[w * stride + k] }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
