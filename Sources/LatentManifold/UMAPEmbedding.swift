import Foundation
import LatentTensor

/// A UMAP layout: the coordinates, the fuzzy graph they are fitted to, the curve parameters and
/// the data (for `transform`). Made by `UMAP.fit`; `optimize` runs (more) SGD epochs.
public final class UMAPEmbedding {
    /// The settings of the run.
    public let config: UMAP.Config
    /// The fuzzy simplicial set of the data.
    public let graph: FuzzySimplicialSet
    /// `a` of the embedding similarity `1 / (1 + a·d^{2b})`.
    public let a: Double
    /// `b` of the embedding similarity.
    public let b: Double
    /// `[n, dim]` flat row-major positions.
    public private(set) var positions: [Float]
    /// The data as the neighbour search saw it (cosine: rows of unit length), for `transform`.
    public internal(set) var reference: Tensor?
    /// The initialisation actually used (`random` when spectral found the graph disconnected).
    public internal(set) var initializationUsed = UMAP.Initialization.spectral
    /// Seconds spent finding nearest neighbours (set by `UMAP.fit`).
    public internal(set) var neighborSeconds = 0.0
    /// Seconds spent on the fuzzy graph, the curve fit and the initialisation (set by `UMAP.fit`).
    public internal(set) var graphSeconds = 0.0
    /// Seconds spent in `optimize`.
    public private(set) var optimizeSeconds = 0.0
    /// Epochs run so far.
    public private(set) var epochsDone = 0

    /// Number of points.
    public var count: Int { graph.count }
    /// Embedding dimension.
    public var dimensions: Int { config.dimensions }
    /// The positions as a `[n, dim]` tensor.
    public var coordinates: Tensor { Tensor(shape: [count, dimensions], scalars: positions) }

    /// A layout starting at `coordinates` (`[n, dim]`) for `graph`, with curve parameters `a`, `b`.
    public init(coordinates: Tensor, graph: FuzzySimplicialSet, config: UMAP.Config, a: Double, b: Double) {
        precondition(coordinates.rank == 2 && coordinates.shape == [graph.count, config.dimensions],
                     "UMAPEmbedding: coordinates \(coordinates.shape) do not fit \(graph.count) points in \(config.dimensions) dimensions")
        self.config = config
        self.graph = graph
        self.a = a
        self.b = b
        positions = coordinates.scalars
    }

    /// Runs `epochs` epochs of `UMAPLayout`'s SGD (learning rate decaying from the config's to
    /// 0 over them; edges below `w_max / epochs` unused), seeded by the config's seed and the
    /// epochs done so far.
    ///
    /// - Throws: `ManifoldError.numerical` if a coordinate became non-finite.
    public func optimize(epochs: Int) throws(ManifoldError) {
        guard epochs > 0 else { return }
        let started = Date()
        let n = count, dim = dimensions
        var schedule = UMAPLayout.schedule(graph.values, epochs: epochs)
        var streams = UMAPLayout.streams(count: n, seed: config.seed &+ UInt64(epochsDone) &* 0x1000_0001)
        let settings = UMAPLayout.Settings(dimension: dim, a: Float(a), b: Float(b), gamma: Float(config.repulsionStrength),
                                           learningRate: Float(config.learningRate),
                                           negativeSampleRate: config.negativeSampleRate, attraction: 1, sameSet: true)
        var snapshot = positions
        positions.withUnsafeMutableBufferPointer { yp in
            snapshot.withUnsafeMutableBufferPointer { sp in
                let y = yp.baseAddress!, t = sp.baseAddress!
                UMAPLayout.optimize(head: y, heads: n, tail: t, tails: n, rowStart: graph.rowStart, columns: graph.columns,
                                    schedule: &schedule, streams: &streams, epochs: epochs, settings: settings) {
                    t.update(from: y, count: n * dim)
                }
            }
        }
        epochsDone += epochs
        optimizeSeconds += Date().timeIntervalSince(started)
        if !positions.allSatisfy({ $0.isFinite }) {
            throw .numerical("UMAP diverged (non-finite coordinates after \(epochsDone) epochs); lower the learning rate")
        }
    }
}
