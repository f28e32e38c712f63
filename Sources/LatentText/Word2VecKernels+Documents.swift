/// The doc2vec variants of the word2vec kernels (Le & Mikolov 2014; gensim's `doc2vec_inner.pyx`):
/// one function per architecture, each training on one document. They use the same primitives
/// (`negativeSampling`, `hierarchicalSoftmax`, `axpy`, the dynamic window) and follow the same
/// rules: flat rows, no allocation, explicit random state, lock-free shared updates.
///
/// A document's own vector is one more input row (`doc`, a row of the document matrix or the
/// single row being inferred). The flags say what may change: training updates everything;
/// inference (gensim's `infer_vector`) passes `learnWords` and `learnOutput` false, so only the
/// document row moves.
extension Word2VecKernels {
    /// What one document step may update, and where the word rows are.
    struct DocumentStep {
        /// Floats between word rows (and document rows); a multiple of 8. For PV-DM with
        /// concatenation the output rows are longer (`Context.stride`).
        var wordStride: Int
        /// Update the word (input) rows: PV-DM and `dbow_words` training.
        var learnWords: Bool
        /// Update the output rows (training, not inference).
        var learnOutput: Bool
        /// Hierarchical softmax instead of negative sampling.
        var hierarchical: Bool
    }

    /// Trains the row `l1` (its gradient gathered in `c.gradient`, which the caller zeroes and
    /// applies) to predict `word` with the chosen objective.
    @inline(__always)
    static func predict(_ c: Context, _ step: DocumentStep, input l1: UnsafeMutablePointer<Float>, word: Int32,
                        alpha: Float, random: inout UInt64) {
        if step.hierarchical {
            if step.learnOutput { hierarchicalSoftmax(c, input: l1, word: word, alpha: alpha) }
            else { hierarchicalSoftmax(c, input: l1, word: word, alpha: alpha, learnOutput: false) }
        } else {
            if step.learnOutput { negativeSampling(c, input: l1, word: word, alpha: alpha, random: &random) }
            else { negativeSampling(c, input: l1, word: word, alpha: alpha, learnOutput: false, random: &random) }
        }
    }

    /// PV-DBOW over one document: the document row predicts each of its words (skip-gram with
    /// the document as the only context). With `trainWords` (gensim's `dbow_words`) each word
    /// also predicts its window neighbours first, as skip-gram does, so word vectors are trained
    /// in the same space.
    ///
    /// - Parameters:
    ///   - c: weights, tables and this thread's scratch rows (`c.stride` = `step.wordStride`).
    ///   - doc: the document's row.
    ///   - sentence: `length` word ids (already subsampled).
    ///   - window: the maximum half-width of the word windows (`trainWords` only).
    ///   - alpha: the learning rate for this document.
    ///   - random: this thread's random state, advanced in place.
    @inline(never)
    static func documentDBOW(_ c: Context, _ step: DocumentStep, doc: UnsafeMutablePointer<Float>,
                             sentence: UnsafePointer<Int32>, length: Int, window: Int, trainWords: Bool,
                             alpha: Float, random: inout UInt64) {
        let s = c.stride
        for i in 0..<length {
            let word = sentence[i]
            if trainWords {
                let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
                for j in lo..<hi where j != i {
                    let l1 = c.input + Int(sentence[j]) &* s
                    zero(c.gradient, s)
                    predict(c, step, input: l1, word: word, alpha: alpha, random: &random)
                    if step.learnWords { axpy(1, c.gradient, l1, s) }
                }
            }
            zero(c.gradient, s)
            predict(c, step, input: doc, word: word, alpha: alpha, random: &random)
            axpy(1, c.gradient, doc, s)
        }
    }

    /// PV-DM over one document, mean or sum: the document row plus the word rows of the window
    /// around each position (summed, or averaged with `mean`) predict the centre word; the
    /// gradient goes back to the document row and, when `step.learnWords`, to the word rows
    /// (divided by their number after a sum, as gensim does with `dm_mean=0`).
    @inline(never)
    static func documentDM(_ c: Context, _ step: DocumentStep, doc: UnsafeMutablePointer<Float>,
                           sentence: UnsafePointer<Int32>, length: Int, window: Int, mean: Bool,
                           alpha: Float, random: inout UInt64) {
        let s = c.stride
        for i in 0..<length {
            let (lo, hi) = windowBounds(i, length: length, window: window, random: &random)
            zero(c.hidden, s)
            var n = 1
            for j in lo..<hi where j != i {
                axpy(1, c.input + Int(sentence[j]) &* s, c.hidden, s)
                n &+= 1
            }
            axpy(1, doc, c.hidden, s)
            if mean && n > 1 { scale(c.hidden, 1 / Float(n), s) }
            zero(c.gradient, s)
            predict(c, step, input: c.hidden, word: sentence[i], alpha: alpha, random: &random)
            if !mean && n > 1 { scale(c.gradient, 1 / Float(n), s) }
            axpy(1, c.gradient, doc, s)
            if step.learnWords {
                for j in lo..<hi where j != i { axpy(1, c.gradient, c.input + Int(sentence[j]) &* s, s) }
            }
        }
    }

    /// PV-DM with concatenation (gensim's `dm_concat=1`): the input layer is the document row
    /// followed by the `window` word rows before and the `window` after each position, in order
    /// (the null word's row, id `nullWord`, beyond the document's ends), so the output rows are
    /// `(1 + 2·window)` word rows long (`c.stride`). The window is fixed, not drawn.
    @inline(never)
    static func documentDMConcat(_ c: Context, _ step: DocumentStep, doc: UnsafeMutablePointer<Float>,
                                 sentence: UnsafePointer<Int32>, length: Int, window: Int, nullWord: Int32,
                                 alpha: Float, random: inout UInt64) {
        let ws = step.wordStride, s = c.stride
        @inline(__always) func contextWord(_ i: Int, _ m: Int) -> Int32 {
            // Slot m (0..<2·window) of position i: the m-th word of i-window..<i, i+1...i+window.
            let j = m < window ? i &- window &+ m : i &+ 1 &+ (m &- window)
            return j >= 0 && j < length ? sentence[j] : nullWord
        }
        for i in 0..<length {
            copy(doc, c.hidden, ws)
            for m in 0..<(2 &* window) {
                copy(c.input + Int(contextWord(i, m)) &* ws, c.hidden + (m &+ 1) &* ws, ws)
            }
            zero(c.gradient, s)
            predict(c, step, input: c.hidden, word: sentence[i], alpha: alpha, random: &random)
            axpy(1, c.gradient, doc, ws)
            if step.learnWords {
                for m in 0..<(2 &* window) {
                    axpy(1, c.gradient + (m &+ 1) &* ws, c.input + Int(contextWord(i, m)) &* ws, ws)
                }
            }
        }
    }

    /// `y = x` over `stride` floats.
    @inline(__always)
    static func copy(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ stride: Int) {
        for i in 0..<(stride >> 3) { setBlock(y, i, block(x, i)) }
    }

    /// The logistic function tabulated on `[-maxExp, maxExp)` (`sigmoidTableSize` entries), as
    /// every kernel reads it.
    static func sigmoidTable() -> [Float] {
        (0..<sigmoidTableSize).map { i in
            let x = (Float(i) / Float(sigmoidTableSize) * 2 - 1) * maxExp
            return Float(1 / (1 + exp(-Double(x))))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
