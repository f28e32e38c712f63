import Foundation
import LatentIO
import LatentTensor
import Testing

@Suite(.serialized) struct EmbedCLITests {
    @Test func pcaAndTSNEOfAnNpyMatrixWriteTheirOutputs() throws {
        let dir = try temporaryDirectory("embed")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Three separated blobs in 5-d.
        var rng = RandomGenerator(seed: 1)
        var x = Tensor.normal([90, 5], using: &rng)
        x.withUnsafeMutableBufferPointer { p in for i in 0..<90 { p[i * 5 + i % 3] += 12 } }
        try NPY.write(x, to: dir.path + "/x.npy")
        try NPY.write(labels: (0..<90).map { $0 % 3 }, to: dir.path + "/y.npy")
        let pca = try CLI.run(["embed", "--method", "pca", "--input", dir.path + "/x.npy", "--labels", dir.path + "/y.npy",
                               "--out", dir.path + "/pca", "--quiet"])
        #expect(pca.status == 0, "\(pca.stderr)")
        for file in ["embedding.npy", "metrics.json", "embedding.png", "embedding.svg", "pca.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/pca/" + file), "missing \(file)")
        }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("pca/metrics.json"))) as? [String: Any]
        #expect((metrics?["explained_variance_ratio"] as? [Double])?.count == 2)
        let tsne = try CLI.run(["embed", "--method", "tsne", "--input", dir.path + "/x.npy", "--labels", dir.path + "/y.npy",
                                "--perplexity", "10", "--iterations", "150", "--early-iterations", "50",
                                "--out", dir.path + "/tsne", "--quiet"])
        #expect(tsne.status == 0, "\(tsne.stderr)")
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("tsne/metrics.json"))) as? [String: Any]
        #expect((m?["knn10_accuracy"] as? Double ?? 0) > 0.95)
        #expect(m?["kl"] is Double)
        #expect(try NPY.read(path: dir.path + "/tsne/embedding.npy").shape == [90, 2])
    }

    @Test func umapOfAnNpyMatrixWritesItsOutputs() throws {
        let dir = try temporaryDirectory("embed-umap")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 3)
        var x = Tensor.normal([150, 5], using: &rng)
        x.withUnsafeMutableBufferPointer { p in for i in 0..<150 { p[i * 5 + i % 3] += 12 } }
        try NPY.write(x, to: dir.path + "/x.npy")
        try NPY.write(labels: (0..<150).map { $0 % 3 }, to: dir.path + "/y.npy")
        let r = try CLI.run(["embed", "--method", "umap", "--input", dir.path + "/x.npy", "--labels", dir.path + "/y.npy",
                             "--n-neighbors", "10", "--min-dist", "0.2", "--metric", "cosine", "--n-epochs", "100",
                             "--out", dir.path + "/umap", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("n_neighbors 10, min_dist 0.2, spread 1.0, cosine, 100 epochs"), "\(r.stdout)")
        for file in ["embedding.npy", "metrics.json", "embedding.png", "embedding.svg", "labels.npy"] {
            #expect(FileManager.default.fileExists(atPath: dir.path + "/umap/" + file), "missing \(file)")
        }
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("umap/metrics.json"))) as? [String: Any]
        #expect((m?["knn10_accuracy"] as? Double ?? 0) > 0.95)
        #expect((m?["trustworthiness"] as? Double ?? 0) > 0.9)
        #expect(m?["method"] as? String == "umap")
        #expect(try NPY.read(path: dir.path + "/umap/embedding.npy").shape == [150, 2])
    }

    /// Bad UMAP settings and data: one line naming the problem, non-zero exit, no run folder.
    @Test func badUMAPInputsAreOneLineErrors() throws {
        let dir = try temporaryDirectory("embed-umap-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 4)
        try NPY.write(Tensor.normal([20, 3], using: &rng), to: dir.path + "/x.npy")
        var nan = Tensor.normal([20, 3], using: &rng)
        nan[3, 2] = .nan
        try NPY.write(nan, to: dir.path + "/nan.npy")
        let x = dir.path + "/x.npy"
        let cases: [([String], String)] = [
            (["--input", x, "--n-neighbors", "20"], "n_neighbors (20) must be smaller than the number of points (20)"),
            (["--input", x, "--n-neighbors", "1"], "n_neighbors must be at least 2, got 1"),
            (["--input", x, "--min-dist", "2"], "min_dist (2.0) must not exceed spread (1.0)"),
            (["--input", dir.path + "/nan.npy"], "non-finite value (nan) at row 3, column 2"),
            (["--input", x, "--metric", "manhattan"], "--metric must be euclidean or cosine"),
        ]
        for (args, needle) in cases {
            let r = try CLI.run(["embed", "--method", "umap"] + args + ["--out", dir.path + "/out", "--quiet"])
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)")
            if !needle.hasPrefix("--") {
                #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: dir.path + "/out"), "\(args) left a run folder")
        }
    }

    @Test func badEmbedInputsAreOneLineErrors() throws {
        let dir = try temporaryDirectory("embed-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RandomGenerator(seed: 2)
        try NPY.write(Tensor.normal([20, 3], using: &rng), to: dir.path + "/x.npy")
        try NPY.write(labels: [1, 2, 3], to: dir.path + "/y.npy")
        var nan = Tensor.normal([20, 3], using: &rng)
        nan[3, 2] = .nan
        try NPY.write(nan, to: dir.path + "/nan.npy")
        let cases: [([String], String)] = [
            (["--input", dir.path + "/x.npy", "--perplexity", "30"], "perplexity"),
            (["--input", dir.path + "/x.npy", "--labels", dir.path + "/y.npy"], "3 labels for 20 points"),
            (["--input", dir.path + "/nan.npy", "--perplexity", "3"], "row 3, column 2"),
            (["--input", dir.path + "/x.npy", "--backend", "gpu"], "--backend"),
            (["--input", dir.path + "/x.npy", "--dim", "3", "--backend", "fft", "--perplexity", "3"], "2 dimensions"),
        ]
        for (args, needle) in cases {
            let r = try CLI.run(["embed"] + args + ["--out", dir.path + "/out", "--quiet"])
            #expect(r.status != 0, "\(args) should fail")
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)")
        }
    }
}
