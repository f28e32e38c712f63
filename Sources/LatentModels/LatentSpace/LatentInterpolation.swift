#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LatentTensor

/// How to walk between two codes.
public enum LatentInterpolation: String, Codable, Sendable, CaseIterable {
    /// Straight line: (1 − t)·a + t·b.
    case linear
    /// Along the great circle (slerp; Shoemake, 1985; White, 2016, for generative models):
    /// sin((1 − t)θ)/sin θ · a + sin(tθ)/sin θ · b with θ the angle between a and b. Under a
    /// Gaussian prior most mass sits near a shell, and the straight line cuts through the
    /// low-norm middle, where codes are atypical; the arc keeps to typical norms.
    case spherical

    /// `steps` codes from `a` to `b` (both ends included), `[steps, D]`.
    public func path(from a: [Float], to b: [Float], steps: Int) -> Tensor {
        precondition(a.count == b.count && steps >= 2, "LatentInterpolation.path: codes of \(a.count) and \(b.count) dims, \(steps) steps")
        let d = a.count
        var out = [Float](repeating: 0, count: steps * d)
        let na = a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let nb = b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let theta = na > 0 && nb > 0 ? acos(Swift.max(-1, Swift.min(1, dot / (na * nb)))) : 0
        for s in 0..<steps {
            let t = Double(s) / Double(steps - 1)
            var wa = 1 - t, wb = t
            // Nearly parallel codes: the arc is the line, and sin θ → 0 would divide by zero.
            if self == .spherical && sin(theta) > 1e-6 {
                wa = sin((1 - t) * theta) / sin(theta)
                wb = sin(t * theta) / sin(theta)
            }
            for j in 0..<d { out[s * d + j] = Float(wa * Double(a[j]) + wb * Double(b[j])) }
        }
        return Tensor(shape: [steps, d], scalars: out)
    }
}
