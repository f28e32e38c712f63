import CLatentBLAS
import LatentTensor

/// The mean and covariance of a set of feature vectors, in double precision.
public struct GaussianStatistics: Sendable, Equatable {
    /// Feature count d.
    public let dimension: Int
    /// μ, length d.
    public let mean: [Double]
    /// Σ, d × d row-major (symmetric), the unbiased estimate (divided by n − 1).
    public let covariance: [Double]

    /// Statistics given directly (e.g. analytic Gaussians in tests).
    public init(mean: [Double], covariance: [Double]) throws(FrechetDistance.Failure) {
        guard covariance.count == mean.count * mean.count else {
            throw .shape("covariance has \(covariance.count) entries, expected \(mean.count)² for a mean of length \(mean.count)")
        }
        dimension = mean.count
        self.mean = mean
        self.covariance = covariance
    }

    /// Statistics of the rows of `features` `[n, d]` (n ≥ 2).
    public init(features: Tensor) throws(FrechetDistance.Failure) {
        guard features.rank == 2, features.shape[0] >= 2 else {
            throw .shape("need at least two feature vectors as rows of a matrix, got shape \(features.shape)")
        }
        let n = features.shape[0], d = features.shape[1]
        var centered = features.scalars.map(Double.init)
        var mu = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mu[j] += centered[i * d + j] } }
        for j in 0..<d { mu[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { centered[i * d + j] -= mu[j] } }
        var cov = [Double](repeating: 0, count: d * d)
        // Σ = Xᶜᵀ Xᶜ / (n − 1), in double: float32 sums over 10k samples lose the small eigenvalues.
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1 / Double(n - 1),
                    centered, Int32(d), centered, Int32(d), 0, &cov, Int32(d))
        dimension = d
        mean = mu
        covariance = cov
    }
}

/// The Fréchet (2-Wasserstein) distance between two Gaussians,
/// d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½),
/// the formula behind FID (Heusel et al., 2017). Latent applies it to the features of its own
/// MNIST classifier, so its values are not comparable to Inception-based FID figures.
///
/// Tr((Σ₁Σ₂)^½) is computed without a general matrix square root: Σ₁Σ₂ is similar to the
/// symmetric positive semi-definite Σ₁^½ Σ₂ Σ₁^½, so the trace is the sum of the square roots of
/// that matrix's eigenvalues. Both eigendecompositions use LAPACK's `dsyevd` in double precision;
/// tiny negative eigenvalues from rounding are treated as zero.
public enum FrechetDistance {
    /// Why a distance could not be computed.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case shape(String)
        case lapack(routine: String, info: Int32)

        public var description: String {
            switch self {
            case .shape(let m): "Fréchet distance: \(m)"
            case .lapack(let r, let info): "Fréchet distance: LAPACK \(r) failed (info \(info))"
            }
        }
    }

    /// d² between the Gaussians described by `a` and `b`.
    public static func distance(_ a: GaussianStatistics, _ b: GaussianStatistics) throws(Failure) -> Double {
        guard a.dimension == b.dimension else {
            throw .shape("the two feature sets have \(a.dimension) and \(b.dimension) dimensions")
        }
        let d = a.dimension
        var meanTerm = 0.0
        for j in 0..<d { meanTerm += (a.mean[j] - b.mean[j]) * (a.mean[j] - b.mean[j]) }
        var traces = 0.0
        for j in 0..<d { traces += a.covariance[j * d + j] + b.covariance[j * d + j] }
        return meanTerm + traces - 2 * (try traceOfSquareRootOfProduct(a.covariance, b.covariance, dimension: d))
    }

    /// Tr((Σ₁Σ₂)^½) for symmetric positive semi-definite d × d matrices (row-major).
    public static func traceOfSquareRootOfProduct(_ s1: [Double], _ s2: [Double], dimension d: Int) throws(Failure) -> Double {
        guard s1.count == d * d, s2.count == d * d else { throw .shape("matrices must be \(d)×\(d)") }
        guard d > 0 else { return 0 }
        let root = try squareRoot(s1, dimension: d)
        // M = Σ₁^½ Σ₂ Σ₁^½
        var t = [Double](repeating: 0, count: d * d), m = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, root, Int32(d), s2, Int32(d), 0, &t, Int32(d))
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, t, Int32(d), root, Int32(d), 0, &m, Int32(d))
        // Symmetrise away rounding before the symmetric solver.
        for i in 0..<d { for j in (i + 1)..<d { let v = (m[i * d + j] + m[j * d + i]) / 2; m[i * d + j] = v; m[j * d + i] = v } }
        let (values, _) = try symmetricEigen(m, dimension: d, vectors: false)
        return values.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
    }

    /// The symmetric positive semi-definite square root V diag(√λ⁺) Vᵀ of a symmetric matrix.
    public static func squareRoot(_ s: [Double], dimension d: Int) throws(Failure) -> [Double] {
        let (values, vectors) = try symmetricEigen(s, dimension: d, vectors: true)
        // LAPACK returns eigenvector j as column j in column-major order, i.e. as row j of the
        // row-major matrix W = Vᵀ. Then S = V D Vᵀ = Wᵀ (D W).
        var scaled = vectors
        for j in 0..<d {
            let r = Swift.max(values[j], 0).squareRoot()
            for i in 0..<d { scaled[j * d + i] *= r }
        }
        var result = [Double](repeating: 0, count: d * d)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(d), 1, vectors, Int32(d),
                    scaled, Int32(d), 0, &result, Int32(d))
        return result
    }

    /// Eigenvalues (ascending) and, if asked, eigenvectors (row j of the result is eigenvector
    /// j) of a symmetric d × d matrix, by LAPACK's divide-and-conquer `dsyevd`.
    public static func symmetricEigen(_ s: [Double], dimension d: Int, vectors: Bool) throws(Failure) -> ([Double], [Double]) {
        var a = s
        var w = [Double](repeating: 0, count: d)
        var n = Int32(d), lda = Int32(d), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: vectors ? "V" : "N")), uplo = Int8(UInt8(ascii: "U"))
        // Workspace query first, then the real call.
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workSize = 0.0, iworkSize: Int32 = 0
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else { throw .lapack(routine: "dsyevd (workspace query)", info: info) }
        lwork = Int32(workSize.rounded(.up))
        liwork = Swift.max(iworkSize, 1)
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw .lapack(routine: "dsyevd", info: info) }
        return (w, vectors ? a : [])
    }
}
