import Foundation
import LatentModels
import LatentTensor
import Testing

@Suite struct FrechetDistanceTests {
    /// n samples of N(mean, A Aᵀ) in d dimensions.
    static func gaussian(_ n: Int, mean: [Float], mixing a: [[Float]], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let d = mean.count
        var x = Tensor(shape: [n, d])
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let z = (0..<d).map { _ in rng.nextNormal() }
                for r in 0..<d { p[i * d + r] = mean[r] + (0..<d).reduce(0) { $0 + a[r][$1] * z[$1] } }
            }
        }
        return x
    }

    static let mixing: [[Float]] = [[1, 0, 0], [0.5, 1, 0], [0.2, -0.3, 0.7]]

    @Test func twoSamplesOfOneGaussianAreAtDistanceNearZero() throws {
        let a = try GaussianStatistics(features: Self.gaussian(20000, mean: [1, 2, 3], mixing: Self.mixing, seed: 1))
        let b = try GaussianStatistics(features: Self.gaussian(20000, mean: [1, 2, 3], mixing: Self.mixing, seed: 2))
        let d = try FrechetDistance.distance(a, b)
        #expect(d >= -1e-9 && d < 2e-3, "\(d)")
        #expect(abs(try FrechetDistance.distance(a, a)) < 1e-9)
    }

    @Test func shiftedGaussiansAreAtTheSquaredShift() throws {
        let a = try GaussianStatistics(features: Self.gaussian(20000, mean: [0, 0, 0], mixing: Self.mixing, seed: 3))
        let b = try GaussianStatistics(features: Self.gaussian(20000, mean: [1, -2, 0.5], mixing: Self.mixing, seed: 4))
        // Same covariance: d² = ‖Δμ‖² = 1 + 4 + 0.25.
        let d = try FrechetDistance.distance(a, b)
        #expect(abs(d - 5.25) < 0.05, "\(d)")
    }

    @Test func analyticCovariancesGiveTheClosedForm() throws {
        // Diagonal: Tr((Σ₁Σ₂)^½) = Σ √(a_i b_i) = 3 + 2.
        let s1 = [1.0, 0, 0, 4], s2 = [9.0, 0, 0, 1]
        #expect(abs(try FrechetDistance.traceOfSquareRootOfProduct(s1, s2, dimension: 2) - 5) < 1e-10)
        let d = try FrechetDistance.distance(try GaussianStatistics(mean: [0, 0], covariance: s1),
                                             try GaussianStatistics(mean: [3, 4], covariance: s2))
        #expect(abs(d - (25 + 1 + 4 + 9 + 1 - 10)) < 1e-10)
        // Non-commuting 2×2: the eigenvalues λ of Σ₁Σ₂ give Tr(·^½) = √(tr + 2√det).
        let p = [2.0, 1, 1, 2], q = [1.0, -0.5, -0.5, 3]
        let pq = [p[0] * q[0] + p[1] * q[2], p[0] * q[1] + p[1] * q[3], p[2] * q[0] + p[3] * q[2], p[2] * q[1] + p[3] * q[3]]
        let expected = (pq[0] + pq[3] + 2 * (pq[0] * pq[3] - pq[1] * pq[2]).squareRoot()).squareRoot()
        #expect(abs(try FrechetDistance.traceOfSquareRootOfProduct(p, q, dimension: 2) - expected) < 1e-10)
        // The square root squares back.
        let r = try FrechetDistance.squareRoot(p, dimension: 2)
        let rr = [r[0] * r[0] + r[1] * r[2], r[0] * r[1] + r[1] * r[3], r[2] * r[0] + r[3] * r[2], r[2] * r[1] + r[3] * r[3]]
        for (x, y) in zip(rr, p) { #expect(abs(x - y) < 1e-12) }
    }

    @Test func mismatchedDimensionsAreAnError() throws {
        let a = try GaussianStatistics(mean: [0, 0], covariance: [1, 0, 0, 1])
        let b = try GaussianStatistics(mean: [0], covariance: [1])
        #expect(throws: FrechetDistance.Failure.self) { try FrechetDistance.distance(a, b) }
        #expect(throws: FrechetDistance.Failure.self) { try GaussianStatistics(features: Tensor(shape: [1, 3])) }
    }
}
