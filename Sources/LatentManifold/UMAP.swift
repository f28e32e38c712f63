import Foundation
import LatentTensor

/// UMAP (McInnes, Healy & Melville 2018; umap-learn's algorithm and defaults) in stages, as
/// `TSNE` is: nearest neighbours (`NearestNeighbors` exact BLAS search, or `NNDescent` for large
/// n) → fuzzy simplicial set (`FuzzySimplicialSet`) → initialisation (`SpectralLayout`, random
/// or PCA) → layout by SGD with negative sampling (`UMAPEmbedding.optimize`).
///
/// ```swift
/// let embedding = try UMAP.fit(pca50, config: .init())   // 2-d, n_neighbors 15, min_dist 0.1
/// let xy = embedding.coordinates                        // [n, 2]
/// let new = try embedding.transform(morePoints)         // [m, 2], the training layout fixed
/// ```
///
/// Determinism: for a given seed the result is the same bit for bit whatever the thread count
/// (each point draws its negative samples from its own random stream, and during an epoch every
/// point reads the others' positions as they were at the epoch's start), on the same machine
/// and build.
public enum UMAP {
    /// The distance in the input space.
    public enum Metric: String, Codable, Sendable, CaseIterable {
        /// ‖x − y‖.
        case euclidean
        /// 1 − cos(x, y) (rows are normalised to unit length, then searched in Euclidean distance).
        case cosine
    }

    /// How the layout starts.
    public enum Initialization: String, Codable, Sendable, CaseIterable {
        /// Laplacian eigenmaps of the fuzzy graph (random when the graph is disconnected).
        case spectral
        /// Uniform in [−10, 10].
        case random
        /// The top principal components of the input.
        case pca
    }

    /// How the k nearest neighbours are searched for.
    public enum NeighborSearch: String, Codable, Sendable, CaseIterable {
        /// `nndescent` from 50,000 points up, else `exact`: what measured faster on MNIST after
        /// PCA 50 (2 threads, 14 neighbours: exact 0.35 s vs 0.56 s at 20,000 points, 1.34 vs
        /// 1.40 s at 40,000, 4.68 vs 3.17 s at 70,000).
        case auto
        /// Brute force through BLAS: exact.
        case exact
        /// Nearest-neighbour descent (Dong et al. 2011): approximate, near-linear.
        case nndescent
    }

    /// Every setting, with umap-learn's names (camel-cased) and defaults.
    public struct Config: Codable, Sendable, Equatable {
        /// Output dimension (`n_components`).
        public var dimensions = 2
        /// Size of the local neighbourhood, the point itself counted (`n_neighbors`, 15).
        public var nNeighbors = 15
        /// Smallest distance between embedded points (`min_dist`, 0.1).
        public var minDist = 0.1
        /// Scale of the embedded points (`spread`, 1).
        public var spread = 1.0
        /// Input distance (`metric`).
        public var metric = Metric.euclidean
        /// Epochs of SGD (`n_epochs`); nil: 500 up to 10,000 points, else 200 (umap-learn's rule).
        public var nEpochs: Int?
        /// Initial SGD step (`learning_rate`, 1), decayed linearly to 0.
        public var learningRate = 1.0
        /// Negative samples per positive one (`negative_sample_rate`, 5).
        public var negativeSampleRate = 5
        /// Weight of the repulsion (`repulsion_strength`, γ = 1).
        public var repulsionStrength = 1.0
        /// Start of the layout (`init`).
        public var initialization = Initialization.spectral
        /// Neighbour search.
        public var neighborSearch = NeighborSearch.auto
        /// Seed of every random choice (`random_state`).
        public var seed: UInt64 = 1

        /// Defaults: umap-learn's.
        public init(dimensions: Int = 2, nNeighbors: Int = 15, minDist: Double = 0.1, spread: Double = 1,
                    metric: Metric = .euclidean) {
            self.dimensions = dimensions
            self.nNeighbors = nNeighbors
            self.minDist = minDist
            self.spread = spread
            self.metric = metric
        }

        /// Rejects settings that cannot run.
        public func validate() throws(ManifoldError) {
            guard dimensions >= 1 else { throw .invalidConfig("UMAP dimensions must be at least 1, got \(dimensions)") }
            guard nNeighbors >= 2 else { throw .invalidConfig("n_neighbors must be at least 2, got \(nNeighbors)") }
            guard spread > 0 && spread.isFinite else { throw .invalidConfig("spread must be positive, got \(spread)") }
            guard minDist >= 0 && minDist.isFinite else { throw .invalidConfig("min_dist must be ≥ 0, got \(minDist)") }
            guard minDist <= spread else { throw .invalidConfig("min_dist (\(minDist)) must not exceed spread (\(spread))") }
            if let e = nEpochs, e < 1 { throw .invalidConfig("n_epochs must be at least 1, got \(e)") }
            guard learningRate > 0 && learningRate.isFinite else {
                throw .invalidConfig("learning_rate must be positive, got \(learningRate)")
            }
            guard negativeSampleRate >= 0 else {
                throw .invalidConfig("negative_sample_rate must be ≥ 0, got \(negativeSampleRate)")
            }
            guard repulsionStrength >= 0 && repulsionStrength.isFinite else {
                throw .invalidConfig("repulsion_strength must be ≥ 0, got \(repulsionStrength)")
            }
        }

        /// The epochs run for `n` points.
        public func resolvedEpochs(count n: Int) -> Int { nEpochs ?? (n <= 10_000 ? 500 : 200) }

        /// The search `.auto` resolves to for `n` points.
        public func resolvedSearch(count n: Int) -> NeighborSearch {
            neighborSearch != .auto ? neighborSearch : (n >= 50_000 ? .nndescent : .exact)
        }
    }

    /// Builds the fuzzy graph, initialises and optimises the layout of the rows of `x` (`[n, d]`).
    ///
    /// - Throws: `ManifoldError` for a bad config, NaN/∞ in `x`, `n_neighbors ≥ n`, or a zero row
    ///   with the cosine metric.
    public static func fit(_ x: Tensor, config: Config = Config()) throws(ManifoldError) -> UMAPEmbedding {
        try config.validate()
        try validateMatrix(x, minRows: 2, what: "UMAP input")
        let n = x.shape[0]
        guard config.nNeighbors < n else {
            throw .invalidConfig("n_neighbors (\(config.nNeighbors)) must be smaller than the number of points (\(n))")
        }
        let started = Date()
        let features = try prepare(x, metric: config.metric, what: "UMAP input")
        let neighbors = try neighbors(features, k: config.nNeighbors - 1, search: config.resolvedSearch(count: n),
                                      seed: config.seed)
        let knnSeconds = Date().timeIntervalSince(started)
        let graph = FuzzySimplicialSet.fromNeighbors(neighbors, nNeighbors: config.nNeighbors,
                                                     metricDistance: distanceFunction(config.metric))
        let (a, b) = fitCurve(minDist: config.minDist, spread: config.spread)
        let (initial, used) = try initialLayout(x, graph: graph, config: config)
        let embedding = UMAPEmbedding(coordinates: initial, graph: graph, config: config, a: a, b: b)
        embedding.reference = features
        embedding.initializationUsed = used
        embedding.neighborSeconds = knnSeconds
        embedding.graphSeconds = Date().timeIntervalSince(started) - knnSeconds
        try embedding.optimize(epochs: config.resolvedEpochs(count: n))
        return embedding
    }

    /// The rows the neighbour search sees: `x` itself, or for cosine its rows scaled to unit length.
    static func prepare(_ x: Tensor, metric: Metric, what: String) throws(ManifoldError) -> Tensor {
        guard metric == .cosine else { return x }
        var y = x
        let d = x.shape[1]
        var zero: Int?
        y.withUnsafeMutableBufferPointer { p in
            for i in 0..<x.shape[0] {
                var s: Float = 0
                for j in 0..<d { s += p[i * d + j] * p[i * d + j] }
                if s == 0 { zero = zero ?? i; continue }
                let inv = 1 / s.squareRoot()
                for j in 0..<d { p[i * d + j] *= inv }
            }
        }
        if let zero { throw .invalidData("\(what) row \(zero) is all zeros: its cosine distance is undefined") }
        return y
    }

    /// Squared Euclidean distance (of prepared rows) → the metric's distance.
    static func distanceFunction(_ metric: Metric) -> (Float) -> Float {
        switch metric {
        case .euclidean: { $0.squareRoot() }
        case .cosine: { $0 / 2 }   // ‖u − v‖² = 2 − 2 cos for unit rows
        }
    }

    /// The `k` nearest other rows of `x` by the chosen search.
    static func neighbors(_ x: Tensor, k: Int, search: NeighborSearch, seed: UInt64) throws(ManifoldError) -> NeighborList {
        switch search {
        case .nndescent: NNDescent.neighbors(x, k: k, seed: seed)
        case .exact, .auto: NearestNeighbors.exact(x, k: k)
        }
    }

    /// The initial layout scaled as umap-learn scales it: each column mapped to [0, 10] (spectral
    /// and PCA starts first get std-1e-4 noise, as umap-learn adds). Returns which start was used
    /// (`random` when spectral was asked for on a disconnected graph).
    static func initialLayout(_ x: Tensor, graph: FuzzySimplicialSet, config: Config)
        throws(ManifoldError) -> (Tensor, Initialization) {
        let n = graph.count, dim = config.dimensions
        var rng = RandomGenerator(seed: config.seed &+ 0x5EED)
        var y: [Float]?
        var used = config.initialization
        switch config.initialization {
        case .spectral:
            y = SpectralLayout.embed(graph, dimensions: dim, seed: config.seed)
        case .pca:
            if x.shape[1] >= dim { y = try PCA.fit(x, config: .init(components: dim)).transform(x).scalars }
        case .random:
            break
        }
        if var start = y {
            let largest = start.reduce(Float(0)) { Swift.max($0, abs($1)) }
            let expansion = largest > 0 ? 10 / largest : 1
            for i in 0..<start.count { start[i] = start[i] * expansion + 1e-4 * rng.nextNormal() }
            y = start
        } else {
            used = .random
            y = (0..<(n * dim)).map { _ in rng.nextFloat() * 20 - 10 }
        }
        var layout = y ?? []
        for a in 0..<dim {
            var lo = Float.infinity, hi = -Float.infinity
            for i in 0..<n { lo = Swift.min(lo, layout[i * dim + a]); hi = Swift.max(hi, layout[i * dim + a]) }
            let scale = hi > lo ? 10 / (hi - lo) : 0
            for i in 0..<n { layout[i * dim + a] = (layout[i * dim + a] - lo) * scale }
        }
        return (Tensor(shape: [n, dim], scalars: layout), used)
    }

    /// The `a`, `b` of the embedding's similarity `1 / (1 + a·d^{2b})`, fitted by least squares
    /// to `1` for `d < minDist` and `exp(−(d − minDist)/spread)` beyond, on 300 points of
    /// [0, 3·spread] (umap-learn's `find_ab_params`). Levenberg–Marquardt from (1, 1), as
    /// scipy's `curve_fit` starts.
    public static func fitCurve(minDist: Double, spread: Double) -> (a: Double, b: Double) {
        let count = 300
        let xs = (0..<count).map { 3 * spread * Double($0) / Double(count - 1) }
        let ys = xs.map { $0 < minDist ? 1 : exp(-($0 - minDist) / spread) }
        func residuals(_ a: Double, _ b: Double) -> Double {
            var s = 0.0
            for (x, y) in zip(xs, ys) {
                let f = 1 / (1 + a * pow(x, 2 * b))
                s += (f - y) * (f - y)
            }
            return s
        }
        var a = 1.0, b = 1.0, lambda = 1e-3
        var cost = residuals(a, b)
        for _ in 0..<500 {
            // Gauss–Newton normal equations J'J δ = −J'r with damping λ·diag(J'J).
            var jaa = 0.0, jab = 0.0, jbb = 0.0, ga = 0.0, gb = 0.0
            for (x, y) in zip(xs, ys) where x > 0 {
                let p = pow(x, 2 * b), f = 1 / (1 + a * p), r = f - y
                let da = -p * f * f, db = -a * p * 2 * log(x) * f * f
                jaa += da * da; jab += da * db; jbb += db * db
                ga += da * r; gb += db * r
            }
            var improved = false
            for _ in 0..<30 {
                let m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), det = m00 * m11 - jab * jab
                guard det != 0 else { break }
                let stepA = -(m11 * ga - jab * gb) / det, stepB = -(m00 * gb - jab * ga) / det
                let newCost = a + stepA > 0 ? residuals(a + stepA, b + stepB) : .infinity
                if newCost < cost {
                    let relative = (cost - newCost) / Swift.max(cost, 1e-300)
                    a += stepA; b += stepB; cost = newCost
                    lambda = Swift.max(lambda / 10, 1e-12)
                    improved = relative > 1e-14
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (a, b)
    }
}
