import Foundation
import LatentTensor

/// The input similarities of SNE and t-SNE: a sparse symmetric matrix `P` whose entries sum to 1.
///
/// As openTSNE's `Affinities` says, an embedding needs nothing else from the data. Row `i` holds
/// its non-zero entries `values[rowStart[i] ..< rowStart[i+1]]` at `columns[…]` (compressed sparse
/// rows, columns ascending). Built by `perplexityBased(_:perplexity:method:)`:
///
/// 1. for each point, squared Euclidean distances to the others (all of them, or its
///    k = ⌊3·perplexity⌋ nearest);
/// 2. a Gaussian bandwidth per point found by binary search so the conditional distribution
///    `p(j|i) ∝ exp(−β_i·d²_ij)` has the target perplexity `2^H` (`H` its entropy in bits);
/// 3. symmetrised, `p_ij = (p(j|i) + p(i|j)) / 2n`.
public struct Affinities: Sendable {
    /// Number of points.
    public let count: Int
    /// Where each row starts in `columns`/`values`; `count + 1` entries.
    public let rowStart: [Int]
    /// Column of each stored entry.
    public let columns: [Int32]
    /// Value of each stored entry.
    public let values: [Float]
    /// The perplexity the bandwidths were calibrated to.
    public let perplexity: Double
    /// `Σ p log p` over the stored entries: the constant part of KL(P‖Q).
    public let entropyTerm: Double

    /// Which neighbours enter each point's conditional distribution.
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// `exact` for n ≤ 1,000, else `nearestNeighbors`.
        case auto
        /// All other points (dense P, O(n²) memory); what scikit-learn's exact method does.
        case exact
        /// The ⌊3·perplexity⌋ nearest neighbours (sparse P), as Barnes-Hut and FFT t-SNE use.
        case nearestNeighbors = "knn"
    }

    /// How nearest neighbours are searched for.
    public enum NeighborSearch: String, Codable, Sendable, CaseIterable {
        /// Brute force through BLAS (exact; fastest for the 50-d inputs t-SNE is usually given).
        case exact
        /// A vantage-point tree (exact; fastest in low dimension).
        case vpTree = "vptree"
    }

    /// Builds from CSR arrays (entries must be finite and non-negative, rows sorted by column).
    public init(count: Int, rowStart: [Int], columns: [Int32], values: [Float], perplexity: Double) {
        self.count = count
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
        self.perplexity = perplexity
        var h = 0.0
        for v in values where v > 0 { h += Double(v) * log(Double(v)) }
        entropyTerm = h
    }

    /// Number of stored entries.
    public var nonZeroCount: Int { values.count }

    /// P as a dense `[n, n]` tensor (tests, small n).
    public func dense() -> Tensor {
        var p = Tensor(shape: [count, count])
        p.withUnsafeMutableBufferPointer { d in
            for i in 0..<count {
                for e in rowStart[i]..<rowStart[i + 1] { d[i * count + Int(columns[e])] = values[e] }
            }
        }
        return p
    }

    /// Perplexity-calibrated symmetric affinities of the rows of `x` (`[n, d]`).
    ///
    /// - Throws: `ManifoldError.invalidData` for fewer than 2 points or a NaN/∞;
    ///   `.invalidConfig` unless `1 ≤ perplexity` and `3·perplexity < n` (a point needs ⌊3·perplexity⌋
    ///   neighbours for its distribution to reach that perplexity).
    public static func perplexityBased(_ x: Tensor, perplexity: Double, method: Method = .auto,
                                       neighborSearch: NeighborSearch = .exact) throws(ManifoldError) -> Affinities {
        try validateMatrix(x, minRows: 2, what: "input")
        let n = x.shape[0]
        try validatePerplexity(perplexity, n: n)
        let useExact = method == .exact || (method == .auto && n <= 1000)
        let conditional: (rowStart: [Int], columns: [Int32], values: [Float])
        if useExact {
            conditional = exactConditional(x, perplexity: perplexity)
        } else {
            let k = Swift.min(n - 1, Int(3 * perplexity))
            let neighbors = neighborSearch == .vpTree ? VPTree(x).neighbors(k: k) : NearestNeighbors.exact(x, k: k)
            conditional = calibrate(neighbors, perplexity: perplexity)
        }
        return symmetrize(count: n, conditional, perplexity: perplexity)
    }

    /// Throws unless `1 ≤ perplexity` and `3·perplexity < n`.
    static func validatePerplexity(_ perplexity: Double, n: Int) throws(ManifoldError) {
        guard perplexity.isFinite && perplexity >= 1 else {
            throw .invalidConfig("perplexity must be at least 1, got \(perplexity)")
        }
        guard 3 * perplexity < Double(n) else {
            throw .invalidConfig("perplexity \(perplexity) is too large for \(n) points: it must be below n/3 = \(String(format: "%.4g", Double(n) / 3))")
        }
    }

    /// Conditional distributions over given neighbours: row `i` of the result holds `p(j|i)`
    /// for the neighbours of `i`, summing to 1.
    public static func calibrate(_ neighbors: NeighborList, perplexity: Double)
        -> (rowStart: [Int], columns: [Int32], values: [Float]) {
        let n = neighbors.count, k = neighbors.k
        var values = [Float](repeating: 0, count: n * k)
        values.withUnsafeMutableBufferPointer { vp in
            let out = UncheckedBox(vp.baseAddress!)
            neighbors.distances.withUnsafeBufferPointer { dp in
                let dist = UncheckedBox(dp.baseAddress!)
                parallelChunks(n, chunks: n >= 512 ? Threads.count : 1) { _, range in
                    var scratch = [Double](repeating: 0, count: k)
                    for i in range {
                        _ = conditionalRow(dist.value + i * k, count: k, perplexity: perplexity,
                                           into: out.value + i * k, scratch: &scratch)
                    }
                }
            }
        }
        return ((0...n).map { $0 * k }, neighbors.indices, values)
    }

    /// All-pairs conditional distributions (the point itself excluded), from a dense distance matrix.
    static func exactConditional(_ x: Tensor, perplexity: Double) -> (rowStart: [Int], columns: [Int32], values: [Float]) {
        let n = x.shape[0], d = x.shape[1]
        let norms = NearestNeighbors.squaredNorms(x)
        var dots = [Float](repeating: 0, count: n * n)
        dots.withUnsafeMutableBufferPointer { p in
            gemm(transB: true, m: n, n: n, k: d, a: x.unsafeBaseAddress, lda: d, b: x.unsafeBaseAddress, ldb: d,
                 c: p.baseAddress!, ldc: n)
        }
        let k = n - 1
        var distances = [Float](repeating: 0, count: n * k)
        var columns = [Int32](repeating: 0, count: n * k)
        for i in 0..<n {
            var c = 0
            for j in 0..<n where j != i {
                distances[i * k + c] = Swift.max(0, norms[i] + norms[j] - 2 * dots[i * n + j])
                columns[i * k + c] = Int32(j)
                c += 1
            }
        }
        return calibrate(NeighborList(k: k, indices: columns, distances: distances), perplexity: perplexity)
    }

    /// Binary search for the precision β of one row: fills `into` with `p_j ∝ exp(−β·d_j)` of
    /// perplexity `perplexity` (natural-log entropy `ln perplexity`, to 1e-5) and returns β.
    ///
    /// Distances are shifted by their minimum before exponentiating, which leaves the
    /// normalised distribution unchanged and keeps far-away rows from underflowing to zero.
    @discardableResult
    static func conditionalRow(_ d: UnsafePointer<Float>, count k: Int, perplexity: Double,
                               into p: UnsafeMutablePointer<Float>, scratch: inout [Double]) -> Double {
        var dMin = Double.infinity
        for j in 0..<k { dMin = Swift.min(dMin, Double(d[j])) }
        let target = log(perplexity)
        var beta = 1.0, lo = 0.0, hi = Double.infinity
        var sum = 0.0
        for _ in 0..<200 {
            sum = 0
            var weighted = 0.0
            for j in 0..<k {
                let shifted = Double(d[j]) - dMin
                let v = exp(-beta * shifted)
                scratch[j] = v
                sum += v
                weighted += v * shifted
            }
            let entropy = log(sum) + beta * weighted / sum
            let gap = entropy - target
            if abs(gap) < 1e-5 { break }
            if gap > 0 {
                lo = beta
                beta = hi == .infinity ? beta * 2 : (beta + hi) / 2
            } else {
                hi = beta
                beta = (beta + lo) / 2
            }
        }
        for j in 0..<k { p[j] = Float(scratch[j] / sum) }
        return beta
    }

    /// `(C + Cᵀ) / 2n` of row-stochastic sparse `C`, with columns sorted and duplicates merged.
    public static func symmetrize(count n: Int, _ c: (rowStart: [Int], columns: [Int32], values: [Float]),
                                  perplexity: Double) -> Affinities {
        let scale = Float(1 / (2 * Double(n)))
        let p = SparseSymmetrization.rows(count: n, edges: { edge in
            for i in 0..<n {
                for e in c.rowStart[i]..<c.rowStart[i + 1] { edge(i, Int(c.columns[e]), c.values[e] * scale) }
            }
        }, combine: +)
        return Affinities(count: n, rowStart: p.rowStart, columns: p.columns, values: p.values, perplexity: perplexity)
    }
}
