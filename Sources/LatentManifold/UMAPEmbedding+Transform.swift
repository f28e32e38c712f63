import Foundation
import LatentTensor

extension UMAPEmbedding {
    /// Places new points into this (fixed) layout, as umap-learn's `transform` does: each new
    /// point's `n_neighbors` nearest training points get memberships calibrated by the smooth-kNN
    /// binary search (with `ρ = 0`), the point starts at their membership-weighted mean position,
    /// and a short SGD (the same attraction and negative sampling as `fit`, learning rate ÷ 4)
    /// moves it while the training layout stays put.
    ///
    /// - Parameters:
    ///   - x: new rows `[m, d]` in the feature space of the data the layout was fitted to.
    ///   - epochs: SGD epochs; nil: umap-learn's (100 for up to 10,000 new points, else 30, or
    ///     a third of the config's `nEpochs` when that was set).
    /// - Returns: `[m, dim]` coordinates of the new points.
    /// - Throws: `ManifoldError` if the layout keeps no data, features differ, or `x` has NaN/∞.
    public func transform(_ x: Tensor, epochs: Int? = nil) throws(ManifoldError) -> Tensor {
        guard let reference else { throw .invalidConfig("this UMAP layout keeps no data; fit it with UMAP.fit to add points") }
        try validateMatrix(x, minRows: 1, what: "new points")
        guard x.shape[1] == reference.shape[1] else {
            throw .mismatch("new points have \(x.shape[1]) features, the layout was fitted to \(reference.shape[1])")
        }
        let queries = try UMAP.prepare(x, metric: config.metric, what: "new points")
        let m = x.shape[0], nRef = reference.shape[0], dim = dimensions
        let k = Swift.min(config.nNeighbors, nRef)
        let neighbors = NearestNeighbors.exact(queries: queries, reference: reference, k: k)
        let toDistance = UMAP.distanceFunction(config.metric)
        let distances = neighbors.distances.map(toDistance)
        let bw = FuzzySimplicialSet.smoothDistances(distances, count: m, neighbors: k, target: Double(k), localConnectivity: 0)
        let w = FuzzySimplicialSet.memberships(distances, count: m, neighbors: k, bandwidths: bw)
        // Start: the membership-weighted mean of the neighbours' positions.
        var y = [Float](repeating: 0, count: m * dim)
        for i in 0..<m {
            var total: Float = 0
            for e in i * k..<(i + 1) * k { total += w[e] }
            for e in i * k..<(i + 1) * k {
                let j = Int(neighbors.indices[e]), share = total > 0 ? w[e] / total : 1 / Float(k)
                for c in 0..<dim { y[i * dim + c] += share * positions[j * dim + c] }
            }
        }
        let runEpochs = epochs ?? config.nEpochs.map { Swift.max(1, $0 / 3) } ?? (m <= 10_000 ? 100 : 30)
        var schedule = UMAPLayout.schedule(w, epochs: runEpochs)
        var streams = UMAPLayout.streams(count: m, seed: config.seed &+ 0x7A5F_0123)
        let settings = UMAPLayout.Settings(dimension: dim, a: Float(a), b: Float(b), gamma: Float(config.repulsionStrength),
                                           learningRate: Float(config.learningRate / 4),
                                           negativeSampleRate: config.negativeSampleRate, attraction: 1, sameSet: false)
        let rowStart = (0...m).map { $0 * k }
        y.withUnsafeMutableBufferPointer { yp in
            positions.withUnsafeBufferPointer { tp in
                UMAPLayout.optimize(head: yp.baseAddress!, heads: m, tail: tp.baseAddress!, tails: nRef, rowStart: rowStart,
                                    columns: neighbors.indices, schedule: &schedule, streams: &streams, epochs: runEpochs,
                                    settings: settings, refreshTail: nil)
            }
        }
        guard y.allSatisfy({ $0.isFinite }) else { throw .numerical("UMAP transform diverged (non-finite coordinates)") }
        return Tensor(shape: [m, dim], scalars: y)
    }
}
