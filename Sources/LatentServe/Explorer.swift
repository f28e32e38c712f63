import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Synchronization

/// The state behind the HTTP API: what was loaded, the served roots, the projection jobs and the
/// limits on requests. Shared by every request; everything mutable sits behind a lock.
public final class Explorer: Sendable {
    /// Limits on what one request may ask for.
    public struct Limits: Sendable {
        /// Largest request body read, in bytes (JSON requests are small).
        public var maxBody = 64 * 1024
        /// Longest request target (path and query), in bytes.
        public var maxTarget = 8 * 1024
        /// Most codes decoded by one request.
        public var maxDecode = 64
        /// Most neighbours listed.
        public var maxNeighbors = 100
        /// Most steps of an interpolation strip.
        public var maxSteps = 32
        /// Largest magnification of a served image.
        public var maxScale = 8
        /// Largest absolute value of a code coordinate.
        public var maxCoordinate: Float = 1e4

        public init() {}
    }

    public let datasets: [ServedDataset]
    public let runs: [ServedRun]
    public let roots: ServedRoots
    public let limits: Limits
    let jobs: JobBoard
    private let models: Mutex<[ServedModel]>
    let seed: UInt64

    public init(catalog: Catalog, roots: ServedRoots, limits: Limits = Limits(), seed: UInt64 = 1, maxJobs: Int = 2) {
        datasets = catalog.datasets
        runs = catalog.runs
        self.roots = roots
        self.limits = limits
        self.seed = seed
        jobs = JobBoard(maxRunning: maxJobs)
        models = Mutex(catalog.models)
        // Precomputed projections are there from the start.
        for dataset in datasets where dataset.precomputed != nil {
            _ = try? jobs.start(ProjectionRequest(method: "precomputed"), on: dataset, synchronously: true)
        }
    }

    public var modelList: [ServedModel] { models.withLock { $0 } }

    func dataset(_ id: String) throws(ServeError) -> ServedDataset {
        guard let i = Int(id), datasets.indices.contains(i) else { throw .notFound("no data set '\(id)'") }
        return datasets[i]
    }

    func model(_ id: String) throws(ServeError) -> ServedModel {
        let list = modelList
        guard let i = Int(id), list.indices.contains(i) else { throw .notFound("no model '\(id)'") }
        return list[i]
    }

    func run(_ id: String) throws(ServeError) -> ServedRun {
        guard let i = Int(id), runs.indices.contains(i) else { throw .notFound("no run '\(id)'") }
        return runs[i]
    }

    func job(_ id: String) throws(ServeError) -> ProjectionJob {
        guard let i = Int(id), let job = jobs.job(i) else { throw .notFound("no projection job '\(id)'") }
        return job
    }

    /// Starts a projection.
    public func project(_ request: ProjectionRequest, dataset: ServedDataset) throws(ServeError) -> ProjectionJob {
        try jobs.start(request, on: dataset)
    }

    /// Opens a model file under a served root (given as root index and relative path) and adds it
    /// to the pad's models; its pad is placed by standard normal draws (it comes without data).
    ///
    /// - Throws: the root's path errors; 422 `unknown_model_kind` for a file of another kind or
    ///   no decoder, 422 `unreadable_model` for a file that does not open.
    func openModel(root: Int, relative: String) async throws -> ServedModel {
        let path = try roots.resolve(root: root, relative: relative)
        let seed = self.seed
        let loaded = try await Self.offLoop { () throws -> LoadedDecoder in
            let model: any LatentDecoder & SavedModel
            do {
                model = try ModelRegistry.loadDecoder(path)
            } catch let error as CheckpointError {
                throw ServeError(.unprocessableContent, code: "unknown_model_kind", "\(error)")
            } catch {
                throw ServeError(.unprocessableContent, code: "unreadable_model", "\(error)")
            }
            var rng = RandomGenerator(seed: seed)
            return LoadedDecoder(decoder: model, kind: type(of: model).kind, summary: model.summary,
                                 codes: Tensor.normal([2000, model.latentSize], using: &rng))
        }
        return try models.withLock { list in
            let model = try ServedModel(id: list.count, name: relative, path: path, kind: loaded.kind, summary: loaded.summary,
                                        decoder: loaded.decoder, codes: loaded.codes, labels: nil)
            list.append(model)
            return model
        }
    }

    /// Runs `body` on a global dispatch queue, off the server's event loops.
    static func offLoop<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}

/// A decoder just read from a file, handed from the loading thread to the model list (nothing
/// else holds it yet).
private struct LoadedDecoder: @unchecked Sendable {
    let decoder: any LatentDecoder
    let kind: String
    let summary: String
    let codes: Tensor
}
