import Foundation
import LatentTensor

/// Laplacian eigenmaps (Belkin & Niyogi 2003) of a fuzzy graph: UMAP's spectral initialisation.
///
/// The coordinates are the eigenvectors of the symmetric normalised Laplacian
/// `L = I − D^{−1/2} W D^{−1/2}` with the smallest eigenvalues after the trivial one. They are
/// found as the *largest* eigenvectors of `B = (I + D^{−1/2} W D^{−1/2}) / 2` (same vectors,
/// eigenvalues `1 − λ_L/2` in [0, 1]) by block subspace iteration with Rayleigh–Ritz: the trivial
/// eigenvector `D^{1/2}·1` is projected out at every step, the block (`dim + 6` vectors) is
/// orthonormalised by Cholesky QR (twice) in double precision, and the iteration stops when
/// the wanted Ritz values change by less than `tolerance` or after `maxIterations`.
///
/// umap-learn calls ARPACK here; like it, this returns `nil` (so UMAP falls back to a random
/// start) when the graph has more than one connected component, where the low eigenvectors are
/// component indicators and say nothing about the layout.
public enum SpectralLayout {
    /// Connected components of the graph: a label per point and the number of components.
    public static func components(_ graph: FuzzySimplicialSet) -> (labels: [Int32], count: Int) {
        let n = graph.count
        var label = [Int32](repeating: -1, count: n)
        var count: Int32 = 0
        var stack: [Int] = []
        for s in 0..<n where label[s] < 0 {
            label[s] = count
            stack.append(s)
            while let i = stack.popLast() {
                for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                    let j = Int(graph.columns[e])
                    if label[j] < 0 { label[j] = count; stack.append(j) }
                }
            }
            count += 1
        }
        return (label, Int(count))
    }

    /// The `dim` smallest non-trivial Laplacian eigenvectors as `[n, dim]` row-major coordinates,
    /// or `nil` when the graph is disconnected, too small (n ≤ dim + 1) or the iteration breaks down.
    public static func embed(_ graph: FuzzySimplicialSet, dimensions dim: Int, seed: UInt64,
                             maxIterations: Int = 300, tolerance: Double = 1e-5) -> [Float]? {
        let n = graph.count
        guard n > dim + 1, components(graph).count == 1 else { return nil }
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n { for e in graph.rowStart[i]..<graph.rowStart[i + 1] { degree[i] += Double(graph.values[e]) } }
        guard degree.allSatisfy({ $0 > 0 }) else { return nil }
        let invSqrt = degree.map { 1 / $0.squareRoot() }
        // The trivial eigenvector of B (eigenvalue 1): D^{1/2}·1, normalised.
        var trivial = degree.map { $0.squareRoot() }
        let tn = trivial.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in 0..<n { trivial[i] /= tn }
        let p = Swift.min(n - 1, dim + 6)
        var rng = RandomGenerator(seed: seed)
        // Row-major storage: component i of vector c is v[i*p + c].
        var v = (0..<(p * n)).map { _ in Double(rng.nextNormal()) }
        var w = [Double](repeating: 0, count: p * n)
        var previous = [Double](repeating: .infinity, count: dim)
        var ritz: [Double] = []
        guard orthonormalize(&v, n: n, p: p, against: trivial) else { return nil }
        for iteration in 0..<maxIterations {
            multiply(graph, invSqrt: invSqrt, v, into: &w, p: p)
            let check = iteration % 10 == 9 || iteration == maxIterations - 1
            if check {
                // Rayleigh–Ritz on span(v): H = vᵀ B v, rotate v by H's eigenvectors.
                var h = [Double](repeating: 0, count: p * p)
                for a in 0..<p {
                    for b in a..<p {
                        var s = 0.0
                        for i in 0..<n { s += v[i * p + a] * w[i * p + b] }
                        h[a * p + b] = s
                        h[b * p + a] = s
                    }
                }
                guard let values = try? LAPACK.symmetricEigen(&h, n: p) else { return nil }
                // Ascending eigenvalues; the wanted ones are the largest.
                ritz = values
                var rotated = [Double](repeating: 0, count: p * n)
                for c in 0..<p {
                    let src = p - 1 - c   // descending order
                    for a in 0..<p {
                        let coeff = h[src * p + a]
                        if coeff == 0 { continue }
                        for i in 0..<n { rotated[i * p + c] += coeff * w[i * p + a] }
                    }
                }
                w = rotated
                let wanted = (0..<dim).map { ritz[p - 1 - $0] }
                let change = zip(wanted, previous).map { abs($0 - $1) }.max() ?? 0
                previous = wanted
                swap(&v, &w)
                guard orthonormalize(&v, n: n, p: p, against: trivial) else { return nil }
                if change < tolerance { break }
            } else {
                // Between Rayleigh–Ritz steps only the trivial direction is removed: B's
                // eigenvalues lie in [0, 1], so the block neither overflows nor, in ten steps,
                // collapses onto one vector.
                swap(&v, &w)
                project(&v, n: n, p: p, against: trivial)
            }
        }
        // The Laplacian eigenvectors of the normalised problem (umap-learn returns them as is).
        var out = [Float](repeating: 0, count: n * dim)
        for c in 0..<dim { for i in 0..<n { out[i * dim + c] = Float(v[i * p + c]) } }
        return out.allSatisfy({ $0.isFinite }) ? out : nil
    }

    /// `w ← B v` for the `p` column vectors, with `B = (I + D^{−1/2} W D^{−1/2}) / 2`, rows in
    /// parallel (each row is written by one thread, so the result does not depend on threads).
    static func multiply(_ graph: FuzzySimplicialSet, invSqrt: [Double], _ v: [Double], into w: inout [Double], p: Int) {
        let n = graph.count
        w.withUnsafeMutableBufferPointer { wp in
            let out = UncheckedBox(wp.baseAddress!)
            v.withUnsafeBufferPointer { vp in
                let input = UncheckedBox(vp.baseAddress!)
                parallelChunks(n, chunks: n >= 2048 ? Threads.count : 1) { _, range in
                    var acc = [Double](repeating: 0, count: p)
                    for i in range {
                        for c in 0..<p { acc[c] = 0 }
                        for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                            let j = Int(graph.columns[e])
                            let weight = Double(graph.values[e]) * invSqrt[j]
                            let row = input.value + j * p
                            for c in 0..<p { acc[c] += weight * row[c] }
                        }
                        for c in 0..<p {
                            out.value[i * p + c] = 0.5 * (input.value[i * p + c] + invSqrt[i] * acc[c])
                        }
                    }
                }
            }
        }
    }

    /// Removes the component along the unit vector `t` from each of the `p` columns.
    static func project(_ v: inout [Double], n: Int, p: Int, against t: [Double]) {
        var s = [Double](repeating: 0, count: p)
        for i in 0..<n { for c in 0..<p { s[c] += v[i * p + c] * t[i] } }
        for i in 0..<n { for c in 0..<p { v[i * p + c] -= s[c] * t[i] } }
    }

    /// Projects out `against` and orthonormalises the `p` columns.
    /// Returns false if a column collapses.
    static func orthonormalize(_ v: inout [Double], n: Int, p: Int, against t: [Double]) -> Bool {
        // Cholesky QR, twice: G = VᵀV (one pass), V ← V·L⁻ᵀ with G = LLᵀ. Row-major V keeps
        // both passes streaming through memory.
        project(&v, n: n, p: p, against: t)
        for _ in 0..<2 {
            var g = [Double](repeating: 0, count: p * p)
            for i in 0..<n {
                for a in 0..<p {
                    let va = v[i * p + a]
                    for b in a..<p { g[a * p + b] += va * v[i * p + b] }
                }
            }
            // Cholesky of the upper triangle: g = RᵀR, R upper.
            var r = [Double](repeating: 0, count: p * p)
            for a in 0..<p {
                var diag = g[a * p + a]
                for c in 0..<a { diag -= r[c * p + a] * r[c * p + a] }
                guard diag > 1e-300 && diag.isFinite else { return false }
                r[a * p + a] = diag.squareRoot()
                for b in (a + 1)..<p {
                    var s = g[a * p + b]
                    for c in 0..<a { s -= r[c * p + a] * r[c * p + b] }
                    r[a * p + b] = s / r[a * p + a]
                }
            }
            // V ← V R⁻¹, row by row (forward substitution).
            var row = [Double](repeating: 0, count: p)
            for i in 0..<n {
                for b in 0..<p {
                    var s = v[i * p + b]
                    for c in 0..<b { s -= row[c] * r[c * p + b] }
                    row[b] = s / r[b * p + b]
                }
                for b in 0..<p { v[i * p + b] = row[b] }
            }
        }
        return true
    }
}
