import CLatentText

/// The hot loops of word2vec: one function per variant, each training on one sentence.
///
/// As in the original C tool and gensim's `word2vec_inner.pyx`, these functions know nothing of
/// threads, files or schedules. They take flat `Float` rows, a learning rate and an explicit
/// random state, allocate nothing, and update the shared weights in place without locks
/// (Hogwild: two threads rarely touch the same row at the same moment, and a lost update costs
/// nothing measurable). `Word2VecTrainer` drives them.
///
/// Rows are `stride` floats apart with `stride` a multiple of 8 and the padding kept at zero,
/// so every vector operation is whole `SIMD8<Float>` blocks (AVX2 + FMA with `-target-cpu
/// haswell`) and the padding stays zero because it only ever receives `g * 0`.
enum Word2VecKernels {
    /// `sigmoid(x)` is tabulated on `[-maxExp, maxExp]`; beyond it a step is skipped (gensim's
    /// choice: the gradient there is below 0.25 % or the example is hopeless).
    static let maxExp: Float = 6
    static let sigmoidTableSize = 1000

    /// Read-only state every training step needs, plus this thread's scratch rows.
    struct Context {
        /// Input vectors (`syn0`), one row per word.
        var input: UnsafeMutablePointer<Float>
        /// Output vectors: `syn1neg` (one row per word) for negative sampling, or `syn1` (one row
        /// per inner Huffman node) for hierarchical softmax.
        var output: UnsafeMutablePointer<Float>
        /// Floats between rows; a multiple of 8.
        var stride: Int
        /// `sigmoidTableSize` values of the logistic function on `[-maxExp, maxExp)`.
        var sigmoid: UnsafePointer<Float>
        /// The alias table of the noise distribution ∝ count^0.75 (negative sampling only).
        var noise: UnsafePointer<UInt64>
        /// Entries in `noise` (the vocabulary size).
        var noiseCount: Int
        /// Negative samples per positive one.
        var negative: Int
        /// Huffman paths (hierarchical softmax only): word `w` uses `codes`/`points` in
        /// `offsets[w]..<offsets[w+1]`.
        var offsets: UnsafePointer<Int32>
        var codes: UnsafePointer<UInt8>
        var points: UnsafePointer<Int32>
        /// Scratch rows owned by the calling thread: the accumulated input gradient, and the
        /// context average for CBOW.
        var gradient: UnsafeMutablePointer<Float>
        var hidden: UnsafeMutablePointer<Float>
        /// Scratch for the `negative + 1` target ids of one example.
        var targets: UnsafeMutablePointer<Int32>
    }

    // MARK: Random numbers

    /// The C tool's linear congruential step; cheap enough to call per negative sample.
    @inline(__always)
    static func nextRandom(_ r: inout UInt64) -> UInt64 {
        r = r &* 25_214_903_917 &+ 11
        return r
    }

    /// A noise word: a uniform entry of the alias table, kept or replaced by its alias.
    @inline(__always)
    static func noiseWord(_ c: Context, _ r: inout UInt64) -> Int32 {
        let i = randomBelow(c.noiseCount, &r)
        let entry = c.noise[i]
        let u = UInt32(truncatingIfNeeded: nextRandom(&r) >> 16)
        return u < UInt32(truncatingIfNeeded: entry) ? Int32(truncatingIfNeeded: i) : Int32(truncatingIfNeeded: entry >> 32)
    }

    /// A uniform integer in `0..<n` from the high bits of the next state (multiply-shift, no division).
    @inline(__always)
    static func randomBelow(_ n: Int, _ r: inout UInt64) -> Int {
        Int((((nextRandom(&r) >> 16) & 0xFFFF_FFFF) &* UInt64(n)) >> 32)
    }

    // MARK: Vector primitives

    @inline(__always)
    static func block(_ p: UnsafeMutablePointer<Float>, _ i: Int) -> SIMD8<Float> {
        UnsafeRawPointer(p).load(fromByteOffset: i &* 32, as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func setBlock(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ v: SIMD8<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, toByteOffset: i &* 32, as: SIMD8<Float>.self)
    }

    /// `a · b` over `stride` floats; four accumulators hide the FMA latency.
    @inline(__always)
    static func dot(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ stride: Int) -> Float {
        let blocks = stride >> 3
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i &+ 4 <= blocks {
            s0.addProduct(block(a, i), block(b, i))
            s1.addProduct(block(a, i &+ 1), block(b, i &+ 1))
            s2.addProduct(block(a, i &+ 2), block(b, i &+ 2))
            s3.addProduct(block(a, i &+ 3), block(b, i &+ 3))
            i &+= 4
        }
        while i < blocks {
            s0.addProduct(block(a, i), block(b, i))
            i &+= 1
        }
        return ((s0 + s1) + (s2 + s3)).sum()
    }

    /// `y += g * x`.
    @inline(__always)
    static func axpy(_ g: Float, _ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ stride: Int) {
        let gv = SIMD8<Float>(repeating: g)
        for i in 0..<(stride >> 3) {
            var v = block(y, i)
            v.addProduct(gv, block(x, i))
            setBlock(y, i, v)
        }
    }

    /// The two updates of one output row fused into one pass: `grad += g * out; out += g * in`.
    @inline(__always)
    static func exchange(_ g: Float, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                         gradient: UnsafeMutablePointer<Float>, _ stride: Int) {
        let gv = SIMD8<Float>(repeating: g)
        for i in 0..<(stride >> 3) {
            let o = block(output, i)
            var e = block(gradient, i)
            e.addProduct(gv, o)
            setBlock(gradient, i, e)
            var u = o
            u.addProduct(gv, block(input, i))
            setBlock(output, i, u)
        }
    }

    @inline(__always)
    static func zero(_ p: UnsafeMutablePointer<Float>, _ stride: Int) {
        for i in 0..<(stride >> 3) { setBlock(p, i, SIMD8<Float>()) }
    }

    @inline(__always)
    static func scale(_ p: UnsafeMutablePointer<Float>, _ s: Float, _ stride: Int) {
        for i in 0..<(stride >> 3) { setBlock(p, i, block(p, i) * s) }
    }

    // MARK: One positive example against its targets

    /// Negative sampling for one (input row, true word) pair: the true word's output row with
    /// label 1 and `negative` noise words with label 0. Accumulates the input's gradient in
    /// `c.gradient` (the caller applies it). With `learnOutput` false the output rows stay as they
    /// are (doc2vec's inference, gensim's `learn_hidden=False`).
    @inline(__always)
    static func negativeSampling(_ c: Context, input l1: UnsafeMutablePointer<Float>, word: Int32, alpha: Float,
                                 learnOutput: Bool = true, random: inout UInt64) {
        let s = c.stride
        // Draw every target first and prefetch their rows: the noise rows are random places in
        // a matrix larger than the cache, and fetching them together overlaps the misses.
        c.targets[0] = word
        for d in 1...c.negative { c.targets[d] = noiseWord(c, &random) }
        for d in 0...c.negative {
            let row = UnsafeRawPointer(c.output + Int(c.targets[d]) &* s)
            var offset = 0
            while offset < s &* 4 {
                latent_prefetch_write(row + offset)
                offset &+= 64
            }
        }
        for d in 0...c.negative {
            let target = c.targets[d]
            if d > 0 && target == word { continue }
            let label: Float = d == 0 ? 1 : 0
            let l2 = c.output + Int(target) &* s
            let f = dot(l1, l2, s)
            // Saturated logits carry (almost) no gradient; skip them as gensim does.
            if f <= -maxExp || f >= maxExp { continue }
            let g = (label - c.sigmoid[Int((f + maxExp) * (Float(sigmoidTableSize) / maxExp / 2))]) * alpha
            if learnOutput { exchange(g, input: l1, output: l2, gradient: c.gradient, s) } else { axpy(g, l2, c.gradient, s) }
        }
    }

    /// Hierarchical softmax for one (input row, true word) pair: one logistic step per inner node
    /// on the word's Huffman path, predicting the branch taken. Nodes where the logit is beyond
    /// ±maxExp are skipped, as in the C tool. `learnOutput` as for `negativeSampling`.
    @inline(__always)
    static func hierarchicalSoftmax(_ c: Context, input l1: UnsafeMutablePointer<Float>, word: Int32, alpha: Float,
                                    learnOutput: Bool = true) {
        let s = c.stride
        let lo = Int(c.offsets[Int(word)]), hi = Int(c.offsets[Int(word) &+ 1])
        for k in lo..<hi {
            let l2 = c.output + Int(c.points[k]) &* s
            let f = dot(l1, l2, s)
            if f <= -maxExp || f >= maxExp { continue }
            let sig = c.sigmoid[Int((f + maxExp) * (Float(sigmoidTableSize) / maxExp / 2))]
            let g = (1 - Float(c.codes[k]) - sig) * alpha
            if learnOutput { exchange(g, input: l1, output: l2, gradient: c.gradient, s) } else { axpy(g, l2, c.gradient, s) }
        }
    }

    /// The window around position `i`: its half-width is drawn uniformly from 1...window
    /// ("dynamic window"), which weights near words more, as in the C tool and gensim.
    @inline(__always)
    static func windowBounds(_ i: Int, length: Int, window: Int, random: inout UInt64) -> (Int, Int) {
        let reduced = randomBelow(window, &random)
        return (Swift.max(0, i &- window &+ reduced), Swift.min(length, i &+ window &+ 1 &- reduced))
    }

    // MARK: The four variants

    /// Skip-gram with negative sampling over one sentence of word ids: each context word's input
    /// row predicts the centre word.
    ///
    /// - Parameters:
    ///   - c: weights, tables and this thread's scratch rows.
    ///   - sentence: `length` word ids (already subsampled).
    ///   - window: the maximum half-width of the context window.
    ///   - alpha: the learning rate for this sentence.
    ///   - random: this thread's random state, advanced in place.
    static func skipGramNegative(_ c: Context, sentence: UnsafePointer<Int32>, length: Int, window: Int,
                                 alpha: Float, random: inout UInt64) {
        let s = c.stride
        for i in 0..<length {
            let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
            let word = sentence[i]
            for j in lo..<hi where j != i {
                let l1 = c.input + Int(sentence[j]) &* s
                zero(c.gradient, s)
                negativeSampling(c, input: l1, word: word, alpha: alpha, random: &random)
                axpy(1, c.gradient, l1, s)
            }
        }
    }

    /// Skip-gram with hierarchical softmax over one sentence (arguments as `skipGramNegative`).
    static func skipGramHierarchical(_ c: Context, sentence: UnsafePointer<Int32>, length: Int, window: Int,
                                     alpha: Float, random: inout UInt64) {
        let s = c.stride
        for i in 0..<length {
            let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
            let word = sentence[i]
            for j in lo..<hi where j != i {
                let l1 = c.input + Int(sentence[j]) &* s
                zero(c.gradient, s)
                hierarchicalSoftmax(c, input: l1, word: word, alpha: alpha)
                axpy(1, c.gradient, l1, s)
            }
        }
    }

    /// Sums (or averages, with `mean`) the context rows of position `i` into `c.hidden`;
    /// returns how many there were.
    @inline(__always)
    static func contextSum(_ c: Context, sentence: UnsafePointer<Int32>, i: Int, lo: Int, hi: Int, mean: Bool) -> Int {
        let s = c.stride
        zero(c.hidden, s)
        var n = 0
        for j in lo..<hi where j != i {
            axpy(1, c.input + Int(sentence[j]) &* s, c.hidden, s)
            n &+= 1
        }
        if mean && n > 1 { scale(c.hidden, 1 / Float(n), s) }
        return n
    }

    /// Adds the accumulated gradient to every context row (divided by their number when the
    /// context was summed rather than averaged, as gensim does with `cbow_mean=0`).
    @inline(__always)
    static func spreadGradient(_ c: Context, sentence: UnsafePointer<Int32>, i: Int, lo: Int, hi: Int, n: Int, mean: Bool) {
        let s = c.stride
        if !mean && n > 1 { scale(c.gradient, 1 / Float(n), s) }
        for j in lo..<hi where j != i { axpy(1, c.gradient, c.input + Int(sentence[j]) &* s, s) }
    }

    /// CBOW with negative sampling over one sentence: the average (`mean`) or sum of the context
    /// rows predicts the centre word. Other arguments as `skipGramNegative`.
    static func cbowNegative(_ c: Context, sentence: UnsafePointer<Int32>, length: Int, window: Int,
                             alpha: Float, mean: Bool, random: inout UInt64) {
        for i in 0..<length {
            let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
            let n = contextSum(c, sentence: sentence, i: i, lo: lo, hi: hi, mean: mean)
            if n == 0 { continue }
            zero(c.gradient, c.stride)
            negativeSampling(c, input: c.hidden, word: sentence[i], alpha: alpha, random: &random)
            spreadGradient(c, sentence: sentence, i: i, lo: lo, hi: hi, n: n, mean: mean)
        }
    }

    /// CBOW with hierarchical softmax over one sentence (arguments as `cbowNegative`).
    static func cbowHierarchical(_ c: Context, sentence: UnsafePointer<Int32>, length: Int, window: Int,
                                 alpha: Float, mean: Bool, random: inout UInt64) {
        for i in 0..<length {
            let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
            let n = contextSum(c, sentence: sentence, i: i, lo: lo, hi: hi, mean: mean)
            if n == 0 { continue }
            zero(c.gradient, c.stride)
            hierarchicalSoftmax(c, input: c.hidden, word: sentence[i], alpha: alpha)
            spreadGradient(c, sentence: sentence, i: i, lo: lo, hi: hi, n: n, mean: mean)
        }
    }
}
