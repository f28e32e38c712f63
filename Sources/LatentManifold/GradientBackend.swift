import Foundation
import LatentTensor

/// One way of computing the embedding objective and its gradient: exact, Barnes-Hut or FFT.
///
/// For t-SNE, with `w_ij = 1/(1 + ‖y_i − y_j‖²)`, `Z = Σ_{k≠l} w_kl` and `q_ij = w_ij / Z`,
///
///     ∂KL/∂y_i = 4 Σ_j (α p_ij − q_ij) w_ij (y_i − y_j)
///              = 4 [ α Σ_j p_ij w_ij (y_i − y_j)  −  (1/Z) Σ_j w_ij² (y_i − y_j) ],
///
/// an attractive sum over the sparse P (the same in every backend) and a repulsive all-pairs
/// sum that the backends approximate differently. α is the exaggeration. KL(P‖Q) itself is
/// `Σ p log p − Σ p log w + log Z` (P sums to 1), so it costs one extra log per entry of P.
public protocol GradientBackend {
    /// Writes `∂KL/∂Y` (P scaled by `exaggeration`) for the `[count, dimension]` row-major
    /// embedding `y` into `gradient`, and returns KL(P‖Q) of the unexaggerated P when
    /// `computeKL` (else `.nan`).
    mutating func evaluate(_ y: UnsafePointer<Float>, count: Int, dimension: Int, affinities: Affinities,
                           exaggeration: Float, gradient: UnsafeMutablePointer<Float>, computeKL: Bool) -> Double
}

extension GradientBackend {
    /// KL(P‖Q) and `∂KL/∂Y` at the embedding `y` (`[n, dim]`): a convenience for tests and tools.
    public mutating func klAndGradient(_ y: Tensor, affinities: Affinities, exaggeration: Float = 1) -> (kl: Double, gradient: Tensor) {
        precondition(y.rank == 2 && y.shape[0] == affinities.count, "klAndGradient: embedding \(y.shape) vs \(affinities.count) points")
        var g = Tensor(shape: y.shape)
        let kl = g.withUnsafeMutableBufferPointer { gp in
            y.withUnsafeBufferPointer { yp in
                evaluate(yp.baseAddress!, count: y.shape[0], dimension: y.shape[1], affinities: affinities,
                         exaggeration: exaggeration, gradient: gp.baseAddress!, computeKL: true)
            }
        }
        return (kl, g)
    }
}

/// Shared pieces of the t-SNE backends.
enum TSNEKernels {
    /// Writes `Σ_j p_ij w_ij (y_i − y_j)` for every row into `out` and returns `Σ p_ij log w_ij`
    /// (when `wantLog`, else 0). Rows are split across threads; the log-sum is reduced per chunk
    /// in a fixed order.
    static func attractive(_ y: UnsafePointer<Float>, dimension dim: Int, affinities p: Affinities,
                           into out: UnsafeMutablePointer<Float>, wantLog: Bool) -> Double {
        let n = p.count
        let threads = n >= 2048 ? Threads.count : 1
        var partial = [Double](repeating: 0, count: threads)
        let yb = UncheckedBox(y), ob = UncheckedBox(out)
        p.rowStart.withUnsafeBufferPointer { rs in
            p.columns.withUnsafeBufferPointer { cs in
                p.values.withUnsafeBufferPointer { vs in
                    partial.withUnsafeMutableBufferPointer { pp in
                        let box = UncheckedBox((rs.baseAddress!, cs.baseAddress!, vs.baseAddress!, pp.baseAddress!))
                        parallelChunks(n, chunks: threads) { c, range in
                            let (rs, cs, vs, pp) = box.value
                            let y = yb.value, out = ob.value
                            var logSum = 0.0
                            if dim == 2 {
                                for i in range {
                                    let yi0 = y[2 * i], yi1 = y[2 * i + 1]
                                    var f0: Float = 0, f1: Float = 0
                                    var rowLog: Float = 0
                                    for e in rs[i]..<rs[i + 1] {
                                        let j = Int(cs[e])
                                        let d0 = yi0 - y[2 * j], d1 = yi1 - y[2 * j + 1]
                                        let q = 1 + d0 * d0 + d1 * d1
                                        let pw = vs[e] / q
                                        f0 += pw * d0
                                        f1 += pw * d1
                                        if wantLog { rowLog -= vs[e] * logf(q) }
                                    }
                                    out[2 * i] = f0
                                    out[2 * i + 1] = f1
                                    logSum += Double(rowLog)
                                }
                            } else {
                                for i in range {
                                    for a in 0..<dim { out[i * dim + a] = 0 }
                                    for e in rs[i]..<rs[i + 1] {
                                        let j = Int(cs[e])
                                        var q: Float = 1
                                        for a in 0..<dim {
                                            let t = y[i * dim + a] - y[j * dim + a]
                                            q += t * t
                                        }
                                        let pw = vs[e] / q
                                        for a in 0..<dim { out[i * dim + a] += pw * (y[i * dim + a] - y[j * dim + a]) }
                                        if wantLog { logSum -= Double(vs[e]) * log(Double(q)) }
                                    }
                                }
                            }
                            pp[c] = logSum
                        }
                    }
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// `gradient = 4 (α·attractive − repulsive / Z)`, in place over `attractive`.
    static func combine(_ gradient: UnsafeMutablePointer<Float>, repulsive: UnsafePointer<Float>, count: Int,
                        exaggeration: Float, z: Double) {
        let invZ = Float(1 / z)
        for i in 0..<count { gradient[i] = 4 * (exaggeration * gradient[i] - repulsive[i] * invZ) }
    }
}

/// The exact O(n²) t-SNE gradient: every pair's repulsion, summed row by row across threads.
public struct ExactGradient: GradientBackend {
    private var repulsive: [Float] = []

    /// A backend with no state beyond scratch memory.
    public init() {}

    public mutating func evaluate(_ y: UnsafePointer<Float>, count n: Int, dimension dim: Int, affinities: Affinities,
                                  exaggeration: Float, gradient: UnsafeMutablePointer<Float>, computeKL: Bool) -> Double {
        let logW = TSNEKernels.attractive(y, dimension: dim, affinities: affinities, into: gradient, wantLog: computeKL)
        if repulsive.count != n * dim { repulsive = [Float](repeating: 0, count: n * dim) }
        let threads = n >= 256 ? Threads.count : 1
        var zParts = [Double](repeating: 0, count: threads)
        let yb = UncheckedBox(y)
        repulsive.withUnsafeMutableBufferPointer { rp in
            zParts.withUnsafeMutableBufferPointer { zp in
                let box = UncheckedBox((rp.baseAddress!, zp.baseAddress!))
                parallelChunks(n, chunks: threads) { c, range in
                    let (rep, zs) = box.value
                    let y = yb.value
                    var z = 0.0
                    var diff = [Float](repeating: 0, count: dim)
                    for i in range {
                        var zi: Float = 0
                        for a in 0..<dim { rep[i * dim + a] = 0 }
                        for j in 0..<n where j != i {
                            var q: Float = 1
                            for a in 0..<dim {
                                diff[a] = y[i * dim + a] - y[j * dim + a]
                                q += diff[a] * diff[a]
                            }
                            let w = 1 / q
                            zi += w
                            for a in 0..<dim { rep[i * dim + a] += w * w * diff[a] }
                        }
                        z += Double(zi)
                    }
                    zs[c] = z
                }
            }
        }
        let z = zParts.reduce(0, +)
        repulsive.withUnsafeBufferPointer { rp in
            TSNEKernels.combine(gradient, repulsive: rp.baseAddress!, count: n * dim, exaggeration: exaggeration, z: z)
        }
        return computeKL ? affinities.entropyTerm - logW + log(z) : .nan
    }
}

/// Symmetric SNE: the same P, but a Gaussian `q_ij ∝ exp(−‖y_i − y_j‖²)` in the embedding. Its
/// light tails cannot place moderately distant points far apart, which is the crowding problem
/// t-SNE's Student-t kernel solves. Exact, O(n²).
///
///     ∂KL/∂y_i = 4 Σ_j (α p_ij − q_ij)(y_i − y_j)
public struct SNEGradient: GradientBackend {
    private var repulsive: [Float] = []

    /// A backend with no state beyond scratch memory.
    public init() {}

    public mutating func evaluate(_ y: UnsafePointer<Float>, count n: Int, dimension dim: Int, affinities p: Affinities,
                                  exaggeration: Float, gradient: UnsafeMutablePointer<Float>, computeKL: Bool) -> Double {
        var pd2 = 0.0
        for i in 0..<n {
            for a in 0..<dim { gradient[i * dim + a] = 0 }
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                var d2: Float = 0
                for a in 0..<dim {
                    let t = y[i * dim + a] - y[j * dim + a]
                    d2 += t * t
                    gradient[i * dim + a] += p.values[e] * t
                }
                pd2 += Double(p.values[e] * d2)
            }
        }
        if repulsive.count != n * dim { repulsive = [Float](repeating: 0, count: n * dim) }
        let threads = n >= 256 ? Threads.count : 1
        var zParts = [Double](repeating: 0, count: threads)
        let yb = UncheckedBox(y)
        repulsive.withUnsafeMutableBufferPointer { rp in
            zParts.withUnsafeMutableBufferPointer { zp in
                let box = UncheckedBox((rp.baseAddress!, zp.baseAddress!))
                parallelChunks(n, chunks: threads) { c, range in
                    let (rep, zs) = box.value
                    let y = yb.value
                    var z = 0.0
                    for i in range {
                        for a in 0..<dim { rep[i * dim + a] = 0 }
                        for j in 0..<n where j != i {
                            var d2: Float = 0
                            for a in 0..<dim {
                                let t = y[i * dim + a] - y[j * dim + a]
                                d2 += t * t
                            }
                            let w = expf(-d2)
                            z += Double(w)
                            for a in 0..<dim { rep[i * dim + a] += w * (y[i * dim + a] - y[j * dim + a]) }
                        }
                    }
                    zs[c] = z
                }
            }
        }
        let z = Swift.max(zParts.reduce(0, +), .leastNormalMagnitude)
        repulsive.withUnsafeBufferPointer { rp in
            TSNEKernels.combine(gradient, repulsive: rp.baseAddress!, count: n * dim, exaggeration: exaggeration, z: z)
        }
        return computeKL ? p.entropyTerm + pd2 + log(z) : .nan
    }
}
