import Foundation
import LatentTensor

extension TSNEEmbedding {
    /// Places new points into this (fixed) embedding, as openTSNE's `transform` does: the
    /// reference points do not move; each new point gets perplexity-calibrated affinities to its
    /// nearest reference points, starts at their affinity-weighted mean, and is optimised alone
    /// against the reference.
    ///
    /// Each new point `i` minimises its own `KL(p_·|i ‖ q_·|i)` with `q_j|i = w_ij / Σ_l w_il` over
    /// the reference points, whose gradient is `2 Σ_j (p_j|i − q_j|i) w_ij (y_i − y_j)`; the
    /// repulsion comes from a Barnes-Hut tree over the reference built once (θ = 0.5). Steps use
    /// momentum 0.8 with gains, and each point's step is capped at `maxStep` so a point with a
    /// steep start cannot jump across the map.
    ///
    /// - Parameters:
    ///   - x: new rows `[m, d]` in the same feature space as the data the embedding was fitted to.
    ///   - perplexity: of the new points' affinities (openTSNE uses 5: new points should sit
    ///     close to their nearest reference neighbours).
    ///   - iterations: optimisation steps for the new points.
    ///   - learningRate: the step size of the momentum update.
    ///   - maxStep: the longest move a point may make in one step, in map units.
    /// - Returns: `[m, dim]` coordinates of the new points.
    /// - Throws: `ManifoldError` if the embedding has no reference data, features differ, or `x`
    ///   has NaN/∞.
    public func transform(_ x: Tensor, perplexity: Double = 5, iterations: Int = 100, learningRate: Float = 1,
                          maxStep: Float = 1) throws(ManifoldError) -> Tensor {
        guard let reference else { throw .invalidConfig("this embedding keeps no reference data; fit it with TSNE.fit to add points") }
        try validateMatrix(x, minRows: 1, what: "new points")
        guard x.shape[1] == reference.shape[1] else {
            throw .mismatch("new points have \(x.shape[1]) features, the embedding was fitted to \(reference.shape[1])")
        }
        let nRef = reference.shape[0], m = x.shape[0], dim = dimensions
        guard perplexity >= 1 && 3 * perplexity < Double(nRef) else {
            throw .invalidConfig("perplexity \(perplexity) must be at least 1 and below n/3 = \(nRef / 3) for \(nRef) reference points")
        }
        let k = Swift.min(nRef, Int(3 * perplexity))
        let neighbors = NearestNeighbors.exact(queries: x, reference: reference, k: k)
        let p = Affinities.calibrate(neighbors, perplexity: perplexity)
        let refY = positions
        var y = [Float](repeating: 0, count: m * dim)
        for i in 0..<m {
            for e in p.rowStart[i]..<p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                for a in 0..<dim { y[i * dim + a] += p.values[e] * refY[j * dim + a] }
            }
        }
        var tree = SpaceTree()
        refY.withUnsafeBufferPointer { tree.build($0.baseAddress!, count: nRef, dimension: dim) }
        var update = [Float](repeating: 0, count: m * dim), gains = [Float](repeating: 1, count: m * dim)
        let box = UncheckedBox(tree)
        for _ in 0..<iterations {
            y.withUnsafeMutableBufferPointer { yp in
                update.withUnsafeMutableBufferPointer { up in
                    gains.withUnsafeMutableBufferPointer { gp in
                        let ptrs = UncheckedBox((yp.baseAddress!, up.baseAddress!, gp.baseAddress!))
                        refY.withUnsafeBufferPointer { rp in
                            let ref = UncheckedBox(rp.baseAddress!)
                            parallelChunks(m, chunks: m >= 256 ? Threads.count : 1) { _, range in
                                let (y, u, g) = ptrs.value
                                var stack: [Int32] = []
                                var rep = [Float](repeating: 0, count: dim), grad = [Float](repeating: 0, count: dim)
                                for i in range {
                                    let yi = y + i * dim
                                    let z = rep.withUnsafeMutableBufferPointer {
                                        box.value.repulsion(of: yi, theta2: 0.25, into: $0.baseAddress!, stack: &stack)
                                    }
                                    for a in 0..<dim { grad[a] = -rep[a] / Float(z) }
                                    for e in p.rowStart[i]..<p.rowStart[i + 1] {
                                        let j = Int(p.columns[e])
                                        var d2: Float = 0
                                        for a in 0..<dim {
                                            let t = yi[a] - ref.value[j * dim + a]
                                            d2 += t * t
                                        }
                                        let pw = p.values[e] / (1 + d2)
                                        for a in 0..<dim { grad[a] += pw * (yi[a] - ref.value[j * dim + a]) }
                                    }
                                    var norm: Float = 0
                                    for a in 0..<dim {
                                        let e = i * dim + a
                                        let flipped = (grad[a] > 0) != (u[e] > 0)
                                        g[e] = flipped ? g[e] + 0.2 : Swift.max(g[e] * 0.8, 0.01)
                                        u[e] = 0.8 * u[e] - learningRate * g[e] * 2 * grad[a]
                                        norm += u[e] * u[e]
                                    }
                                    let scale = norm > maxStep * maxStep ? maxStep / norm.squareRoot() : 1
                                    for a in 0..<dim {
                                        u[i * dim + a] *= scale
                                        yi[a] += u[i * dim + a]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [m, dim], scalars: y)
    }
}
