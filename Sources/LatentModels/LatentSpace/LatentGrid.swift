import LatentTensor

/// Codes laid out for pictures of a latent space: the 2-d grid over the prior's quantiles
/// (Kingma & Welling's MNIST manifold), and a 2-d view of the codes of any latent size.
public enum LatentGrid {
    /// `size × size` codes, `[size², D]`: row r (top to bottom) sets dimension `dimensions.1` to
    /// the prior's quantile at level `hi − (hi − lo)·r/(size − 1)`, column c sets `dimensions.0`
    /// to the quantile at `lo + (hi − lo)·c/(size − 1)`; every other dimension stays at `base`
    /// (default: the prior's median). With `dimensions` nil the model must be 2-d.
    public static func codes(_ codec: any GenerativeCodec, dimensions: (Int, Int)? = nil, size: Int,
                             levels: ClosedRange<Double> = 0.05...0.95, base: [Float]? = nil) throws(LatentSpaceError) -> Tensor {
        let d = codec.latentSize
        guard size >= 2 else { throw .invalid("a grid needs at least 2 points a side, got \(size)") }
        guard levels.lowerBound > 0, levels.upperBound < 1 else { throw .invalid("quantile levels must lie inside (0, 1), got \(levels)") }
        let (x, y): (Int, Int)
        if let dimensions {
            (x, y) = dimensions
        } else {
            guard d == 2 else { throw .dimensionsRequired(latentSize: d) }
            (x, y) = (0, 1)
        }
        for j in [x, y] where j < 0 || j >= d { throw .dimensionOutOfRange(j, latentSize: d) }
        guard x != y else { throw .invalid("the grid's two dimensions must differ, got \(x) twice") }
        if let base, base.count != d { throw .invalid("the base code has \(base.count) entries, the model \(d)") }
        let center = base ?? (0..<d).map { Float(codec.priorQuantile(0.5, dimension: $0)) }
        let level = { (i: Int) in levels.lowerBound + (levels.upperBound - levels.lowerBound) * Double(i) / Double(size - 1) }
        let xs = (0..<size).map { Float(codec.priorQuantile(level($0), dimension: x)) }
        let ys = (0..<size).map { Float(codec.priorQuantile(level(size - 1 - $0), dimension: y)) }
        var out = [Float](repeating: 0, count: size * size * d)
        for r in 0..<size {
            for c in 0..<size {
                let row = (r * size + c) * d
                for j in 0..<d { out[row + j] = center[j] }
                out[row + x] = xs[c]
                out[row + y] = ys[r]
            }
        }
        return Tensor(shape: [size * size, d], scalars: out)
    }

    /// A 2-d view of codes `[N, D]`: the two chosen dimensions, the codes themselves when D = 2,
    /// or their projection on the two leading principal axes otherwise (D = 1 gets y = 0).
    public static func plane(_ codes: Tensor, dimensions: (Int, Int)? = nil) throws(LatentSpaceError) -> (points: Tensor, axes: (String, String)) {
        let n = codes.shape[0], d = codes.shape[1]
        let p = codes.scalars
        if let (x, y) = dimensions {
            for j in [x, y] where j < 0 || j >= d { throw .dimensionOutOfRange(j, latentSize: d) }
            return (Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [p[$0 * d + x], p[$0 * d + y]] }), ("z\(x)", "z\(y)"))
        }
        if d == 2 { return (codes, ("z0", "z1")) }
        if d == 1 { return (Tensor(shape: [n, 2], scalars: (0..<n).flatMap { [p[$0], 0] }), ("z0", "")) }
        // Principal axes by power iteration on the D×D covariance (D is small), the second after
        // deflating the first.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(p[i * d + j]) } }
        mean = mean.map { $0 / Double(Swift.max(n, 1)) }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for a in 0..<d {
                let da = Double(p[i * d + a]) - mean[a]
                for b in 0..<d { cov[a * d + b] += da * (Double(p[i * d + b]) - mean[b]) }
            }
        }
        var axes: [[Double]] = []
        for k in 0..<2 {
            var v = (0..<d).map { 1 + Double(($0 * 7 + k * 3) % 5) * 0.1 }
            for _ in 0..<500 {
                var w = [Double](repeating: 0, count: d)
                for a in 0..<d { for b in 0..<d { w[a] += cov[a * d + b] * v[b] } }
                for u in axes { let dot = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 }; for a in 0..<d { w[a] -= dot * u[a] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                v = w.map { $0 / norm }
            }
            axes.append(v)
        }
        var out = [Float](repeating: 0, count: n * 2)
        for i in 0..<n {
            for (k, u) in axes.enumerated() {
                var s = 0.0
                for j in 0..<d { s += (Double(p[i * d + j]) - mean[j]) * u[j] }
                out[i * 2 + k] = Float(s)
            }
        }
        return (Tensor(shape: [n, 2], scalars: out), ("PC1", "PC2"))
    }
}
