import Foundation
import Latent

// The `pca`, `tsne-10k` and `tsne-70k` workloads of BENCHMARKS.md. Each prints one JSON line
// of figures; Benchmarks/peers/pca_sklearn.py and tsne_peers.py print the same keys for
// scikit-learn and openTSNE. Flags: --data DIR (MNIST, default ../shared/data/mnist),
// --threads N (default 2), --points N (t-SNE), --backend exact|bh|fft, --out FILE.npy.

/// Flag value after `name`, if present.
private func flag(_ arguments: [String], _ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

/// MNIST images `[n, 784]` in [0, 1] and labels: the training set, then the test set, first `limit`.
private func mnist(_ arguments: [String], limit: Int) throws -> (Tensor, [Int]) {
    let dir = flag(arguments, "--data") ?? "../shared/data/mnist"
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
func runPCABenchmark(arguments: [String]) throws {
    Threads.set(Int(flag(arguments, "--threads") ?? "2") ?? 2)
    let (x, _) = try mnist(arguments, limit: 70_000)
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

/// `tsne-10k`.
func runTSNE10kBenchmark(arguments: [String]) throws { try runTSNEBenchmark(arguments: arguments, points: 10_000) }
/// `tsne-70k`.
func runTSNE70kBenchmark(arguments: [String]) throws { try runTSNEBenchmark(arguments: arguments, points: 70_000) }

/// First `points` MNIST images → PCA 50 → t-SNE 2-d (perplexity 30, default schedule). Time
/// excludes the PCA; KL, 10-NN accuracy, and trustworthiness on a 2,000-point subsample.
func runTSNEBenchmark(arguments: [String], points: Int) throws {
    Threads.set(Int(flag(arguments, "--threads") ?? "2") ?? 2)
    let n = Int(flag(arguments, "--points") ?? "") ?? points
    let (images, labels) = try mnist(arguments, limit: n)
    let x = try PCA.fit(images, config: .init(components: 50)).transform(images)
    var config = TSNE.Config()
    if let b = flag(arguments, "--backend"), let backend = TSNE.Backend(rawValue: b) { config.backend = backend }
    let start = Date()
    let embedding = try TSNE.fit(x, config: config)
    let seconds = Date().timeIntervalSince(start)
    let y = embedding.coordinates
    if let out = flag(arguments, "--out") { try NPY.write(y, to: out) }
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
func runAffinityBenchmark(arguments: [String]) throws {
    Threads.set(Int(flag(arguments, "--threads") ?? "2") ?? 2)
    let n = Int(flag(arguments, "--points") ?? "") ?? 10_000
    let (images, _) = try mnist(arguments, limit: n)
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
    if flag(arguments, "--vptree") != nil {
        t = Date()
        _ = VPTree(x).neighbors(k: 90)
        figures["knn_vptree_seconds"] = Date().timeIntervalSince(t)
    }
    printJSON(figures)
}
