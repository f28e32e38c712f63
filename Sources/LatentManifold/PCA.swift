import CLatentBLAS
import Foundation
import LatentIO
import LatentTensor

/// Principal component analysis: the best rank-k linear projection of centred data in the
/// squared-error sense, which is also what a linear autoencoder with a k-unit code learns.
///
/// `fit` centres the data, finds the top `components` directions of largest variance and records
/// how much of the total variance each explains. Two solvers:
/// - **exact**: the covariance matrix `Xcᵀ·Xc / (n−1)` accumulated by BLAS (`ssyrk`, in row
///   blocks, summed in double) and eigen-decomposed by LAPACK `dsyevd` in double precision. Cost
///   `n·d²` for the covariance plus `d³`, which for MNIST's d = 784 is less than a randomised
///   solver's passes over the data.
/// - **randomized** (Halko, Martinsson & Tropp 2011): a Gaussian sketch of `components +
///   oversamples` columns, `powerIterations` rounds of `Xc·Xcᵀ` with QR re-orthonormalisation,
///   then an exact decomposition of the small projected matrix. For wide data (large d).
///
/// Components carry a fixed sign (the entry of largest magnitude is positive), so results are
/// reproducible and comparable with scikit-learn's up to that convention.
///
/// ```swift
/// let pca = try PCA.fit(images, config: .init(components: 50))
/// let codes = pca.transform(images)              // [n, 50]
/// let back = pca.inverseTransform(codes)         // [n, 784]
/// print(pca.explainedVarianceRatio.prefix(3))
/// ```
public struct PCA: Sendable {
    /// How to fit; stored in saved models.
    public struct Config: Codable, Sendable, Equatable {
        /// Number of principal components kept (k).
        public var components = 2
        /// Which algorithm finds them.
        public var solver = Solver.auto
        /// Scale each transformed coordinate to unit variance (divide by √explained variance).
        public var whiten = false
        /// Power iterations of the randomised solver; 4 (scikit-learn's default for small k)
        /// makes the sketch's error negligible on data whose spectrum decays like images'.
        public var powerIterations = 4
        /// Extra sketch columns beyond k for the randomised solver (10, as Halko et al. advise).
        public var oversamples = 10
        /// Seed of the randomised solver's Gaussian sketch.
        public var seed: UInt64 = 1

        /// Defaults with `components` components.
        public init(components: Int = 2, solver: Solver = .auto, whiten: Bool = false) {
            self.components = components
            self.solver = solver
            self.whiten = whiten
        }
    }

    /// The algorithm that finds the components.
    public enum Solver: String, Codable, Sendable, CaseIterable {
        /// `exact` when d ≤ 2048 or k is a large share of min(n, d), else `randomized`.
        case auto
        /// Covariance eigendecomposition.
        case exact
        /// Randomised range finder with power iterations.
        case randomized
    }

    /// The settings the model was fitted with.
    public let config: Config
    /// Per-feature mean of the training data, `[d]`.
    public let mean: Tensor
    /// Principal axes as rows, `[k, d]`, orthonormal, by decreasing variance.
    public let components: Tensor
    /// Variance of the data along each component (eigenvalues of the covariance, n−1 denominator).
    public let explainedVariance: [Double]
    /// Total variance of the data (trace of the covariance).
    public let totalVariance: Double
    /// The solver actually used (never `.auto`).
    public let solverUsed: Solver

    /// Share of the total variance explained by each component.
    public var explainedVarianceRatio: [Double] { explainedVariance.map { totalVariance > 0 ? $0 / totalVariance : 0 } }
    /// Number of input features (d).
    public var features: Int { mean.count }

    /// Fits PCA to the rows of `x` (`[n, d]`, finite, n ≥ 2).
    ///
    /// - Throws: `ManifoldError.invalidData` for a non-matrix, fewer than 2 rows or a NaN/∞;
    ///   `.invalidConfig` when `components` is not in 1…min(n, d) or a solver setting is negative.
    public static func fit(_ x: Tensor, config: Config = Config()) throws(ManifoldError) -> PCA {
        try validateMatrix(x, minRows: 2, what: "PCA input")
        let n = x.shape[0], d = x.shape[1], k = config.components
        guard k >= 1 && k <= Swift.min(n, d) else {
            throw .invalidConfig("PCA components must be between 1 and min(n, d) = \(Swift.min(n, d)), got \(k)")
        }
        guard config.powerIterations >= 0 && config.oversamples >= 0 else {
            throw .invalidConfig("PCA power iterations and oversamples must be ≥ 0, got \(config.powerIterations) and \(config.oversamples)")
        }
        var solver = config.solver
        if solver == .auto {
            solver = (d <= 2048 || Double(k) >= 0.8 * Double(Swift.min(n, d))) ? .exact : .randomized
        }
        let (mean, total) = columnMeanAndTotalVariance(x)
        let result: (components: [Float], variance: [Double])
        switch solver {
        case .exact, .auto: result = try exactComponents(x, mean: mean, k: k)
        case .randomized: result = try randomizedComponents(x, mean: mean, config: config)
        }
        var comps = result.components
        fixSigns(&comps, k: k, d: d)
        return PCA(config: config, mean: Tensor(shape: [d], scalars: mean.map(Float.init)),
                   components: Tensor(shape: [k, d], scalars: comps), explainedVariance: result.variance,
                   totalVariance: total, solverUsed: solver)
    }

    init(config: Config, mean: Tensor, components: Tensor, explainedVariance: [Double], totalVariance: Double,
         solverUsed: Solver) {
        self.config = config
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
        self.totalVariance = totalVariance
        self.solverUsed = solverUsed
    }

    /// Projects rows of `x` (`[m, d]`) onto the components: `(x − mean)·componentsᵀ`, `[m, k]`,
    /// divided by √explained variance when whitening.
    public func transform(_ x: Tensor) throws(ManifoldError) -> Tensor {
        guard x.rank == 2 && x.shape[1] == features else {
            throw .mismatch("PCA.transform: input of shape \(x.shape) does not have the model's \(features) features")
        }
        let m = x.shape[0], k = components.shape[0], d = features
        var z = Tensor(shape: [m, k])
        // x·Wᵀ − (mean·Wᵀ): no centred copy of x is made.
        let offset = mean.reshaped([1, d]).matmul(components, transposeOther: true)
        let scale = whiteningScale()
        z.withUnsafeMutableBufferPointer { zp in
            gemm(transB: true, m: m, n: k, k: d, a: x.unsafeBaseAddress, lda: d, b: components.unsafeBaseAddress, ldb: d,
                 c: zp.baseAddress!, ldc: k)
            offset.withUnsafeBufferPointer { op in
                for i in 0..<m {
                    for j in 0..<k { zp[i * k + j] = (zp[i * k + j] - op[j]) * scale[j] }
                }
            }
        }
        return z
    }

    /// Maps codes `[m, k]` back to the data space: `z·components + mean` (undoing whitening).
    public func inverseTransform(_ z: Tensor) throws(ManifoldError) -> Tensor {
        let k = components.shape[0], d = features
        guard z.rank == 2 && z.shape[1] == k else {
            throw .mismatch("PCA.inverseTransform: codes of shape \(z.shape) do not have the model's \(k) components")
        }
        let m = z.shape[0]
        var scaled = z
        if config.whiten {
            let scale = whiteningScale()
            scaled.withUnsafeMutableBufferPointer { p in
                for i in 0..<m { for j in 0..<k { p[i * k + j] /= scale[j] } }
            }
        }
        var x = Tensor(shape: [m, d])
        x.withUnsafeMutableBufferPointer { xp in
            mean.withUnsafeBufferPointer { mp in
                for i in 0..<m { (xp.baseAddress! + i * d).update(from: mp.baseAddress!, count: d) }
            }
            gemm(m: m, n: d, k: k, a: scaled.unsafeBaseAddress, lda: k, b: components.unsafeBaseAddress, ldb: d,
                 beta: 1, c: xp.baseAddress!, ldc: d)
        }
        return x
    }

    /// Multipliers applied to each transformed coordinate (1, or 1/√variance when whitening).
    private func whiteningScale() -> [Float] {
        explainedVariance.map { config.whiten && $0 > 0 ? Float(1 / $0.squareRoot()) : 1 }
    }

    // MARK: Solvers

    /// Column means and the sum of column variances (n−1 denominator), both in double.
    static func columnMeanAndTotalVariance(_ x: Tensor) -> ([Double], Double) {
        let n = x.shape[0], d = x.shape[1]
        let threads = Threads.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: threads)
        var squares = [[Double]](repeating: [Double](repeating: 0, count: d), count: threads)
        let base = x.unsafeBaseAddress
        // Pass 1: means. Pass 2: squared deviations (two passes keep the variance exact in double).
        sums.withUnsafeMutableBufferPointer { sp in
            let sp = UncheckedBox(sp)
            parallelChunks(n, chunks: threads) { c, range in
                var acc = [Double](repeating: 0, count: d)
                for i in range { for j in 0..<d { acc[j] += Double(base[i * d + j]) } }
                sp.value[c] = acc
            }
        }
        var mean = [Double](repeating: 0, count: d)
        for s in sums { for j in 0..<d { mean[j] += s[j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        squares.withUnsafeMutableBufferPointer { qp in
            let qp = UncheckedBox(qp)
            parallelChunks(n, chunks: threads) { c, range in
                var acc = [Double](repeating: 0, count: d)
                for i in range {
                    for j in 0..<d {
                        let t = Double(base[i * d + j]) - mean[j]
                        acc[j] += t * t
                    }
                }
                qp.value[c] = acc
            }
        }
        var total = 0.0
        for q in squares { for j in 0..<d { total += q[j] } }
        return (mean, total / Double(n - 1))
    }

    /// Top-k eigenvectors of the covariance, accumulated block by block with `ssyrk`.
    static func exactComponents(_ x: Tensor, mean: [Double], k: Int) throws(ManifoldError) -> ([Float], [Double]) {
        let n = x.shape[0], d = x.shape[1]
        let block = Swift.max(1, Swift.min(n, (1 << 22) / d))
        var scratch = [Float](repeating: 0, count: block * d)
        var partial = [Float](repeating: 0, count: d * d)
        var cov = [Double](repeating: 0, count: d * d)
        let meanF = mean.map(Float.init)
        let base = x.unsafeBaseAddress
        var start = 0
        while start < n {
            let rows = Swift.min(block, n - start)
            scratch.withUnsafeMutableBufferPointer { s in
                for i in 0..<rows {
                    for j in 0..<d { s[i * d + j] = base[(start + i) * d + j] - meanF[j] }
                }
                partial.withUnsafeMutableBufferPointer { c in
                    // Upper triangle of blockᵀ·block (row-major), i.e. the lower one column-major.
                    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(rows), 1, s.baseAddress,
                                Int32(d), 0, c.baseAddress, Int32(d))
                }
            }
            for i in 0..<d { for j in i..<d { cov[i * d + j] += Double(partial[i * d + j]) } }
            start += rows
        }
        // Row-major upper = column-major lower, which is the triangle dsyevd is told to read.
        let values = try LAPACK.symmetricEigen(&cov, n: d)
        var comps = [Float](repeating: 0, count: k * d)
        var variance = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let src = d - 1 - c          // eigenvalues ascend
            variance[c] = Swift.max(0, values[src] / Double(n - 1))
            for j in 0..<d { comps[c * d + j] = Float(cov[src * d + j]) }
        }
        return (comps, variance)
    }

    /// Halko et al.'s randomised range finder with power iterations, on the implicitly centred data.
    static func randomizedComponents(_ x: Tensor, mean: [Double], config: Config) throws(ManifoldError) -> ([Float], [Double]) {
        let n = x.shape[0], d = x.shape[1], k = config.components
        let l = Swift.min(k + config.oversamples, Swift.min(n, d))
        let base = x.unsafeBaseAddress
        let meanF = mean.map(Float.init)
        var rng = RandomGenerator(seed: config.seed)
        // Ωᵀ: l × d Gaussian.
        var omegaT = [Float](repeating: 0, count: l * d)
        for i in 0..<omegaT.count { omegaT[i] = rng.nextNormal() }
        // Yᵀ = Ωᵀ·Xcᵀ (l × n row-major, which is Y column-major n × l).
        var yT = [Float](repeating: 0, count: l * n)
        var zT = [Float](repeating: 0, count: l * d)
        func sketchRows(_ wT: [Float], into out: inout [Float]) {
            // out (l × n) = wT (l × d) · Xᵀ − (wT·mean) 1ᵀ
            wT.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    gemm(transB: true, m: l, n: n, k: d, a: w.baseAddress!, lda: d, b: base, ldb: d, c: o.baseAddress!, ldc: n)
                    for r in 0..<l {
                        var dot: Float = 0
                        for j in 0..<d { dot += w[r * d + j] * meanF[j] }
                        for i in 0..<n { o[r * n + i] -= dot }
                    }
                }
            }
        }
        func projectRows(_ qT: [Float], into out: inout [Float]) {
            // out (l × d) = qT (l × n) · X − (qT·1) meanᵀ
            qT.withUnsafeBufferPointer { q in
                out.withUnsafeMutableBufferPointer { o in
                    gemm(m: l, n: d, k: n, a: q.baseAddress!, lda: n, b: base, ldb: d, c: o.baseAddress!, ldc: d)
                    for r in 0..<l {
                        var s: Float = 0
                        for i in 0..<n { s += q[r * n + i] }
                        for j in 0..<d { o[r * d + j] -= s * meanF[j] }
                    }
                }
            }
        }
        sketchRows(omegaT, into: &yT)
        try orthonormalize(&yT, rows: n, columns: l)
        for _ in 0..<config.powerIterations {
            projectRows(yT, into: &zT)
            try orthonormalize(&zT, rows: d, columns: l)
            sketchRows(zT, into: &yT)
            try orthonormalize(&yT, rows: n, columns: l)
        }
        // B = Qᵀ·Xc (l × d); B·Bᵀ = U S² Uᵀ gives Vᵀ = S⁻¹ Uᵀ B.
        projectRows(yT, into: &zT)
        var gram = [Double](repeating: 0, count: l * l)
        var bbt = [Float](repeating: 0, count: l * l)
        zT.withUnsafeBufferPointer { b in
            bbt.withUnsafeMutableBufferPointer { g in
                gemm(transB: true, m: l, n: l, k: d, a: b.baseAddress!, lda: d, b: b.baseAddress!, ldb: d, c: g.baseAddress!, ldc: l)
            }
        }
        for i in 0..<(l * l) { gram[i] = Double(bbt[i]) }
        let values = try LAPACK.symmetricEigen(&gram, n: l)
        var comps = [Float](repeating: 0, count: k * d)
        var variance = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let src = l - 1 - c
            let s2 = Swift.max(values[src], 0)
            variance[c] = s2 / Double(n - 1)
            let inv = s2 > 0 ? 1 / s2.squareRoot() : 0
            var row = [Double](repeating: 0, count: d)
            for r in 0..<l {
                let u = gram[src * l + r] * inv
                if u == 0 { continue }
                for j in 0..<d { row[j] += u * Double(zT[r * d + j]) }
            }
            for j in 0..<d { comps[c * d + j] = Float(row[j]) }
        }
        return (comps, variance)
    }

    /// QR-orthonormalises the column-major `rows × columns` matrix stored in `a`.
    private static func orthonormalize(_ a: inout [Float], rows: Int, columns: Int) throws(ManifoldError) {
        try a.withUnsafeMutableBufferPointer { (p: inout UnsafeMutableBufferPointer<Float>) throws(ManifoldError) in
            try LAPACK.orthonormalizeColumns(p.baseAddress!, rows: rows, columns: columns)
        }
    }

    /// Makes the entry of largest magnitude of each component positive.
    static func fixSigns(_ comps: inout [Float], k: Int, d: Int) {
        for c in 0..<k {
            var best = 0
            for j in 0..<d where abs(comps[c * d + j]) > abs(comps[c * d + best]) { best = j }
            if comps[c * d + best] < 0 { for j in 0..<d { comps[c * d + j] = -comps[c * d + j] } }
        }
    }
}

// MARK: Saving

extension PCA {
    /// The `latent.kind` of a saved PCA model.
    public static let kind = "pca"

    /// Writes the model as safetensors (`mean`, `components`, `explained_variance`; the config,
    /// total variance and solver as JSON metadata), atomically. NumPy/PyTorch read it directly.
    public func save(to path: String) throws {
        let config = String(decoding: try JSONEncoder().encode(self.config), as: UTF8.self)
        try SafeTensors.write(
            tensors: [("mean", mean), ("components", components),
                      ("explained_variance", Tensor(explainedVariance.map(Float.init)))],
            metadata: ["latent.kind": PCA.kind, "latent.config": config, "latent.solver": solverUsed.rawValue,
                       "latent.total_variance": String(totalVariance),
                       "latent.explained_variance": explainedVariance.map { String($0) }.joined(separator: ",")],
            to: path)
    }

    /// Reads a model written by `save(to:)`.
    ///
    /// - Throws: `LatentIOError` for an unreadable file; `ManifoldError.badModel` naming `path`
    ///   when it is not a PCA model or its tensors disagree.
    public static func load(path: String) throws -> PCA {
        let file = try SafeTensors.read(path: path)
        guard file.metadata["latent.kind"] == PCA.kind else {
            throw ManifoldError.badModel("\(path): not a Latent PCA model (latent.kind is \(file.metadata["latent.kind"] ?? "missing"))")
        }
        guard let configJSON = file.metadata["latent.config"],
              let config = try? JSONDecoder().decode(Config.self, from: Data(configJSON.utf8)) else {
            throw ManifoldError.badModel("\(path): PCA config in metadata is missing or invalid")
        }
        guard let mean = file["mean"]?.tensor, let components = file["components"]?.tensor,
              components.rank == 2, mean.rank == 1, components.shape[1] == mean.count else {
            throw ManifoldError.badModel("\(path): needs tensors 'mean' [d] and 'components' [k, d]")
        }
        let k = components.shape[0]
        let variance = (file.metadata["latent.explained_variance"] ?? "").split(separator: ",").compactMap { Double($0) }
        guard variance.count == k, let total = file.metadata["latent.total_variance"].flatMap(Double.init) else {
            throw ManifoldError.badModel("\(path): explained variance metadata does not match \(k) components")
        }
        let solver = file.metadata["latent.solver"].flatMap(Solver.init(rawValue:)) ?? .exact
        return PCA(config: config, mean: mean, components: components, explainedVariance: variance,
                   totalVariance: total, solverUsed: solver)
    }
}
