import ArgumentParser
import Foundation
import Latent

// The `pca`, `tsne-10k` and `tsne-70k` workloads of BENCHMARKS.md. Each prints one JSON line
// of figures; Benchmarks/peers/pca_sklearn.py and tsne_peers.py print the same keys for
// scikit-learn and openTSNE. Flags: --data DIR (MNIST, default ../shared/data/mnist),
// --threads N (default 2), --points N (t-SNE), --backend exact|bh|fft, --out FILE.npy.

extension TSNE.Backend: ExpressibleByArgument {}

struct PCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pca", abstract: "PCA of the 70,000 MNIST images to 50 components, exact and randomized.")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption

    func run() throws { try runPCABenchmark(self) }
}

/// The flags of tsne-10k and tsne-70k.
struct TSNEFlags: ParsableArguments {
    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Points to embed (default: the workload's 10,000 or 70,000).") var points: Int?
    @Option(help: "Repulsion backend (default: auto).") var backend: TSNE.Backend?
    @Option(help: ArgumentHelp("Write the embedding to this .npy file.", valueName: "file")) var out: String?

    func validate() throws { if let points { try require(points, in: 1...70_000, "--points") } }
}

struct TSNE10kCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsne-10k", abstract: "t-SNE of the first 10,000 MNIST images after PCA 50.")

    @OptionGroup var flags: TSNEFlags

    func run() throws { try runTSNEBenchmark(flags, points: 10_000) }
}

struct TSNE70kCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsne-70k", abstract: "t-SNE of all 70,000 MNIST images after PCA 50.")

    @OptionGroup var flags: TSNEFlags

    func run() throws { try runTSNEBenchmark(flags, points: 70_000) }
}

struct AffinityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affinity", abstract: "Time of each affinity stage of t-SNE (a breakdown, not a BENCHMARKS.md workload).")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Points (the first MNIST images).") var points = 10_000
    @Flag(help: "Also time the VP-tree nearest neighbours.") var vptree = false

    func validate() throws { try require(points, in: 1...70_000, "--points") }

    func run() throws { try runAffinityBenchmark(self) }
}

/// MNIST images `[n, 784]` in [0, 1] and labels: the training set, then the test set, first `limit`.
private func mnist(_ dir: String, limit: Int) throws -> (Tensor, [Int]) {
    var (images, labels) = try MNIST.load(directory: dir, split: .train)
    if limit > images.shape[0] {
        let test = try MNIST.load(directory: dir, split: .test)
        images = Tensor.concat([images, test.images], axis: 0)
        labels += test.labels
    }
    let n = Swift.min(limit, images.shape[0])
    return (images.rows(0..<n), Array(labels.prefix(n)))
}

private func printJSON(_ object: [String: Any]) {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    print(String(decoding: data, as: UTF8.self))
}

/// `pca`: 70,000 × 784 → 50 components, exact (auto) and randomized.
func runPCABenchmark(_ settings: PCACommand) throws {
    Threads.set(settings.threads.threads)
    let (x, _) = try mnist(settings.mnist.data, limit: 70_000)
    for solver in [PCA.Solver.auto, .randomized] {
        let start = Date()
        let pca = try PCA.fit(x, config: .init(components: 50, solver: solver))
        let seconds = Date().timeIntervalSince(start)
        printJSON(["workload": "pca", "impl": "latent-\(solver.rawValue)", "solver": pca.solverUsed.rawValue,
                   "seconds": seconds, "threads": Threads.count,
                   "explained_variance_ratio": pca.explainedVarianceRatio,
                   "total_ratio": pca.explainedVarianceRatio.reduce(0, +)])
    }
}

/// First `points` MNIST images → PCA 50 → t-SNE 2-d (perplexity 30, default schedule). Time
/// excludes the PCA; KL, 10-NN accuracy, and trustworthiness on a 2,000-point subsample.
func runTSNEBenchmark(_ settings: TSNEFlags, points: Int) throws {
    Threads.set(settings.threads.threads)
    let n = settings.points ?? points
    let (images, labels) = try mnist(settings.mnist.data, limit: n)
    let x = try PCA.fit(images, config: .init(components: 50)).transform(images)
    var config = TSNE.Config()
    if let backend = settings.backend { config.backend = backend }
    let start = Date()
    let embedding = try TSNE.fit(x, config: config)
    let seconds = Date().timeIntervalSince(start)
    let y = embedding.coordinates
    if let out = settings.out { try NPY.write(y, to: out) }
    let accuracy = try EmbeddingQuality.knnAccuracy(y, labels: labels, k: 10)
    let sample = Array(0..<Swift.min(2000, n))
    let (trust, continuity) = try EmbeddingQuality.trustworthinessAndContinuity(
        data: x.gatherRows(sample), embedding: y.gatherRows(sample), k: 10)
    var figures: [String: Any] = [
        "workload": "tsne-\(n)", "impl": "latent-\(embedding.backendKind.rawValue)", "points": n,
        "seconds": seconds, "affinity_seconds": embedding.affinitySeconds,
        "optimize_seconds": embedding.optimizeSeconds, "kl": embedding.kl, "knn10_accuracy": accuracy,
        "trustworthiness10_2k": trust, "continuity10_2k": continuity, "threads": Threads.count]
    // Exact KL of the final embedding (O(n²)), to compare backends on one scale.
    if n <= 20_000 { figures["kl_exact"] = EmbeddingQuality.exactKL(y, affinities: embedding.affinities) }
    printJSON(figures)
}

/// `knn` (a breakdown, not a BENCHMARKS.md workload): time of each affinity stage on the first
/// `--points` MNIST images after PCA 50: exact kNN (BLAS), VP-tree kNN, calibration, symmetrisation.
func runAffinityBenchmark(_ settings: AffinityCommand) throws {
    Threads.set(settings.threads.threads)
    let n = settings.points
    let (images, _) = try mnist(settings.mnist.data, limit: n)
    let x = try PCA.fit(images, config: .init(components: 50)).transform(images)
    var t = Date()
    let brute = NearestNeighbors.exact(x, k: 90)
    let bruteSeconds = Date().timeIntervalSince(t)
    t = Date()
    let conditional = Affinities.calibrate(brute, perplexity: 30)
    let calibrateSeconds = Date().timeIntervalSince(t)
    t = Date()
    let p = Affinities.symmetrize(count: n, conditional, perplexity: 30)
    let symmetrizeSeconds = Date().timeIntervalSince(t)
    var figures: [String: Any] = ["workload": "affinities-\(n)", "knn_blas_seconds": bruteSeconds,
                                  "calibrate_seconds": calibrateSeconds, "symmetrize_seconds": symmetrizeSeconds,
                                  "nnz": p.nonZeroCount]
    if settings.vptree {
        t = Date()
        _ = VPTree(x).neighbors(k: 90)
        figures["knn_vptree_seconds"] = Date().timeIntervalSince(t)
    }
    printJSON(figures)
}
