import Dispatch
import LatentTensor
import Synchronization

/// The settings of a GloVe run (Pennington, Socher & Manning 2014), named after the options of
/// Stanford's `glove` tool.
public struct GloVeConfig: Codable, Sendable, Equatable {
    /// Dimensions of each vector.
    public var vectorSize = 100
    /// Words up to this far apart co-occur, weighted 1/distance.
    public var window = 10
    /// Words rarer than this are dropped.
    public var minCount = 5
    /// Keep at most this many of the most frequent words.
    public var maxVocab: Int?
    /// Cells with more weight than this get the full weight in the loss (`x_max`).
    public var xMax: Float = 100
    /// Exponent of the weighting function below `xMax` (3/4 from the paper).
    public var weightingExponent: Float = 0.75
    /// AdaGrad's initial learning rate.
    public var learningRate: Float = 0.05
    /// Passes over the co-occurrence cells.
    public var epochs = 15
    /// Bytes the co-occurrence table may use before it spills a sorted run to a temporary file.
    public var memoryLimit = 512 << 20
    /// Worker threads (`nil`: `Threads.count`); Hogwild over disjoint slices of the shuffled cells.
    public var threads: Int?
    /// Seed for the initial vectors and the shuffles.
    public var seed: UInt64 = 1
    /// How the corpus is split into words.
    public var tokenizer = Tokenizer()

    /// The defaults.
    public init() {}

    /// Checks every setting, naming the first bad one.
    public func validate() throws {
        func bad(_ s: String) -> LatentTextError { .invalidConfig(s) }
        guard vectorSize >= 1 && vectorSize <= 10_000 else { throw bad("vector size must be in 1...10000, got \(vectorSize)") }
        guard window >= 1 else { throw bad("window must be at least 1, got \(window)") }
        guard minCount >= 1 else { throw bad("min_count must be at least 1, got \(minCount)") }
        guard xMax > 0 else { throw bad("x_max must be positive, got \(xMax)") }
        guard learningRate > 0 && learningRate.isFinite else { throw bad("learning rate must be positive, got \(learningRate)") }
        guard epochs >= 1 else { throw bad("epochs must be at least 1, got \(epochs)") }
        guard memoryLimit >= 1 << 20 else { throw bad("memory limit must be at least 1 MB") }
        if let t = threads, t < 1 { throw bad("threads must be at least 1, got \(t)") }
    }
}

/// GloVe: word vectors from a weighted least-squares fit to log co-occurrence counts.
///
/// Steps: vocabulary scan; sparse co-occurrence counting (`CooccurrenceCounter`, memory-bounded);
/// then `epochs` passes of AdaGrad over the shuffled non-zero cells, minimising
/// `Σ f(X_ij) (w_i · w̃_j + b_i + b̃_j − log X_ij)²` with `f(x) = min(1, (x / x_max)^α)`. The
/// vectors reported are `W + W̃`, as the paper recommends.
public struct GloVe: Sendable {
    /// The settings used.
    public let config: GloVeConfig
    /// The vocabulary, most frequent word first.
    public let vocabulary: Vocabulary
    /// `W + W̃` in vocabulary order.
    public let vectors: KeyedVectors
    /// Non-zero co-occurrence cells.
    public let cells: Int
    /// The weighted loss (mean over cells) after each epoch.
    public let losses: [Double]
    /// Seconds spent counting co-occurrences and training.
    public let countingSeconds: Double, trainingSeconds: Double

    /// Trains on the corpus at `path`.
    ///
    /// - Throws: `LatentTextError` for bad settings or a corpus with no usable word;
    ///   `LatentIOError` when the file cannot be read.
    public static func train(corpus path: String, config: GloVeConfig,
                             onEpoch: (@Sendable (_ epoch: Int, _ loss: Double) -> Void)? = nil) throws -> GloVe {
        try config.validate()
        let clock = ContinuousClock()
        var start = clock.now
        let vocabulary = try Vocabulary.build(corpus: path, tokenizer: config.tokenizer, minCount: config.minCount,
                                              maxVocab: config.maxVocab)
        var cells = try CooccurrenceCounter(vocabulary: vocabulary, window: config.window,
                                            memoryLimit: config.memoryLimit).count(corpus: path)
        guard !cells.isEmpty else {
            throw LatentTextError.invalidConfig("\(path): no two vocabulary words co-occur within the window")
        }
        let countingSeconds = (clock.now - start).seconds
        start = clock.now
        let v = vocabulary.count, d = config.vectorSize, s = (d + 7) / 8 * 8
        var rng = RandomGenerator(seed: config.seed)
        // Rows: W (v), then W̃ (v), padded to whole SIMD blocks; biases in their own arrays.
        let weights = AlignedBuffer(count: 2 * v * s)
        let squares = AlignedBuffer(count: 2 * v * s)
        var biases = [Float](repeating: 0, count: 2 * v), biasSquares = [Float](repeating: 1, count: 2 * v)
        for r in 0..<(2 * v) {
            for k in 0..<d { weights.pointer[r * s + k] = (rng.nextFloat() - 0.5) / Float(d) }
            // Padding too: its gradients are 0, and 0 / sqrt(1) keeps it at 0 (0 / sqrt(0) would not).
            for k in 0..<s { squares.pointer[r * s + k] = 1 }
            biases[r] = (rng.nextFloat() - 0.5) / Float(d)
        }
        let threads = config.threads ?? Threads.count
        var losses: [Double] = []
        try biases.withUnsafeMutableBufferPointer { b in
            try biasSquares.withUnsafeMutableBufferPointer { bs in
                let model = GloVeKernel(weights: weights.pointer, squares: squares.pointer, biases: b.baseAddress!,
                                        biasSquares: bs.baseAddress!, stride: s, vocabularySize: v,
                                        xMax: config.xMax, exponent: config.weightingExponent,
                                        learningRate: config.learningRate)
                for epoch in 0..<config.epochs {
                    rng.shuffle(&cells)
                    let total = cells.withUnsafeBufferPointer { c -> Double in
                        let shared = UnsafeSendable(c)
                        let partial = Mutex<Double>(0)
                        let work = { @Sendable (t: Int) in
                            let lo = shared.value.count * t / threads, hi = shared.value.count * (t + 1) / threads
                            let loss = model.train(shared.value, range: lo..<hi)
                            partial.withLock { $0 += loss }
                        }
                        if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
                        return partial.withLock { $0 }
                    }
                    let loss = total / Double(cells.count)
                    guard loss.isFinite else {
                        throw LatentTextError.invalidConfig("GloVe diverged in epoch \(epoch + 1) (loss \(loss)); lower the learning rate")
                    }
                    losses.append(loss)
                    onEpoch?(epoch + 1, loss)
                }
            }
        }
        var out = [Float](repeating: 0, count: v * d)
        for w in 0..<v {
            for k in 0..<d { out[w * d + k] = weights.pointer[w * s + k] + weights.pointer[(v + w) * s + k] }
        }
        return GloVe(config: config, vocabulary: vocabulary,
                     vectors: try KeyedVectors(words: vocabulary.words, vectors: out, vectorSize: d),
                     cells: cells.count, losses: losses, countingSeconds: countingSeconds,
                     trainingSeconds: (clock.now - start).seconds)
    }
}

/// Carries a buffer pointer into worker closures; the workers read disjoint slices.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// GloVe's hot loop: AdaGrad steps over a slice of co-occurrence cells, on flat rows.
struct GloVeKernel: @unchecked Sendable {
    /// `2 × vocabularySize` rows: W then W̃.
    let weights: UnsafeMutablePointer<Float>
    /// AdaGrad's accumulated squared gradients, same layout.
    let squares: UnsafeMutablePointer<Float>
    /// Biases b then b̃, and their accumulated squared gradients.
    let biases: UnsafeMutablePointer<Float>
    let biasSquares: UnsafeMutablePointer<Float>
    let stride: Int
    let vocabularySize: Int
    let xMax: Float
    let exponent: Float
    let learningRate: Float

    /// One pass over `cells[range]`; returns the summed weighted squared error (before the steps).
    func train(_ cells: UnsafeBufferPointer<Cooccurrence>, range: Range<Int>) -> Double {
        var loss = 0.0
        let s = stride
        for n in range {
            let cell = cells[n]
            let i = Int(cell.row), j = vocabularySize + Int(cell.column)
            let wi = weights + i * s, wj = weights + j * s
            let gi = squares + i * s, gj = squares + j * s
            let diff = Word2VecKernels.dot(wi, wj, s) + biases[i] + biases[j] - log(cell.value)
            let weight = cell.value < xMax ? pow(cell.value / xMax, exponent) : 1
            let fdiff = weight * diff
            loss += Double(0.5 * fdiff * diff)
            let step = fdiff * learningRate
            // AdaGrad: each coordinate's step is divided by the root of its summed squared gradients.
            for b in 0..<(s >> 3) {
                let a = Word2VecKernels.block(wi, b), c = Word2VecKernels.block(wj, b)
                let ga = c * step, gc = a * step
                let sa = Word2VecKernels.block(gi, b), sc = Word2VecKernels.block(gj, b)
                Word2VecKernels.setBlock(wi, b, a - ga / sa.squareRoot())
                Word2VecKernels.setBlock(wj, b, c - gc / sc.squareRoot())
                Word2VecKernels.setBlock(gi, b, sa + ga * ga)
                Word2VecKernels.setBlock(gj, b, sc + gc * gc)
            }
            biases[i] -= step / biasSquares[i].squareRoot()
            biases[j] -= step / biasSquares[j].squareRoot()
            biasSquares[i] += step * step
            biasSquares[j] += step * step
        }
        return loss
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
