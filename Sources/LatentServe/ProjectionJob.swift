import Dispatch
import Foundation
import LatentManifold
import LatentTensor
import Synchronization

/// How to project a data set to 2-d, as a page asks for it.
public struct ProjectionRequest: Codable, Sendable, Equatable {
    /// `"pca"`, `"tsne"`, `"umap"` or `"precomputed"`.
    public var method: String
    /// t-SNE's perplexity (30).
    public var perplexity: Double?
    /// UMAP's neighbourhood size (15).
    public var neighbors: Int?
    /// Seed of every random choice (1).
    public var seed: UInt64?
    /// t-SNE iterations after early exaggeration (500).
    public var iterations: Int?

    public init(method: String, perplexity: Double? = nil, neighbors: Int? = nil, seed: UInt64? = nil, iterations: Int? = nil) {
        self.method = method
        self.perplexity = perplexity
        self.neighbors = neighbors
        self.seed = seed
        self.iterations = iterations
    }

    static let methods = ["pca", "tsne", "umap", "precomputed"]

    /// Rejects what cannot run on `dataset` before a job starts.
    func validate(for dataset: ServedDataset) throws(ServeError) {
        guard Self.methods.contains(method) else {
            throw .badRequest("unknown projection method '\(method)'; use one of \(Self.methods.joined(separator: ", "))",
                              code: "unknown_method")
        }
        if method == "precomputed" && dataset.precomputed == nil {
            throw .badRequest("data set \(dataset.id) has no precomputed projection", code: "no_precomputed")
        }
        if let p = perplexity, !(p.isFinite && p >= 1 && 3 * p < Double(dataset.count)) {
            throw .badRequest("perplexity must be at least 1 and below a third of the \(dataset.count) points, got \(p)")
        }
        if let k = neighbors, !(2...200).contains(k) || k >= dataset.count {
            throw .badRequest("neighbors must be 2…200 and below the point count, got \(k)")
        }
        if let i = iterations, !(1...5000).contains(i) { throw .badRequest("iterations must be 1…5000, got \(i)") }
        if method != "pca" && method != "precomputed" && dataset.count < 4 {
            throw .badRequest("\(method) needs at least 4 points; data set \(dataset.id) has \(dataset.count)")
        }
    }
}

/// One projection of one data set, computed off the event loops; its state (progress and the
/// latest coordinates, so a page can draw a t-SNE while it is still optimising) is read from
/// any thread.
public final class ProjectionJob: Sendable {
    public enum Phase: String, Codable, Sendable { case running, done, failed, discarded }

    /// What a page polls.
    public struct Status: Codable, Sendable {
        public var id: Int
        public var dataset: Int
        public var method: String
        public var state: Phase
        public var stage: String
        public var iteration: Int
        public var iterations: Int
        public var kl: Double?
        public var seconds: Double
        /// Increases whenever the coordinates change.
        public var version: Int
        public var error: String?
    }

    struct State {
        var status: Status
        var coordinates: [Float]
    }

    public let id: Int
    public let dataset: ServedDataset
    public let request: ProjectionRequest
    private let state: Mutex<State>
    private let started = Date()

    init(id: Int, dataset: ServedDataset, request: ProjectionRequest) {
        self.id = id
        self.dataset = dataset
        self.request = request
        let status = Status(id: id, dataset: dataset.id, method: request.method, state: .running, stage: "queued",
                            iteration: 0, iterations: 0, kl: nil, seconds: 0, version: 0, error: nil)
        state = Mutex(State(status: status, coordinates: []))
    }

    public var status: Status { state.withLock { $0.status } }

    /// The latest coordinates (`[n × 2]`, row-major) and their version.
    public var coordinates: (values: [Float], version: Int) { state.withLock { ($0.coordinates, $0.status.version) } }

    public var isRunning: Bool { status.state == .running }

    /// Frees the coordinates of a finished job (a newer one of the data set replaced it).
    func discard() {
        update { s in
            guard s.status.state != .running else { return }
            s.coordinates = []
            s.status.state = .discarded
            s.status.version += 1
        }
    }

    private func update(_ body: (inout State) -> Void) {
        state.withLock { s in
            body(&s)
            s.status.seconds = Date().timeIntervalSince(started)
        }
    }

    private func publish(_ coordinates: Tensor, stage: String, iteration: Int, kl: Double? = nil) {
        let values = coordinates.shape[1] == 2 ? coordinates.scalars : Self.firstTwoColumns(coordinates)
        update { s in
            s.coordinates = values
            s.status.version += 1
            s.status.stage = stage
            s.status.iteration = iteration
            if let kl, kl.isFinite { s.status.kl = kl }
        }
    }

    static func firstTwoColumns(_ t: Tensor) -> [Float] {
        let n = t.shape[0], d = t.shape[1]
        var out = [Float](repeating: 0, count: n * 2)
        t.withUnsafeBufferPointer { p in
            for i in 0..<n { out[2 * i] = p[i * d]; out[2 * i + 1] = d > 1 ? p[i * d + 1] : 0 }
        }
        return out
    }

    /// Runs the projection to the end (call off the event loops).
    func run() {
        do {
            try compute()
            update { $0.status.state = .done; $0.status.stage = "done" }
        } catch {
            update { $0.status.state = .failed; $0.status.error = "\(error)" }
        }
    }

    private func compute() throws {
        let x = dataset.points
        let seed = request.seed ?? 1
        switch request.method {
        case "precomputed":
            if let p = dataset.precomputed { publish(p, stage: "precomputed", iteration: 0) }
        case "pca":
            update { $0.status.stage = "pca"; $0.status.iterations = 1 }
            var config = PCA.Config(components: min(2, x.shape[1]))
            config.seed = seed
            let y = try PCA.fit(x, config: config).transform(x)
            publish(y.shape[1] == 2 ? y : Tensor.concat([y, Tensor.zeros([y.shape[0], 1])], axis: 1), stage: "pca", iteration: 1)
        case "umap":
            let x = try reduced(x, seed: seed)
            var config = UMAP.Config()
            config.seed = seed
            if let k = request.neighbors { config.nNeighbors = k }
            update { $0.status.stage = "umap (neighbours, graph, layout)"; $0.status.iterations = 1 }
            let embedding = try UMAP.fit(x, config: config)
            publish(embedding.coordinates, stage: "umap", iteration: 1)
        default:
            try tsne(try reduced(x, seed: seed), seed: seed)
        }
    }

    /// Inputs wider than this are first projected on their leading principal components, as
    /// openTSNE's and umap-learn's users do (and BENCHMARKS.md's t-SNE workloads): neighbours in
    /// 784-d pixels cost 16× those in 50-d and are dominated by noise directions.
    static let maxFeatures = 50

    private func reduced(_ x: Tensor, seed: UInt64) throws -> Tensor {
        guard x.shape[1] > Self.maxFeatures else { return x }
        update { $0.status.stage = "pca to \(Self.maxFeatures) dimensions" }
        var config = PCA.Config(components: Self.maxFeatures)
        config.seed = seed
        return try PCA.fit(x, config: config).transform(x)
    }

    /// t-SNE in chunks of iterations, publishing the embedding after each so the page can draw it.
    private func tsne(_ x: Tensor, seed: UInt64) throws {
        var config = TSNE.Config(perplexity: request.perplexity ?? 30)
        config.seed = seed
        if let i = request.iterations { config.iterations = i }
        let chunk = 10
        config.reportEvery = chunk
        let total = config.earlyIterations + config.iterations
        update { $0.status.stage = "affinities"; $0.status.iterations = total }
        try config.validate()
        let affinities = try Affinities.perplexityBased(x, perplexity: config.perplexity, method: config.affinities,
                                                        neighborSearch: config.neighborSearch)
        update { $0.status.stage = "initialisation" }
        let embedding = try TSNEEmbedding(coordinates: try TSNE.initialEmbedding(x, config: config), affinities: affinities,
                                          config: config)
        publish(embedding.coordinates, stage: "early exaggeration", iteration: 0)
        let phases: [(String, Int, Float, Float)] = [
            ("early exaggeration", config.earlyIterations, config.earlyExaggeration, config.initialMomentum),
            ("normal", config.iterations, config.exaggeration, config.finalMomentum),
        ]
        for (phase, iterations, exaggeration, momentum) in phases {
            var done = 0
            while done < iterations {
                let step = min(chunk, iterations - done)
                try embedding.optimize(iterations: step, exaggeration: exaggeration, momentum: momentum, phase: phase)
                done += step
                publish(embedding.coordinates, stage: phase, iteration: embedding.iterationsDone, kl: embedding.kl)
            }
        }
    }
}

/// The projection jobs of a server: at most one running per data set, and at most
/// `maxRunning` in all, so a page cannot queue up more CPU work than the machine has.
final class JobBoard: Sendable {
    private let jobs = Mutex<[ProjectionJob]>([])
    private let queue = DispatchQueue(label: "latent.serve.jobs", attributes: .concurrent)
    let maxRunning: Int

    /// Projections of one data set whose coordinates are kept (the newest ones).
    static let keptPerDataset = 4

    init(maxRunning: Int = 2) { self.maxRunning = maxRunning }

    func job(_ id: Int) -> ProjectionJob? { jobs.withLock { $0.indices.contains(id) ? $0[id] : nil } }

    /// Starts `request` on `dataset` on the job queue (or runs it here and now when
    /// `synchronously`: a precomputed projection costs nothing).
    ///
    /// - Throws: 409 while another job of the data set runs, 429 when `maxRunning` jobs run.
    func start(_ request: ProjectionRequest, on dataset: ServedDataset,
               synchronously: Bool = false) throws(ServeError) -> ProjectionJob {
        try request.validate(for: dataset)
        let job: ProjectionJob = try jobs.withLock { (list: inout [ProjectionJob]) throws(ServeError) -> ProjectionJob in
            let running = list.filter(\.isRunning)
            if let busy = running.first(where: { $0.dataset.id == dataset.id }) {
                throw ServeError(.conflict, code: "job_running", "job \(busy.id) is still projecting data set \(dataset.id)")
            }
            if running.count >= maxRunning {
                throw ServeError(.tooManyRequests, code: "too_many_jobs", "\(running.count) projections are running; wait for one to end")
            }
            // Keep the coordinates of the last `keptPerDataset` jobs of a data set, so repeated
            // requests cannot fill the memory with old projections.
            let finished = list.filter { $0.dataset.id == dataset.id && $0.status.state != .discarded }
            for old in finished.dropLast(Self.keptPerDataset - 1) { old.discard() }
            let job = ProjectionJob(id: list.count, dataset: dataset, request: request)
            list.append(job)
            return job
        }
        if synchronously { job.run() } else { queue.async { job.run() } }
        return job
    }

}
