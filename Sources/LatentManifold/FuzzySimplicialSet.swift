import Foundation
import LatentTensor

/// UMAP's weighted k-nearest-neighbour graph (McInnes, Healy & Melville 2018, §3.1): a sparse
/// symmetric matrix of membership strengths in [0, 1], stored as compressed sparse rows with
/// columns ascending and no diagonal.
///
/// Built in two steps, as umap-learn's `fuzzy_simplicial_set` does:
///
/// 1. **Smooth kNN distances.** For each point `i` with neighbours at distances `d_ij`, `ρ_i` is
///    the distance to its nearest (non-identical) neighbour and `σ_i` is found by binary search
///    so that `Σ_j exp(−max(0, d_ij − ρ_i) / σ_i) = log₂ k`, where `k` = `n_neighbors` counts
///    the point itself (so the sum runs over its `k − 1` other neighbours, as umap-learn's does).
///    The directed membership is `w_ij = exp(−max(0, d_ij − ρ_i) / σ_i)`: the nearest neighbour
///    always gets 1, so every point is locally connected.
/// 2. **Fuzzy union.** `W ⊕ Wᵀ = W + Wᵀ − W ∘ Wᵀ` (probabilistic t-conorm), which is symmetric.
public struct FuzzySimplicialSet: Sendable {
    /// Number of points.
    public let count: Int
    /// Where each row starts in `columns`/`values`; `count + 1` entries.
    public let rowStart: [Int]
    /// Column of each stored entry (ascending within a row).
    public let columns: [Int32]
    /// Membership strength of each stored entry, in (0, 1].
    public let values: [Float]

    /// Builds from CSR arrays (rows sorted by column, no diagonal).
    public init(count: Int, rowStart: [Int], columns: [Int32], values: [Float]) {
        self.count = count
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
    }

    /// Number of stored entries (each undirected edge twice).
    public var nonZeroCount: Int { values.count }

    /// The weight of edge (i, j), 0 when absent (binary search in row i).
    public func weight(_ i: Int, _ j: Int) -> Float {
        var lo = rowStart[i], hi = rowStart[i + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(columns[mid]) < j { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[i + 1] && Int(columns[lo]) == j ? values[lo] : 0
    }

    /// The per-point `ρ` and `σ` of step 1, from neighbour *distances* (not squared).
    public struct Bandwidths: Sendable {
        /// Distance to the nearest neighbour at a non-zero distance, per point.
        public var rho: [Float]
        /// The bandwidth found by binary search, per point.
        public var sigma: [Float]
    }

    /// Step 1: `ρ` and `σ` for each row of `distances` (`[n, m]` row-major, ascending, the point
    /// itself excluded), calibrated so each row's memberships sum to `log₂(target)`.
    ///
    /// - Parameters:
    ///   - distances: `n × m` neighbour distances, row-major, each row ascending.
    ///   - n: the number of points (rows).
    ///   - m: the neighbours per point (columns), the point itself excluded.
    ///   - target: the `k` of `log₂ k`; umap-learn's `n_neighbors` (the point itself included).
    ///   - localConnectivity: 1 makes the nearest neighbour's membership 1 (umap-learn's default);
    ///     0 sets `ρ = 0` (what umap-learn's `transform` uses).
    public static func smoothDistances(_ distances: [Float], count n: Int, neighbors m: Int, target: Double,
                                       localConnectivity: Int = 1) -> Bandwidths {
        var rho = [Float](repeating: 0, count: n), sigma = [Float](repeating: 0, count: n)
        let logTarget = log2(target)
        var meanAll = 0.0
        for v in distances { meanAll += Double(v) }
        meanAll /= Double(Swift.max(1, distances.count))
        rho.withUnsafeMutableBufferPointer { rp in
            sigma.withUnsafeMutableBufferPointer { sp in
                let out = UncheckedBox((rp.baseAddress!, sp.baseAddress!))
                distances.withUnsafeBufferPointer { dp in
                    let d = UncheckedBox(dp.baseAddress!)
                    parallelChunks(n, chunks: n >= 1024 ? Threads.count : 1) { _, range in
                        for i in range {
                            let row = d.value + i * m
                            var r: Float = 0
                            if localConnectivity > 0 {
                                for j in 0..<m where row[j] > 0 { r = row[j]; break }
                            }
                            let s = bandwidth(row, count: m, rho: r, target: logTarget)
                            var mean = 0.0
                            for j in 0..<m { mean += Double(row[j]) }
                            // umap-learn's floor (MIN_K_DIST_SCALE = 1e-3 of the mean distance, its
                            // row's mean counting the point itself at distance 0), so a point with
                            // many near-duplicates does not get a vanishing bandwidth.
                            mean /= Double(m + 1)
                            let floor = Float(1e-3 * (r > 0 ? mean : meanAll))
                            out.value.0[i] = r
                            out.value.1[i] = Swift.max(s, floor)
                        }
                    }
                }
            }
        }
        return Bandwidths(rho: rho, sigma: sigma)
    }

    /// Binary search (64 halvings at most, to 1e-5) for `σ` with `Σ_j exp(−max(0, d_j − ρ)/σ) = target`.
    static func bandwidth(_ d: UnsafePointer<Float>, count m: Int, rho: Float, target: Double) -> Float {
        var lo = 0.0, hi = Double.infinity, mid = 1.0
        for _ in 0..<64 {
            var sum = 0.0
            for j in 0..<m {
                let gap = Double(d[j] - rho)
                sum += gap > 0 ? exp(-gap / mid) : 1
            }
            if abs(sum - target) < 1e-5 { break }
            if sum > target {
                hi = mid
                mid = (lo + hi) / 2
            } else {
                lo = mid
                mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
            }
        }
        return Float(mid)
    }

    /// The directed memberships `w_ij` of step 1, in the layout of `distances`.
    public static func memberships(_ distances: [Float], count n: Int, neighbors m: Int, bandwidths: Bandwidths) -> [Float] {
        var w = [Float](repeating: 0, count: n * m)
        for i in 0..<n {
            let r = bandwidths.rho[i], s = bandwidths.sigma[i]
            for j in 0..<m {
                let gap = distances[i * m + j] - r
                w[i * m + j] = gap <= 0 || s == 0 ? 1 : Foundation.exp(-gap / s)
            }
        }
        return w
    }

    /// The whole construction from a neighbour list whose `distances` are *squared* Euclidean
    /// (as `NearestNeighbors` and `VPTree` return them): `metricDistance` turns each into the
    /// metric's distance (`sqrt` for Euclidean, `d²/2` for cosine on unit rows).
    ///
    /// - Parameters:
    ///   - neighbors: each point's nearest others with squared Euclidean distances.
    ///   - nNeighbors: umap-learn's `n_neighbors` (the list holds `nNeighbors − 1` others).
    ///   - metricDistance: the metric's distance from a squared Euclidean one.
    public static func fromNeighbors(_ neighbors: NeighborList, nNeighbors: Int,
                                     metricDistance: (Float) -> Float) -> FuzzySimplicialSet {
        let n = neighbors.count, m = neighbors.k
        let distances = neighbors.distances.map(metricDistance)
        let bw = smoothDistances(distances, count: n, neighbors: m, target: Double(nNeighbors))
        let w = memberships(distances, count: n, neighbors: m, bandwidths: bw)
        return union(count: n, neighbors: neighbors.indices, perRow: m, weights: w)
    }

    /// Step 2: the fuzzy union `a + b − ab` of the directed graph (row `i`'s targets are
    /// `neighbors[i*m ..< (i+1)*m]` with weights `weights`) and its transpose. Self-loops and
    /// zero weights are dropped.
    public static func union(count n: Int, neighbors: [Int32], perRow m: Int, weights: [Float]) -> FuzzySimplicialSet {
        let u = SparseSymmetrization.rows(count: n, edges: { edge in
            for i in 0..<n {
                for e in i * m..<(i + 1) * m where weights[e] > 0 { edge(i, Int(neighbors[e]), weights[e]) }
            }
        }, combine: { a, b in a + b - a * b })  // a ⊕ b, the probabilistic t-conorm
        return FuzzySimplicialSet(count: n, rowStart: u.rowStart, columns: u.columns, values: u.values)
    }
}
