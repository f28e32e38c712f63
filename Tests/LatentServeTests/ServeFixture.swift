import Foundation
import Hummingbird
import HummingbirdTesting
import LatentIO
import LatentModels
import LatentServe
import LatentTensor
import LatentText

/// A served folder made for the tests: a run with an untrained 2-d VAE (its codes of the first
/// 300 shipped digits), metrics and a picture; an `.npy` matrix with labels; a precomputed
/// projection; a model file of an unknown kind; and symlinks that lead out of the folder.
struct ServeFixture {
    let root: URL
    let explorer: Explorer
    static let digits = 300

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("latent-serve-\(UUID().uuidString)")
        let fm = FileManager.default
        let run = root.appendingPathComponent("vae")
        try fm.createDirectory(at: run, withIntermediateDirectories: true)
        var config = VAE.Config(inputSize: 784, hidden: [16], latentSize: 2)
        config.seed = 3
        try VAE(config).save(to: run.appendingPathComponent("model.safetensors").path)
        let metrics = #"{"command": "train vae", "epochs": [{"epoch": 1, "train_loss": 200.5, "test_kl": 3}, {"epoch": 2, "train_loss": 180.25, "test_kl": 4}]}"#
        try metrics.write(to: run.appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
        try Data([137, 80, 78, 71]).write(to: run.appendingPathComponent("samples.png"))

        // 60 points in 5-d: three clusters, labelled by cluster.
        var points: [Float] = [], labels: [Int] = []
        var rng = RandomGenerator(seed: 7)
        for i in 0..<60 {
            let cluster = i % 3
            for j in 0..<5 { points.append(Float(cluster * 10) + (j == cluster ? 5 : 0) + rng.nextFloat() * 0.5) }
            labels.append(cluster)
        }
        try NPY.write(Tensor(shape: [60, 5], scalars: points), to: root.appendingPathComponent("points.npy").path)
        try NPY.write(labels: labels, to: root.appendingPathComponent("points.labels.npy").path)
        let projection = root.appendingPathComponent("embedded")
        try fm.createDirectory(at: projection, withIntermediateDirectories: true)
        try NPY.write(Tensor(shape: [4, 2], scalars: [0, 0, 1, 0, 0, 1, 1, 1]), to: projection.appendingPathComponent("embedding.npy").path)

        let words = ["apple", "apricot", "banana", "cherry", "date", "elderberry", "fig"]
        let vectors = try KeyedVectors(words: words, vectors: (0..<(words.count * 4)).map { Float($0 % 5) }, vectorSize: 4)
        let wordFolder = root.appendingPathComponent("words")
        try fm.createDirectory(at: wordFolder, withIntermediateDirectories: true)
        try vectors.write(to: wordFolder.appendingPathComponent("vectors.bin").path, format: .binary)

        try SafeTensors.write(tensors: [("w", Tensor.zeros([2]))], metadata: ["latent.kind": "banana", "latent.config": "{}"],
                              to: root.appendingPathComponent("banana.safetensors").path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("escape.png").path, withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("outside").path, withDestinationPath: "/etc")

        let catalog = try Catalog.load([root.path], options: .init(limit: Self.digits))
        explorer = Explorer(catalog: catalog, roots: try ServedRoots([root.path]))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    var server: ExplorerServer { ExplorerServer(explorer: explorer, host: "127.0.0.1", port: 0) }

    /// The data set whose name ends with `suffix`.
    func dataset(_ suffix: String) -> ServedDataset? { explorer.datasets.first { $0.name.hasSuffix(suffix) } }

    /// Runs `body` against the router, without a socket.
    func withClient(_ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await server.application().test(setup, body)
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }

    /// The `error.code` of a JSON error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }

    var bytes: [UInt8] { Array(body.readableBytesView) }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
}
