#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentTensor

/// One Gaussian per class over latent codes: a generative model p(z | c) that can draw new codes
/// of a chosen class (and, with class frequencies, classify codes by Bayes' rule).
///
/// `.diagonal` is Gaussian naive Bayes: every latent dimension independent given the class, the
/// simple generative classifier of the lectures. `.full` fits each class's whole covariance
/// matrix, capturing how dimensions move together within a class, which naive Bayes cannot.
/// Both are fitted by maximum likelihood in double precision, with a small ridge on the variances
/// (1e-4 of the average variance) so a degenerate class still has a proper density.
public struct ClassConditionalGaussians: Sendable {
    /// Which covariance each class gets.
    public enum Covariance: String, Codable, Sendable, CaseIterable {
        /// Naive Bayes: a variance per dimension.
        case diagonal
        /// A full covariance matrix per class.
        case full
    }

    public let covariance: Covariance
    /// The classes fitted, in increasing order.
    public let classes: [Int]
    /// Latent dimension D.
    public let dimension: Int
    /// Per class: the mean code.
    public let means: [[Double]]
    /// Per class: the lower Cholesky factor L of the covariance (row-major D×D; diagonal only
    /// for `.diagonal`), so a draw is μ + L ε.
    public let factors: [[Double]]
    /// Per class: the fraction of the training codes it holds.
    public let priors: [Double]

    /// Fits one Gaussian per label present in `labels` to the rows of `codes` `[N, D]`.
    public init(codes: Tensor, labels: [Int], covariance: Covariance) throws(LatentSpaceError) {
        guard codes.rank == 2, codes.shape[0] == labels.count, !labels.isEmpty else {
            throw .invalid("need one label per code, got \(labels.count) labels for codes of shape \(codes.shape)")
        }
        let d = codes.shape[1], p = codes.scalars
        let classes = Array(Set(labels)).sorted()
        let needed = covariance == .full ? d + 1 : 2
        var means: [[Double]] = [], covariances: [[Double]] = [], priors: [Double] = []
        for c in classes {
            let rows = labels.indices.filter { labels[$0] == c }
            if rows.count < needed { throw .tooFewExamples(label: c, count: rows.count, needed: needed) }
            var mean = [Double](repeating: 0, count: d)
            for r in rows { for j in 0..<d { mean[j] += Double(p[r * d + j]) } }
            mean = mean.map { $0 / Double(rows.count) }
            var cov = [Double](repeating: 0, count: d * d)
            for r in rows {
                for i in 0..<d {
                    let di = Double(p[r * d + i]) - mean[i]
                    for j in 0...i { cov[i * d + j] += di * (Double(p[r * d + j]) - mean[j]) }
                }
            }
            for i in 0..<d { for j in 0...i { cov[i * d + j] /= Double(rows.count - 1); cov[j * d + i] = cov[i * d + j] } }
            means.append(mean)
            covariances.append(cov)
            priors.append(Double(rows.count) / Double(labels.count))
        }
        let averageVariance = covariances.reduce(0.0) { s, cov in s + (0..<d).reduce(0.0) { $0 + cov[$1 * d + $1] } } / Double(d * classes.count)
        let ridge = Swift.max(1e-4 * averageVariance, 1e-12)
        var factors: [[Double]] = []
        for var cov in covariances {
            for i in 0..<d { cov[i * d + i] += ridge }
            if covariance == .diagonal {
                var l = [Double](repeating: 0, count: d * d)
                for i in 0..<d { l[i * d + i] = cov[i * d + i].squareRoot() }
                factors.append(l)
            } else {
                factors.append(Self.cholesky(cov, d))
            }
        }
        self.covariance = covariance
        self.classes = classes
        self.dimension = d
        self.means = means
        self.factors = factors
        self.priors = priors
    }

    /// Lower-triangular L with L Lᵀ = a (a symmetric positive definite, made so by the ridge).
    static func cholesky(_ a: [Double], _ d: Int) -> [Double] {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = i == j ? Swift.max(s, 1e-300).squareRoot() : s / l[j * d + j]
            }
        }
        return l
    }

    /// `count` codes drawn from class `label`'s Gaussian, `[count, D]`.
    public func sample(label: Int, count: Int, using rng: inout RandomGenerator) throws(LatentSpaceError) -> Tensor {
        guard let c = classes.firstIndex(of: label) else {
            throw .invalid("class \(label) was not fitted; the classes are \(classes.map(String.init).joined(separator: ", "))")
        }
        let d = dimension, l = factors[c], mean = means[c]
        var out = [Float](repeating: 0, count: count * d)
        var eps = [Double](repeating: 0, count: d)
        for n in 0..<count {
            for j in 0..<d { eps[j] = Double(rng.nextNormal()) }
            for i in 0..<d {
                var v = mean[i]
                for k in 0...i { v += l[i * d + k] * eps[k] }
                out[n * d + i] = Float(v)
            }
        }
        return Tensor(shape: [count, d], scalars: out)
    }

    /// The most probable class of each code under Bayes' rule (class prior × Gaussian density).
    public func classify(_ codes: Tensor) -> [Int] {
        let d = dimension, p = codes.scalars, n = codes.shape[0]
        return (0..<n).map { r in
            var best = -Double.infinity, arg = classes[0]
            for (c, label) in classes.enumerated() {
                // log 𝒩 = −½ |L⁻¹(z − μ)|² − Σ log Lᵢᵢ (+ a constant shared by all classes).
                let l = factors[c]
                var y = [Double](repeating: 0, count: d), quad = 0.0, logDet = 0.0
                for i in 0..<d {
                    var s = Double(p[r * d + i]) - means[c][i]
                    for k in 0..<i { s -= l[i * d + k] * y[k] }
                    y[i] = s / l[i * d + i]
                    quad += y[i] * y[i]
                    logDet += log(l[i * d + i])
                }
                let score = log(priors[c]) - 0.5 * quad - logDet
                if score > best { best = score; arg = label }
            }
            return arg
        }
    }
}
