import Foundation
import LatentIO
import LatentManifold
import LatentTensor

/// How to embed: a PCA, or SNE / t-SNE (the config's `method`) or UMAP after reducing the input
/// to `pcaDims` principal components (0: no reduction).
public enum EmbeddingMethod: Codable, Sendable, Equatable {
    /// The principal components (the config's `components` of them).
    case pca(PCA.Config)
    /// SNE or t-SNE, on the first `pcaDims` principal components when the input has more.
    case neighbours(TSNE.Config, pcaDims: Int)
    /// UMAP, on the first `pcaDims` principal components when the input has more.
    case umap(UMAP.Config, pcaDims: Int)

    /// "pca", "sne", "tsne" or "umap": the name in metrics, folder names and titles.
    public var name: String {
        switch self {
        case .pca: "pca"
        case .neighbours(let config, _): config.method.rawValue
        case .umap: "umap"
        }
    }

    /// The method as the literature writes it, for titles: PCA, SNE, t-SNE, UMAP.
    public var displayName: String {
        switch name {
        case "tsne": "t-SNE"
        case let other: other.uppercased()
        }
    }

    /// The seed of the method's random choices.
    public var seed: UInt64 {
        switch self {
        case .pca(let config): config.seed
        case .neighbours(let config, _): config.seed
        case .umap(let config, _): config.seed
        }
    }
}

/// Everything that defines a `latent embed` run.
public struct EmbeddingSettings: Codable, Sendable, Equatable {
    /// The points.
    public var input: EmbeddingInput
    /// How they are embedded.
    public var method: EmbeddingMethod

    /// `input` embedded by `method`.
    public init(input: EmbeddingInput, method: EmbeddingMethod) {
        self.input = input
        self.method = method
    }
}

/// The KL divergence after an iteration of SNE / t-SNE.
public struct KLStep: Codable, Sendable, Equatable {
    /// Iterations done, both phases counted.
    public var iteration: Int
    /// KL(P‖Q) after them.
    public var kl: Double

    /// The KL after `iteration` iterations.
    public init(iteration: Int, kl: Double) {
        self.iteration = iteration
        self.kl = kl
    }
}

/// The figures of one embedding (the whole `metrics.json` of `latent embed`); the method's own
/// figures are nil for the other methods and then left out of the file.
public struct EmbeddingResults: Codable, Sendable {
    /// "pca", "sne" or "tsne".
    public var method: String
    /// Points embedded.
    public var points: Int
    /// Features per point in the input.
    public var features: Int
    /// Dimensions of the embedding.
    public var dimensions: Int
    /// Where the points came from.
    public var source: String
    /// Threads the kernels used.
    public var threads: Int
    /// The method's seed.
    public var seed: UInt64
    /// Wall time: of the whole run in `metrics.json`, of the embedding alone from `embed`.
    public var seconds: Double
    /// PCA: each component's share of the total variance.
    public var explainedVarianceRatio: [Double]?
    /// PCA: each component's variance.
    public var explainedVariance: [Double]?
    /// PCA: the solver `auto` chose, or the one asked for.
    public var solver: PCA.Solver?
    /// SNE/t-SNE/UMAP: the principal components the input was reduced to first, if it was.
    public var pcaDims: Int?
    /// SNE/t-SNE: the final KL(P‖Q).
    public var kl: Double?
    /// SNE/t-SNE: the gradient backend used.
    public var backend: TSNE.Backend?
    /// SNE/t-SNE: time spent on the affinities and the initial embedding.
    public var affinitySeconds: Double?
    /// SNE/t-SNE: time spent optimising.
    public var optimizeSeconds: Double?
    /// SNE/t-SNE: the KL at every reported iteration.
    public var history: [KLStep]?
    /// SNE/t-SNE: the full configuration.
    public var settings: TSNE.Config?
    /// SNE/t-SNE of at most `trustworthinessLimit` points: how many embedding neighbours are
    /// true neighbours (1 is perfect).
    public var trustworthiness: Double?
    /// SNE/t-SNE, as trustworthiness: how many true neighbours stay neighbours.
    public var continuity: Double?
    /// With labels: leave-one-out 10-nearest-neighbour accuracy in the embedding.
    public var knn10Accuracy: Double?
    /// UMAP: the full configuration.
    public var umapSettings: UMAP.Config?
    /// UMAP: the start actually used (`random` when the graph was disconnected).
    public var initialization: String?
    /// UMAP: the SGD epochs run.
    public var epochs: Int?
    /// UMAP: `a` and `b` of the embedding similarity `1 / (1 + a·d^{2b})`.
    public var curve: [Double]?
    /// UMAP: time spent finding nearest neighbours.
    public var neighborSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case method, points, features, dimensions, source, threads, seed, seconds
        case explainedVarianceRatio = "explained_variance_ratio", explainedVariance = "explained_variance", solver
        case pcaDims = "pca_dims", kl, backend, affinitySeconds = "affinity_seconds", optimizeSeconds = "optimize_seconds"
        case history, settings, trustworthiness, continuity, knn10Accuracy = "knn10_accuracy"
        case umapSettings = "umap_settings", initialization, epochs, curve, neighborSeconds = "neighbor_seconds"
    }
}

/// An embedding in memory: the coordinates, their figures and, for PCA, the fitted model.
public struct Embedding: Sendable {
    /// The embedded points, `[n, dimensions]`.
    public let coordinates: Tensor
    /// Its figures.
    public var results: EmbeddingResults
    /// The fitted PCA (method `.pca` only).
    public let pca: PCA?
}

/// What a `latent embed` run leaves behind.
public struct EmbeddingReport: Sendable {
    /// Where the files went.
    public let folder: RunFolder
    /// What was asked for.
    public let settings: EmbeddingSettings
    /// The coordinates and the figures written to `metrics.json`.
    public let embedding: Embedding

    /// The summary people read.
    public var summary: [(String, String)] {
        let r = embedding.results
        var rows = [("method", r.method), ("points", "\(r.points) × \(r.features)")]
        if let ratios = r.explainedVarianceRatio {
            rows.append(("explained variance", ratios.map { String(format: "%.4f", $0) }.joined(separator: " ")))
        }
        if let backend = r.backend { rows.append(("backend", backend.rawValue)) }
        if let kl = r.kl { rows.append(("KL", String(format: "%.4f", kl))) }
        if let u = r.umapSettings, let epochs = r.epochs {
            let start = r.initialization ?? u.initialization.rawValue
            rows.append(("UMAP", "n_neighbors \(u.nNeighbors), min_dist \(u.minDist), spread \(u.spread), \(u.metric.rawValue), \(epochs) epochs, \(start) start"))
        }
        if let t = r.trustworthiness, let c = r.continuity {
            rows.append(("trustworthiness", String(format: "%.4f (continuity %.4f)", t, c)))
        }
        if let accuracy = r.knn10Accuracy { rows.append(("10-NN accuracy", formatPercent(accuracy))) }
        return rows + [("time", formatDuration(r.seconds)), ("output", folder.path)]
    }
}

/// PCA, SNE, t-SNE and UMAP of points: `latent embed` and the demo's pictures of the digits.
public enum EmbeddingExperiment {
    /// Embeds the points `settings.input` names into `folder`: `embedding.npy`, `labels.npy` with
    /// labels, `metrics.json`, `embedding.png`/`.svg` (and `embedding-thumbnails.png` for
    /// images), `loss.png` for SNE/t-SNE and `pca.safetensors` for PCA.
    /// The folder (`folder()`) is made only once the embedding exists, so a bad input or a
    /// setting the data cannot meet (a perplexity or `n_neighbors` too large) leaves no empty run
    /// folder behind.
    public static func run(_ settings: EmbeddingSettings, in folder: @autoclosure () throws -> RunFolder,
                           log: ExperimentLog = .silent) throws -> EmbeddingReport {
        let started = Date()
        let data = try EmbeddingData.load(settings.input)
        log.note("data: \(data.source): \(data.count) points × \(data.features)")
        var embedding = try embed(data, method: settings.method, log: log)
        let folder = try folder()
        let y = embedding.coordinates
        if let pca = embedding.pca { try pca.save(to: folder.file("pca.safetensors")) }
        if let history = embedding.results.history {
            try EmbeddingPictures.writeObjective([("KL", history)],
                                                 title: "\(settings.method.name == "sne" ? "SNE" : "t-SNE") objective",
                                                 earlyIterations: embedding.results.settings?.earlyIterations,
                                                 to: folder.file("loss.png"))
        }
        try NPY.write(y, to: folder.file("embedding.npy"))
        if let labels = data.labels { try NPY.write(labels: labels, to: folder.file("labels.npy")) }
        if y.shape[1] >= 2 {
            // The title names the data set, not the layer: the thumbnails already show the inputs.
            let title = "\(settings.method.displayName) of \(PictureTitle.withoutDirectories(String(data.source.split(separator: ",").first ?? "")))"
            try EmbeddingPictures.write(y, labels: data.labels, images: data.images, title: title, in: folder)
        }
        embedding.results.seconds = Date().timeIntervalSince(started)
        try MetricsFile.write(embedding.results, to: folder.file("metrics.json"))
        return EmbeddingReport(folder: folder, settings: settings, embedding: embedding)
    }

    /// Embeds `data` with `method` and measures the result: the 10-NN accuracy when it has labels
    /// (and more than 10 points), trustworthiness and continuity for SNE/t-SNE/UMAP of at most
    /// `trustworthinessLimit` points (they cost O(n²)). Progress of SNE/t-SNE goes to `log`.
    public static func embed(_ data: EmbeddingData, method: EmbeddingMethod, trustworthinessLimit: Int = 5000,
                             log: ExperimentLog = .silent) throws -> Embedding {
        let started = Date()
        let x = data.points, n = data.count
        var results = EmbeddingResults(method: method.name, points: n, features: data.features, dimensions: 0,
                                       source: data.source, threads: Threads.count, seed: method.seed, seconds: 0)
        let y: Tensor
        var fitted: PCA?
        switch method {
        case .pca(let config):
            let pca = try PCA.fit(x, config: config)
            y = try pca.transform(x)
            fitted = pca
            results.explainedVarianceRatio = pca.explainedVarianceRatio
            results.explainedVariance = pca.explainedVariance
            results.solver = pca.solverUsed
        case .umap(let config, let pcaDims):
            let features = try reduce(x, to: pcaDims, seed: config.seed, results: &results)
            let embedding = try UMAP.fit(features, config: config)
            log.note("UMAP: \(embedding.epochsDone) epochs, \(embedding.initializationUsed.rawValue) start [\(formatDuration(embedding.optimizeSeconds))]")
            y = embedding.coordinates
            results.umapSettings = config
            results.initialization = embedding.initializationUsed.rawValue
            results.epochs = embedding.epochsDone
            results.curve = [embedding.a, embedding.b]
            results.neighborSeconds = embedding.neighborSeconds
            results.affinitySeconds = embedding.graphSeconds
            results.optimizeSeconds = embedding.optimizeSeconds
            if n <= trustworthinessLimit {
                let (t, c) = try EmbeddingQuality.trustworthinessAndContinuity(data: features, embedding: y,
                                                                               k: min(10, (n - 2) / 3))
                results.trustworthiness = t
                results.continuity = c
            }
        case .neighbours(let config, let pcaDims):
            let features = try reduce(x, to: pcaDims, seed: config.seed, results: &results)
            let embedding = try TSNE.fit(features, config: config) { p in
                log.note(String(format: "iteration %4d  KL %.4f", p.iteration, p.kl) + "  (\(p.phase))  [\(formatDuration(p.seconds))]")
            }
            y = embedding.coordinates
            results.kl = embedding.kl
            results.backend = embedding.backendKind
            results.affinitySeconds = embedding.affinitySeconds
            results.optimizeSeconds = embedding.optimizeSeconds
            results.history = embedding.history.map { KLStep(iteration: $0.iteration, kl: $0.kl) }
            results.settings = config
            if n <= trustworthinessLimit {
                let (t, c) = try EmbeddingQuality.trustworthinessAndContinuity(data: features, embedding: y,
                                                                               k: min(10, (n - 2) / 3))
                results.trustworthiness = t
                results.continuity = c
            }
        }
        results.dimensions = y.shape[1]
        if let labels = data.labels, n > 10 {
            results.knn10Accuracy = try EmbeddingQuality.knnAccuracy(y, labels: labels, k: 10)
        }
        results.seconds = Date().timeIntervalSince(started)
        return Embedding(coordinates: y, results: results, pca: fitted)
    }

    /// `x` reduced to its first `pcaDims` principal components when it has more features (and
    /// points) than that; neighbourhoods in 50 principal components are nearly those of the full
    /// input, at a fraction of the cost of the distances.
    static func reduce(_ x: Tensor, to pcaDims: Int, seed: UInt64, results: inout EmbeddingResults) throws -> Tensor {
        guard pcaDims > 0 && x.shape[1] > pcaDims && x.shape[0] > pcaDims else { return x }
        var reduction = PCA.Config(components: pcaDims)
        reduction.seed = seed
        results.pcaDims = pcaDims
        return try PCA.fit(x, config: reduction).transform(x)
    }
}
