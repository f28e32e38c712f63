import Foundation
import LatentTensor

/// UMAP's layout optimiser: SGD on the fuzzy cross-entropy between the graph and the
/// embedding's similarities `1 / (1 + a·d^{2b})`, with negative sampling (umap-learn's
/// `optimize_layout_euclidean`, same schedule and constants).
///
/// - Every edge `(i, j)` of weight `w` is sampled once every `w_max / w` epochs (edges below
///   `w_max / n_epochs` are never sampled). A sample pulls `i` towards `j` along
///   `−2ab·d^{2(b−1)} / (1 + a·d^{2b}) · (y_i − y_j)`, then pushes `i` away from
///   `negative_sample_rate` uniformly drawn points `k` along
///   `2γb / ((0.001 + d²)(1 + a·d^{2b})) · (y_i − y_k)`. Each coordinate of each step is clipped
///   to [−4, 4] and scaled by the learning rate, which decays linearly to 0 over the epochs.
/// - Only the edge's head `i` moves. The graph holds each edge in both directions; umap-learn's
///   `fit` moves both ends of a sampled edge (`move_other=True`), its `transform` the head alone.
///   Moving the head alone in `fit` too is what makes the parallel epoch reproducible, and on
///   MNIST (5,000 digits, 3 seeds) it matched umap-learn's 10-NN accuracy (0.942 vs 0.942),
///   while doubling the pull to make up for the unmoved tail lowered it by 0.01; so `fit` and
///   `transform` both use `attraction = 1`.
/// - Deterministic in parallel: heads are split into contiguous ranges, one per thread; a head's
///   own position is read live, every other position from a snapshot taken at the start of the
///   epoch, and each head draws from its own random stream. The result therefore does not
///   depend on the number of threads.
enum UMAPLayout {
    /// The per-edge sampling schedule.
    struct Schedule {
        var epochsPerSample: [Float]
        var nextSample: [Float]
        var nextNegative: [Float]
    }

    /// `w_max / w` per edge (−1: never sampled, for `w < w_max / epochs`).
    static func schedule(_ values: [Float], epochs: Int) -> Schedule {
        let maxW = values.max() ?? 0
        let per = values.map { w -> Float in
            guard maxW > 0 else { return -1 }
            let samples = Float(epochs) * w / maxW
            return samples >= 1 ? Float(epochs) / samples : -1
        }
        return Schedule(epochsPerSample: per, nextSample: per, nextNegative: per)
    }

    /// One random stream per head, derived from the seed by SplitMix64.
    static func streams(count: Int, seed: UInt64) -> [UInt64] {
        (0..<count).map { i in
            var z = seed &+ UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return z == 0 ? 0x1234_5678 : z
        }
    }

    /// The settings of one optimisation.
    struct Settings {
        var dimension: Int
        var a: Float
        var b: Float
        var gamma: Float
        var learningRate: Float
        var negativeSampleRate: Int
        var attraction: Float
        /// Heads are also tails (`fit`): a head never repels itself.
        var sameSet: Bool
    }

    /// Runs `epochs` epochs. `head` (`[heads, dim]`) moves; `tail` (`[tails, dim]`) is read. When
    /// `refreshTail` is given it is called after every epoch to renew the snapshot (fit: copy
    /// `head` into `tail`). Rows of the CSR graph are heads, columns tails.
    static func optimize(head: UnsafeMutablePointer<Float>, heads: Int, tail: UnsafePointer<Float>, tails: Int,
                         rowStart: [Int], columns: [Int32], schedule: inout Schedule, streams: inout [UInt64],
                         epochs: Int, settings s: Settings, refreshTail: (() -> Void)?) {
        let threads = heads >= 4096 ? Threads.count : 1
        let headBox = UncheckedBox(head), tailBox = UncheckedBox(tail)
        rowStart.withUnsafeBufferPointer { rs in
            columns.withUnsafeBufferPointer { cs in
                schedule.epochsPerSample.withUnsafeBufferPointer { eps in
                    schedule.nextSample.withUnsafeMutableBufferPointer { ns in
                        schedule.nextNegative.withUnsafeMutableBufferPointer { nn in
                            streams.withUnsafeMutableBufferPointer { st in
                                let graph = UncheckedBox((rs.baseAddress!, cs.baseAddress!, eps.baseAddress!))
                                let state = UncheckedBox((ns.baseAddress!, nn.baseAddress!, st.baseAddress!))
                                for epoch in 0..<epochs {
                                    let alpha = s.learningRate * (1 - Float(epoch) / Float(epochs))
                                    parallelChunks(heads, chunks: threads) { _, range in
                                        run(range, epoch: Float(epoch), alpha: alpha, head: headBox.value,
                                            tail: tailBox.value, tails: tails, graph: graph.value, state: state.value, s)
                                    }
                                    refreshTail?()
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One epoch over the heads in `range`.
    @inline(__always)
    static func run(_ range: Range<Int>, epoch: Float, alpha: Float, head: UnsafeMutablePointer<Float>,
                    tail: UnsafePointer<Float>, tails: Int,
                    graph: (UnsafePointer<Int>, UnsafePointer<Int32>, UnsafePointer<Float>),
                    state: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<UInt64>),
                    _ s: Settings) {
        let (rowStart, columns, eps) = graph
        let (nextSample, nextNegative, streams) = state
        let dim = s.dimension, a = s.a, b = s.b
        let rate = Float(s.negativeSampleRate)
        let attract = s.attraction * alpha
        for i in range {
            let yi = head + i * dim
            var rng = streams[i]
            for e in rowStart[i]..<rowStart[i + 1] {
                let period = eps[e]
                if period <= 0 || nextSample[e] > epoch { continue }
                let j = Int(columns[e])
                let yj = tail + j * dim
                var d2: Float = 0
                for c in 0..<dim { let t = yi[c] - yj[c]; d2 += t * t }
                if d2 > 0 {
                    let pb = fastPow(d2, b)
                    let coeff = -2 * a * b * pb / d2 / (a * pb + 1)
                    for c in 0..<dim {
                        let g = Swift.min(4, Swift.max(-4, coeff * (yi[c] - yj[c])))
                        yi[c] += g * attract
                    }
                }
                nextSample[e] += period
                guard rate > 0 else { continue }
                let negativePeriod = period / rate
                let negatives = Swift.max(0, Int((epoch - nextNegative[e]) / negativePeriod))
                if dim == 2 {
                    repel2(yi, i: i, count: negatives, tail: tail, tails: tails, rng: &rng, alpha: alpha, s)
                } else {
                    repel(yi, i: i, count: negatives, tail: tail, tails: tails, rng: &rng, alpha: alpha, s)
                }
                nextNegative[e] += Float(negatives) * negativePeriod
            }
            streams[i] = rng
        }
    }

    /// The next random index in [0, tails) from a xorshift64* stream.
    @inline(__always)
    static func nextIndex(_ rng: inout UInt64, below tails: Int) -> Int {
        rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27
        let r = (rng &* 0x2545_F491_4F6C_DD1D) >> 32
        return Int((r &* UInt64(tails)) >> 32)
    }

    /// `count` negative samples for head `yi`, one after another (any dimension).
    @inline(__always)
    static func repel(_ yi: UnsafeMutablePointer<Float>, i: Int, count: Int, tail: UnsafePointer<Float>, tails: Int,
                      rng: inout UInt64, alpha: Float, _ s: Settings) {
        let dim = s.dimension
        for _ in 0..<count {
            let k = nextIndex(&rng, below: tails)
            if s.sameSet && k == i { continue }
            let yk = tail + k * dim
            var dk: Float = 0
            for c in 0..<dim { let t = yi[c] - yk[c]; dk += t * t }
            if dk > 0 {
                let coeff = 2 * s.gamma * s.b / ((0.001 + dk) * (s.a * fastPow(dk, s.b) + 1))
                for c in 0..<dim {
                    let g = Swift.min(4, Swift.max(-4, coeff * (yi[c] - yk[c])))
                    yi[c] += g * alpha
                }
            }
        }
    }

    /// `repel` for 2-d layouts, eight samples at a time: the samples of one batch are all
    /// measured from the head's position before the batch (umap-learn moves it after each), so
    /// distances, powers and clipped steps run in SIMD lanes.
    @inline(__always)
    static func repel2(_ yi: UnsafeMutablePointer<Float>, i: Int, count: Int, tail: UnsafePointer<Float>, tails: Int,
                       rng: inout UInt64, alpha: Float, _ s: Settings) {
        var left = count
        while left > 0 {
            let lanes = Swift.min(8, left)
            left -= lanes
            var dx = SIMD8<Float>(repeating: 0), dy = SIMD8<Float>(repeating: 0)
            var live = SIMD8<Float>(repeating: 0)
            let x0 = yi[0], y0 = yi[1]
            for l in 0..<lanes {
                let k = nextIndex(&rng, below: tails)
                if s.sameSet && k == i { continue }
                dx[l] = x0 - tail[2 * k]
                dy[l] = y0 - tail[2 * k + 1]
                live[l] = 1
            }
            let d2 = dx * dx + dy * dy
            // Coincident points (d² = 0, dx = dy = 0) get no push, as in umap-learn; the tiny
            // offset only keeps the power's logarithm finite, and dead lanes have dx = dy = 0.
            let safe = d2 + SIMD8<Float>(repeating: 1e-30)
            let coeff = (2 * s.gamma * s.b) / ((0.001 + d2) * (s.a * fastPow8(safe, s.b) + 1))
            let gx = clip4(coeff * dx) * live, gy = clip4(coeff * dy) * live
            yi[0] += gx.sum() * alpha
            yi[1] += gy.sum() * alpha
        }
    }

    /// Each lane clipped to [−4, 4] with plain arithmetic (SIMD comparisons compile to scalar
    /// code here): clip(v) = (|v + 4| − |v − 4|) / 2.
    @inline(__always)
    static func clip4(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let four = SIMD8<Float>(repeating: 4)
        return (abs8(v + four) - abs8(v - four)) * 0.5
    }

    /// Lane-wise absolute value by clearing the sign bit.
    @inline(__always)
    static func abs8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & SIMD8<UInt32>(repeating: 0x7FFF_FFFF), to: SIMD8<Float>.self)
    }

    /// `fastPow` in eight lanes for positive normal `x` and `y·log₂ x` inside (−126, 126)
    /// (mantissa in [1, 2), a longer atanh series instead of the range reduction's branch).
    @inline(__always)
    static func fastPow8(_ x: SIMD8<Float>, _ y: Float) -> SIMD8<Float> {
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        let exponent = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bits &>> 23) &- 127)
        let m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F80_0000, to: SIMD8<Float>.self)
        let t = (m - 1) / (m + 1), t2 = t * t
        var series = 0.262308189 * t2 + 0.320598898
        series = series * t2 + 0.412198583
        series = series * t2 + 0.577078016
        series = series * t2 + 0.961796694
        series = series * t2 + 2.88539008
        let z = y * (exponent + t * series)
        // Round to nearest with the 1.5·2²³ trick: the integer lands in the low mantissa bits.
        let shifted = z + 12_582_912
        let n = shifted - 12_582_912
        let f = (z - n) * 0.693147181
        var p = 0.00138888889 * f + 0.00833333333
        p = p * f + 0.0416666667
        p = p * f + 0.166666667
        p = p * f + 0.5
        p = p * f + 1
        p = p * f + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
        return p * scale
    }

    /// `x^y` for `x > 0` as `2^(y·log₂ x)` with short polynomials (relative error below 1e-6,
    /// several times faster than `powf`; the SGD's own noise is far larger).
    @inline(__always)
    static func fastPow(_ x: Float, _ y: Float) -> Float {
        // log₂ x: x = m·2^e with m in [√½, √2), then log₂ m = (2/ln 2)·atanh((m − 1)/(m + 1)).
        let bits = x.bitPattern
        var e = Int32(bitPattern: (bits >> 23) & 0xFF) - 127
        var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)
        if m > 1.41421356 { m *= 0.5; e += 1 }
        let t = (m - 1) / (m + 1), t2 = t * t
        let logm = t * (2.88539008 + t2 * (0.961796694 + t2 * (0.577078016 + t2 * 0.412198583)))
        var z = y * (Float(e) + logm)
        z = Swift.min(126, Swift.max(-126, z))
        // 2^z: z = n + f with f in [−½, ½], 2^f by its Taylor series to degree 6.
        let n = z.rounded(.toNearestOrEven), f = (z - n) * 0.693147181
        let p = 1 + f * (1 + f * (0.5 + f * (0.166666667 + f * (0.0416666667 + f * (0.00833333333 + f * 0.00138888889)))))
        return p * Float(bitPattern: UInt32(Int32(n) + 127) << 23)
    }
}
