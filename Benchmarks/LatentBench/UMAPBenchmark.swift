import ArgumentParser
import Foundation
import Latent

// The `umap-70k` workload of BENCHMARKS.md: all 70,000 MNIST images (train then test) → PCA 50
// → UMAP 2-d with umap-learn's defaults. Prints one `RESULT {json}` line with the time of each
// stage; the whole process is timed from outside by scripts/bench.sh. `--out FILE.npy` keeps the
// embedding so Benchmarks/peers/umap_metrics.py can score it with the same code as umap-learn's.

extension UMAP.NeighborSearch: ExpressibleByArgument {}

struct UMAPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umap", abstract: "UMAP of the 70,000 MNIST images after PCA 50 (umap-learn's defaults).")

    @OptionGroup var threads: ThreadsOption
    @OptionGroup var mnist: MNISTOption
    @Option(help: "Points to embed (the first of train then test).") var points = 70_000
    @Option(help: "Neighbour search: auto, exact or nndescent.") var search: UMAP.NeighborSearch = .auto
    @Option(help: "Seed.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Write the embedding to this .npy file.", valueName: "file")) var out: String?
    @Flag(help: "Also score the embedding here (10-NN accuracy; trustworthiness on 2,000 points).") var score = false

    func validate() throws { try require(points, in: 16...70_000, "--points") }

    func run() throws {
        let processStart = Date()
        Threads.set(threads.threads)
        var (images, labels) = try MNIST.load(directory: mnist.data, split: .train)
        if points > images.shape[0] {
            let test = try MNIST.load(directory: mnist.data, split: .test)
            images = Tensor.concat([images, test.images], axis: 0)
            labels += test.labels
        }
        images = images.rows(0..<points)
        labels = Array(labels.prefix(points))
        let loadSeconds = Date().timeIntervalSince(processStart)
        var t = Date()
        let x = try PCA.fit(images, config: .init(components: 50)).transform(images)
        let pcaSeconds = Date().timeIntervalSince(t)
        var config = UMAP.Config()
        config.neighborSearch = search
        config.seed = seed
        t = Date()
        let embedding = try UMAP.fit(x, config: config)
        let umapSeconds = Date().timeIntervalSince(t)
        let y = embedding.coordinates
        if let out { try NPY.write(y, to: out) }
        var figures: [String: Any] = [
            "workload": "umap-\(points)", "impl": "latent", "points": points, "threads": Threads.count,
            "search": config.resolvedSearch(count: points).rawValue, "init": embedding.initializationUsed.rawValue,
            "load_seconds": loadSeconds, "pca_seconds": pcaSeconds, "umap_seconds": umapSeconds,
            "knn_seconds": embedding.neighborSeconds, "graph_init_seconds": embedding.graphSeconds,
            "optimize_seconds": embedding.optimizeSeconds,
            "seconds_in_process": Date().timeIntervalSince(processStart)]
        if score {
            figures["knn10_accuracy"] = try EmbeddingQuality.knnAccuracy(y, labels: labels, k: 10)
            let sample = Array(0..<Swift.min(2000, points))
            figures["trustworthiness10_2k"] = try EmbeddingQuality.trustworthinessAndContinuity(
                data: x.gatherRows(sample), embedding: y.gatherRows(sample), k: 10).trustworthiness
        }
        let data = (try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])) ?? Data()
        print("RESULT " + String(decoding: data, as: UTF8.self))
    }
}
