import Foundation
import LatentTensor

/// t-SNE (van der Maaten & Hinton 2008) and symmetric SNE, in openTSNE's stages:
/// affinities (`Affinities`) → initialisation (PCA or random, rescaled) → optimiser (gains,
/// momentum, an early-exaggeration phase then a normal one) → gradient backend (exact,
/// Barnes-Hut or FFT) behind one `GradientBackend` signature.
///
/// ```swift
/// let embedding = try TSNE.fit(pca50, config: .init())      // 2-d, perplexity 30
/// let xy = embedding.coordinates                            // [n, 2]
/// try embedding.optimize(iterations: 250)                   // more iterations, same state
/// ```
public enum TSNE {
    /// Which objective to minimise.
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// Student-t (one degree of freedom) kernel in the embedding.
        case tsne
        /// Gaussian kernel in the embedding (symmetric SNE): shows the crowding problem.
        case sne
    }

    /// How the repulsive forces are computed.
    public enum Backend: String, Codable, Sendable, CaseIterable {
        /// `exact` below 500 points; `fft` for 2-d embeddings of 10,000 points or more (openTSNE's
        /// rule: below that the FFT grid's fixed cost exceeds Barnes-Hut's); else `bh`.
        case auto
        /// All pairs, O(n²).
        case exact
        /// Barnes-Hut tree, O(n log n).
        case bh
        /// FFT-accelerated interpolation (2-d), O(n).
        case fft
    }

    /// How the embedding starts.
    public enum Initialization: String, Codable, Sendable, CaseIterable {
        /// The top principal components of the input, rescaled so the first has std 1e-4
        /// (openTSNE's and scikit-learn's convention: global structure is kept, and the small
        /// scale lets early exaggeration form clusters before points repel).
        case pca
        /// Gaussian with std 1e-4.
        case random
    }

    /// Every setting of a run. Defaults are openTSNE's (and so Belkina et al. 2019's).
    public struct Config: Codable, Sendable, Equatable {
        /// Output dimension (1, 2 or 3; FFT needs 2, Barnes-Hut any).
        public var dimensions = 2
        /// Target perplexity of each point's conditional distribution (effective neighbours).
        public var perplexity = 30.0
        /// t-SNE or SNE.
        public var method = Method.tsne
        /// Repulsion backend.
        public var backend = Backend.auto
        /// Barnes-Hut accuracy θ.
        public var theta: Float = 0.5
        /// Which neighbours enter P.
        public var affinities = Affinities.Method.auto
        /// How neighbours are searched for.
        public var neighborSearch = Affinities.NeighborSearch.exact
        /// Start of the embedding.
        public var initialization = Initialization.pca
        /// Factor on P during the early phase (12).
        public var earlyExaggeration: Float = 12
        /// Iterations of the early phase (250).
        public var earlyIterations = 250
        /// Iterations of the normal phase (500).
        public var iterations = 500
        /// Factor on P in the normal phase (1; above 1 gives tighter clusters on huge data).
        public var exaggeration: Float = 1
        /// Learning rate; `nil` = n / exaggeration in each phase (openTSNE's "auto", in the
        /// bhtsne/openTSNE convention whose gradient lacks KL's factor 4; scikit-learn's rates are
        /// 4× these).
        public var learningRate: Double?
        /// Momentum of the early phase.
        public var initialMomentum: Float = 0.5
        /// Momentum of the normal phase.
        public var finalMomentum: Float = 0.8
        /// Floor of the per-coordinate gains.
        public var minGain: Float = 0.01
        /// KL is computed (and reported) every this many iterations.
        public var reportEvery = 50
        /// Seed of every random choice (random init, VP-tree vantage points).
        public var seed: UInt64 = 1
        /// FFT: interpolation nodes per box and axis.
        public var interpolationPoints = 3
        /// FFT: minimum boxes per axis.
        public var minIntervals = 50

        /// Defaults: 2-d t-SNE, perplexity 30.
        public init(dimensions: Int = 2, perplexity: Double = 30, method: Method = .tsne, backend: Backend = .auto) {
            self.dimensions = dimensions
            self.perplexity = perplexity
            self.method = method
            self.backend = backend
        }

        /// Rejects settings that cannot run.
        public func validate() throws(ManifoldError) {
            guard (1...3).contains(dimensions) else { throw .invalidConfig("t-SNE dimensions must be 1, 2 or 3, got \(dimensions)") }
            if backend == .fft && dimensions != 2 {
                throw .invalidConfig("the FFT backend embeds in 2 dimensions only, got \(dimensions); use --backend bh")
            }
            if method == .sne && !(backend == .exact || backend == .auto) {
                throw .invalidConfig("SNE has only the exact backend, got \(backend.rawValue)")
            }
            guard theta >= 0 && theta.isFinite else { throw .invalidConfig("theta must be ≥ 0, got \(theta)") }
            guard earlyIterations >= 0 && iterations >= 0 else {
                throw .invalidConfig("iteration counts must be ≥ 0, got \(earlyIterations) and \(iterations)")
            }
            guard earlyExaggeration > 0 && exaggeration > 0 else {
                throw .invalidConfig("exaggeration must be positive, got \(earlyExaggeration) and \(exaggeration)")
            }
            if let lr = learningRate, !(lr > 0 && lr.isFinite) { throw .invalidConfig("learning rate must be positive, got \(lr)") }
            guard reportEvery >= 1 else { throw .invalidConfig("reportEvery must be ≥ 1, got \(reportEvery)") }
        }

        /// The backend `.auto` resolves to for `n` points.
        public func resolvedBackend(count n: Int) -> Backend {
            if method == .sne { return .exact }
            if backend != .auto { return backend }
            if n < 500 { return .exact }
            return dimensions == 2 && n >= 10_000 ? .fft : .bh
        }
    }

    /// One line of progress: iteration (1-based, over both phases), KL, seconds since the start.
    public struct Progress: Sendable {
        public var iteration: Int
        public var kl: Double
        public var seconds: Double
        public var phase: String
    }

    /// Computes affinities, initialises and runs both phases on the rows of `x` (`[n, d]`).
    ///
    /// - Throws: `ManifoldError` for a bad config, too few points, NaN/∞ in `x`, or a perplexity
    ///   of n/3 or more.
    public static func fit(_ x: Tensor, config: Config = Config(),
                           onProgress: ((Progress) -> Void)? = nil) throws(ManifoldError) -> TSNEEmbedding {
        try config.validate()
        try validateMatrix(x, minRows: 2, what: "t-SNE input")
        let started = Date()
        let affinities = try Affinities.perplexityBased(x, perplexity: config.perplexity, method: config.affinities,
                                                        neighborSearch: config.neighborSearch)
        let initial = try initialEmbedding(x, config: config)
        let embedding = try TSNEEmbedding(coordinates: initial, affinities: affinities, config: config)
        embedding.affinitySeconds = Date().timeIntervalSince(started)
        embedding.reference = x
        try embedding.optimize(iterations: config.earlyIterations, exaggeration: config.earlyExaggeration,
                               momentum: config.initialMomentum, phase: "early exaggeration", onProgress: onProgress)
        try embedding.optimize(iterations: config.iterations, exaggeration: config.exaggeration,
                               momentum: config.finalMomentum, phase: "normal", onProgress: onProgress)
        return embedding
    }

    /// The starting embedding: PCA or random, with the first coordinate's std at 1e-4.
    public static func initialEmbedding(_ x: Tensor, config: Config) throws(ManifoldError) -> Tensor {
        let n = x.shape[0], dim = config.dimensions
        var y: Tensor
        if config.initialization == .pca && x.shape[1] >= dim {
            y = try PCA.fit(x, config: .init(components: dim)).transform(x)
        } else {
            var rng = RandomGenerator(seed: config.seed)
            y = Tensor.normal([n, dim], std: 1e-4, using: &rng)
        }
        // openTSNE's rescale: divide by std(first column) / 1e-4; a degenerate column
        // (all points equal) falls back to random.
        var mean = 0.0, square = 0.0
        for i in 0..<n { mean += Double(y[i, 0]) }
        mean /= Double(n)
        for i in 0..<n { square += (Double(y[i, 0]) - mean) * (Double(y[i, 0]) - mean) }
        let std = (square / Double(n)).squareRoot()
        if !(std > 1e-12) {
            var rng = RandomGenerator(seed: config.seed)
            return Tensor.normal([n, dim], std: 1e-4, using: &rng)
        }
        let factor = Float(1e-4 / std)
        y.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] *= factor } }
        return y
    }

    /// The backend object for a resolved backend kind.
    static func makeBackend(_ kind: Backend, config: Config) -> any GradientBackend {
        if config.method == .sne { return SNEGradient() }
        switch kind {
        case .exact, .auto: return ExactGradient()
        case .bh: return BarnesHutGradient(theta: config.theta)
        case .fft: return FFTGradient(interpolationPoints: config.interpolationPoints, minIntervals: config.minIntervals)
        }
    }
}

/// An embedding being optimised: coordinates, the affinities it is fitted to, and the
/// optimiser's state (gains and update), so `optimize` can be called again to continue.
/// State lives in flat buffers (positions, gains, update), as distributed optimisers want.
public final class TSNEEmbedding {
    /// The settings of the run.
    public let config: TSNEConfigView
    /// Input affinities P.
    public let affinities: Affinities
    /// `[n, dim]` flat row-major positions.
    public private(set) var positions: [Float]
    private var gains: [Float]
    private var update: [Float]
    private var backend: any GradientBackend
    /// The backend in use.
    public let backendKind: TSNE.Backend
    /// (iteration, KL) every `reportEvery` iterations and at the end of each phase.
    public private(set) var history: [(iteration: Int, kl: Double)] = []
    /// Iterations run so far.
    public private(set) var iterationsDone = 0
    /// Seconds spent in `optimize`.
    public private(set) var optimizeSeconds = 0.0
    /// Seconds spent on affinities and initialisation (set by `TSNE.fit`).
    public internal(set) var affinitySeconds = 0.0
    /// The (preprocessed) data the embedding was fitted to, for adding points later.
    public internal(set) var reference: Tensor?

    /// Number of points.
    public var count: Int { affinities.count }
    /// Embedding dimension.
    public var dimensions: Int { config.dimensions }
    /// The positions as a `[n, dim]` tensor.
    public var coordinates: Tensor { Tensor(shape: [count, dimensions], scalars: positions) }
    /// KL(P‖Q) at the last report.
    public var kl: Double { history.last?.kl ?? .nan }

    /// An embedding starting at `coordinates` (`[n, dim]`) for `affinities`.
    public init(coordinates: Tensor, affinities: Affinities, config: TSNE.Config) throws(ManifoldError) {
        try config.validate()
        guard coordinates.rank == 2 && coordinates.shape[0] == affinities.count && coordinates.shape[1] == config.dimensions else {
            throw .mismatch("initial embedding of shape \(coordinates.shape) does not fit \(affinities.count) points in \(config.dimensions) dimensions")
        }
        self.config = TSNEConfigView(config)
        self.affinities = affinities
        positions = coordinates.scalars
        gains = [Float](repeating: 1, count: positions.count)
        update = [Float](repeating: 0, count: positions.count)
        backendKind = config.resolvedBackend(count: affinities.count)
        backend = TSNE.makeBackend(backendKind, config: config)
    }

    /// Runs `iterations` steps of gradient descent with gains and momentum at the given
    /// exaggeration; the learning rate is the config's or `n / exaggeration`.
    ///
    /// Each step: `gain ← gain + 0.2` where the gradient's sign differs from the last update's,
    /// else `gain ← 0.8·gain + minGain`; `update ← momentum·update − lr·gain·(∂KL/∂y)/4`;
    /// `y ← y + update`, then the mean is subtracted (openTSNE's step, same constants).
    public func optimize(iterations: Int, exaggeration: Float = 1, momentum: Float = 0.8, phase: String = "normal",
                         onProgress: ((TSNE.Progress) -> Void)? = nil) throws(ManifoldError) {
        let n = count, dim = dimensions, total = n * dim
        let lr = Float(config.value.learningRate ?? Swift.max(Double(n) / Double(exaggeration), 1)) / 4
        let minGain = config.value.minGain
        var gradient = [Float](repeating: 0, count: total)
        let started = Date()
        for step in 0..<iterations {
            let report = (iterationsDone + 1) % config.value.reportEvery == 0 || step == iterations - 1
            let kl = gradient.withUnsafeMutableBufferPointer { g in
                positions.withUnsafeBufferPointer { y in
                    backend.evaluate(y.baseAddress!, count: n, dimension: dim, affinities: affinities,
                                     exaggeration: exaggeration, gradient: g.baseAddress!, computeKL: report)
                }
            }
            positions.withUnsafeMutableBufferPointer { y in
                gains.withUnsafeMutableBufferPointer { gn in
                    update.withUnsafeMutableBufferPointer { u in
                        gradient.withUnsafeBufferPointer { g in
                            var mean = [Double](repeating: 0, count: dim)
                            for e in 0..<total {
                                let flipped = (g[e] > 0) != (u[e] > 0)
                                gn[e] = flipped ? gn[e] + 0.2 : gn[e] * 0.8 + minGain
                                u[e] = momentum * u[e] - lr * gn[e] * g[e]
                                y[e] += u[e]
                                mean[e % dim] += Double(y[e])
                            }
                            for a in 0..<dim {
                                let m = Float(mean[a] / Double(n))
                                for i in 0..<n { y[i * dim + a] -= m }
                            }
                        }
                    }
                }
            }
            iterationsDone += 1
            if !positions.allSatisfyFinite() {
                throw .numerical("t-SNE diverged at iteration \(iterationsDone) (non-finite coordinates); lower the learning rate")
            }
            if report {
                history.append((iterationsDone, kl))
                onProgress?(TSNE.Progress(iteration: iterationsDone, kl: kl,
                                          seconds: optimizeSeconds + Date().timeIntervalSince(started), phase: phase))
            }
        }
        optimizeSeconds += Date().timeIntervalSince(started)
    }

    /// KL(P‖Q) and gradient at the current positions, from this embedding's backend.
    public func klAndGradient() -> (kl: Double, gradient: Tensor) {
        backend.klAndGradient(coordinates, affinities: affinities)
    }
}

/// A read-only wrapper of the config an embedding runs with (a class cannot expose a
/// mutable struct property without letting callers change settings mid-run).
public struct TSNEConfigView: Sendable {
    /// The settings.
    public let value: TSNE.Config
    init(_ value: TSNE.Config) { self.value = value }
    /// Output dimension.
    public var dimensions: Int { value.dimensions }
}

extension Array where Element == Float {
    /// True when every element is finite.
    func allSatisfyFinite() -> Bool {
        withUnsafeBufferPointer { p in
            var ok = true
            for v in p where !v.isFinite { ok = false; break }
            return ok
        }
    }
}
