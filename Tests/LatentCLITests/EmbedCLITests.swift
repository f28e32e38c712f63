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
                                "--perplexity", "10", "--iterations", "100", "--early-iterations", "50",
                                "--out", dir.path + "/tsne", "--quiet"])
        #expect(tsne.status == 0, "\(tsne.stderr)")
        let m = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("tsne/metrics.json"))) as? [String: Any]
        #expect((m?["knn10_accuracy"] as? Double ?? 0) > 0.95)
        #expect(m?["kl"] is Double)
        #expect(try NPY.read(path: dir.path + "/tsne/embedding.npy").shape == [90, 2])
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
