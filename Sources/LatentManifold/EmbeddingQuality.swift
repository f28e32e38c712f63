import Foundation
import LatentTensor

/// How faithful an embedding is: class separation and neighbourhood preservation.
public enum EmbeddingQuality {
    /// Leave-one-out k-nearest-neighbour classification accuracy in the embedding: each point
    /// gets the majority label of its `k` nearest other points (ties go to the smallest label, as
    /// scikit-learn's `KNeighborsClassifier` does).
    ///
    /// - Throws: `ManifoldError.mismatch` when `labels` and the rows of `y` differ in number.
    public static func knnAccuracy(_ y: Tensor, labels: [Int], k: Int = 10) throws(ManifoldError) -> Double {
        guard y.rank == 2 && labels.count == y.shape[0] else {
            throw .mismatch("\(labels.count) labels for \(y.rank == 2 ? y.shape[0] : 0) points")
        }
        let n = y.shape[0]
        guard n >= 2 else { throw .invalidData("k-NN accuracy needs at least 2 points, got \(n)") }
        let neighbors = neighbors(of: y, k: k)
        let kk = neighbors.k
        var correct = 0
        var votes: [Int: Int] = [:]
        for i in 0..<n {
            votes.removeAll(keepingCapacity: true)
            for j in 0..<kk { votes[labels[Int(neighbors.indices[i * kk + j])], default: 0] += 1 }
            let best = votes.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!.key
            if best == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(n)
    }

    /// Exact kNN: VP-tree in low dimension, BLAS brute force otherwise.
    static func neighbors(of y: Tensor, k: Int) -> NeighborList {
        y.shape[1] <= 3 ? VPTree(y).neighbors(k: k) : NearestNeighbors.exact(y, k: k)
    }

    /// Trustworthiness and continuity (Venna & Kaski 2001) with `k` neighbours, from full rank
    /// orders in both spaces, O(n² log n) — use a subsample of a few thousand points.
    ///
    /// Trustworthiness penalises points that are embedding neighbours but not data neighbours, by
    /// how far down the data ranking they are (`1 − 2/(nk(2n−3k−1)) Σ (r_data − k)`; the same
    /// formula as scikit-learn's `trustworthiness`). Continuity swaps the two spaces.
    public static func trustworthinessAndContinuity(data x: Tensor, embedding y: Tensor, k: Int = 10)
        throws(ManifoldError) -> (trustworthiness: Double, continuity: Double) {
        guard x.rank == 2 && y.rank == 2 && x.shape[0] == y.shape[0] else {
            throw .mismatch("data \(x.shape) and embedding \(y.shape) have different numbers of points")
        }
        let n = x.shape[0]
        guard k >= 1 && 2 * n - 3 * k - 1 > 0 && k < n else {
            throw .invalidConfig("trustworthiness needs k < n/2 (k = \(k), n = \(n))")
        }
        let dx = pairwiseSquared(x), dy = pairwiseSquared(y)
        let threads = Threads.count
        var parts = [(Double, Double)](repeating: (0, 0), count: threads)
        parts.withUnsafeMutableBufferPointer { pp in
            let out = UncheckedBox(pp.baseAddress!)
            parallelChunks(n, chunks: n >= 64 ? threads : 1) { c, range in
                var rankX = [Int](repeating: 0, count: n), rankY = [Int](repeating: 0, count: n)
                var order = [Int](repeating: 0, count: n)
                var t = 0.0, cont = 0.0
                for i in range {
                    for (d, rank) in [(dx, 0), (dy, 1)] {
                        order = Array(0..<n)
                        order.sort { a, b in
                            let da = a == i ? -1 : d[i * n + a], db = b == i ? -1 : d[i * n + b]
                            return da < db || (da == db && a < b)
                        }
                        // order[0] is i itself (rank 0); neighbours have ranks 1…n−1.
                        for (r, j) in order.enumerated() {
                            if rank == 0 { rankX[j] = r } else { rankY[j] = r }
                        }
                    }
                    for j in 0..<n where j != i {
                        if rankY[j] <= k && rankX[j] > k { t += Double(rankX[j] - k) }
                        if rankX[j] <= k && rankY[j] > k { cont += Double(rankY[j] - k) }
                    }
                }
                out.value[c] = (t, cont)
            }
        }
        let scale = 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1))
        let t = parts.reduce(0) { $0 + $1.0 }, c = parts.reduce(0) { $0 + $1.1 }
        return (1 - scale * t, 1 - scale * c)
    }

    /// Dense squared distances `[n·n]` via BLAS.
    static func pairwiseSquared(_ x: Tensor) -> [Float] {
        let n = x.shape[0], d = x.shape[1]
        let norms = NearestNeighbors.squaredNorms(x)
        var g = [Float](repeating: 0, count: n * n)
        g.withUnsafeMutableBufferPointer { p in
            gemm(transB: true, m: n, n: n, k: d, a: x.unsafeBaseAddress, lda: d, b: x.unsafeBaseAddress, ldb: d,
                 c: p.baseAddress!, ldc: n)
            for i in 0..<n { for j in 0..<n { p[i * n + j] = Swift.max(0, norms[i] + norms[j] - 2 * p[i * n + j]) } }
        }
        return g
    }

    /// Exact KL(P‖Q) of a t-SNE embedding (O(n²), parallel): the figure to compare backends by.
    public static func exactKL(_ y: Tensor, affinities: Affinities) -> Double {
        var backend = ExactGradient()
        return backend.klAndGradient(y, affinities: affinities).kl
    }
}

/// The curse of dimensionality in one number: the mean distance between two random points of the
/// unit hypercube grows like √(d/6) (the mean of the squared distance is exactly d/6), so in high
/// dimension all points are nearly equally far apart.
public enum CurseOfDimensionality {
    /// One row of the demonstration.
    public struct Row: Sendable {
        /// Dimension d.
        public var dimension: Int
        /// Mean Euclidean distance over the sampled pairs.
        public var meanDistance: Double
        /// √(d/6).
        public var analytic: Double
        /// Standard deviation of the sampled distances relative to their mean (shrinks with d).
        public var relativeSpread: Double
    }

    /// Mean distance of `pairs` random pairs of points in `[0, 1]^d`, for each `d`.
    public static func meanDistances(dimensions: [Int], pairs: Int = 200, seed: UInt64 = 1) -> [Row] {
        var rng = RandomGenerator(seed: seed)
        return dimensions.map { d in
            var sum = 0.0, sumSq = 0.0
            for _ in 0..<pairs {
                var s = 0.0
                for _ in 0..<d {
                    let t = Double(rng.nextFloat()) - Double(rng.nextFloat())
                    s += t * t
                }
                let dist = s.squareRoot()
                sum += dist
                sumSq += dist * dist
            }
            let mean = sum / Double(pairs)
            let spread = (Swift.max(0, sumSq / Double(pairs) - mean * mean)).squareRoot() / mean
            return Row(dimension: d, meanDistance: mean, analytic: (Double(d) / 6).squareRoot(), relativeSpread: spread)
        }
    }
}
