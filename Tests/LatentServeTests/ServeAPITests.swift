import Foundation
import Hummingbird
import HummingbirdTesting
import LatentIO
import LatentManifold
import LatentPlot
import LatentServe
import LatentTensor
import Testing

/// The explorer's JSON API, driven through Hummingbird's test client.
@Suite(.serialized) struct ServeAPITests {
    @Test func catalogListsWhatTheFolderHolds() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/catalog", method: .get) { response in
                #expect(response.status == .ok)
                let datasets = response.json["datasets"] as? [[String: Any]] ?? []
                let names = datasets.compactMap { $0["name"] as? String }
                #expect(names.contains { $0.hasSuffix("vae/model.safetensors") })
                #expect(names.contains { $0.hasSuffix("points.npy") })
                #expect(names.contains { $0.hasSuffix("embedding.npy") })
                let codes = datasets.first { ($0["kind"] as? String) == "codes" }
                #expect(codes?["count"] as? Int == ServeFixture.digits)
                #expect(codes?["imageSide"] as? Int == 28)
                #expect((response.json["models"] as? [[String: Any]])?.first?["latentSize"] as? Int == 2)
                #expect((response.json["runs"] as? [[String: Any]])?.count == 1)
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains("<canvas id=\"scatter\">"))
            }
            try await client.execute(uri: "/explorer.js", method: .get) { response in
                #expect(String(buffer: response.body).contains("explorerState"))
            }
        }
    }

    @Test func decodeAnswersImagesAndRefusesBadCodes() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/models/0/decode?z=0.5,-1&scale=2", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                let image = try PNG.decode(response.bytes)
                #expect(image.width == 56 && image.height == 56)
            }
            let body = ByteBuffer(json: #"{"codes": [[0, 0], [1, 1]]}"#)
            try await client.execute(uri: "/api/models/0/decode", method: .post, body: body) { response in
                let images = response.json["images"] as? [[Double]] ?? []
                #expect(images.count == 2 && images.allSatisfy { $0.count == 784 })
                #expect(images.joined().allSatisfy { (0...1).contains($0) })
            }
            for (uri, code) in [("/api/models/0/decode?z=nan,0", "bad_code"), ("/api/models/0/decode?z=1", "bad_code"),
                                ("/api/models/0/decode?z=1,2,3", "bad_code"), ("/api/models/0/decode?z=inf,0", "bad_code"),
                                ("/api/models/0/decode?z=a,b", "bad_code"), ("/api/models/0/decode?z=1e30,0", "bad_code"),
                                ("/api/models/0/decode?z=0,0&scale=99", "bad_request"),
                                ("/api/models/0/decode?z=0,0&format=gif", "unknown_format"),
                                ("/api/models/9/decode?z=0,0", "not_found")] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status.code / 100 == 4, "\(uri)")
                    #expect(response.errorCode == code, "\(uri)")
                }
            }
            try await client.execute(uri: "/api/models/0/decode", method: .post, body: ByteBuffer(json: #"{"z": [NaN, 0]}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "malformed_json")
            }
            try await client.execute(uri: "/api/models/0/decode", method: .post, body: ByteBuffer(json: "{\"z\": [0,")) { response in
                #expect(response.errorCode == "malformed_json")
            }
            try await client.execute(uri: "/api/models/0/interpolate?from=-2,0&to=2,0&steps=5&scale=1", method: .get) { response in
                let image = try PNG.decode(response.bytes)
                #expect(image.width == 5 * 28 && image.height == 28)
            }
        }
    }

    @Test func hostileRequestsGetJSONErrorsAndTheServerKeepsAnswering() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient { client in
            // A 100 MB body, announced and sent.
            let huge = ByteBuffer(repeating: UInt8(ascii: "x"), count: 100 << 20)
            try await client.execute(uri: "/api/models/0/decode", method: .post, headers: [.contentLength: String(100 << 20)],
                                     body: huge) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.errorCode == "body_too_large")
            }
            // The same without a length header: cut while reading.
            try await client.execute(uri: "/api/datasets/0/projections", method: .post, body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(uri: "/api/datasets/0/projections", method: .post,
                                     body: ByteBuffer(json: #"{"method": "banana"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "unknown_method")
            }
            try await client.execute(uri: "/api/models", method: .post,
                                     body: ByteBuffer(json: #"{"root": 0, "path": "banana.safetensors"}"#)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(response.errorCode == "unknown_model_kind")
            }
            try await client.execute(uri: "/api/search?" + String(repeating: "q", count: 20_000), method: .get) { response in
                #expect(response.status == .uriTooLong)
                #expect(response.errorCode == "uri_too_long")
            }
            try await client.execute(uri: "/no/such/endpoint", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.errorCode == "not_found")
            }
            try await client.execute(uri: "/api/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func filesOutsideTheServedFolderAreRefused() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient { client in
            try await client.execute(uri: "/files/0/vae/samples.png", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
            }
            try await client.execute(uri: "/api/runs/0/pictures/samples.png", method: .get) { response in
                #expect(response.status == .ok)
            }
            let refused = ["/files/0/../../../etc/passwd", "/files/0/vae/../../../etc/passwd", "/files/0/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                           "/files/0/%2E%2E/%2E%2E/etc/passwd", "/files/0/%252e%252e%252fetc%252fpasswd", "/files/0/%2Fetc%2Fpasswd",
                           "/files/0//etc/passwd", "/files/0/escape.png", "/files/0/outside/passwd", "/files/1/etc/passwd",
                           "/files/-1/x", "/files/0/vae%00/samples.png", "/api/runs/0/pictures/..%2f..%2fbanana.safetensors",
                           "/api/runs/0/pictures/%2e%2e"]
            for uri in refused {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status.code / 100 == 4, "\(uri) answered \(response.status)")
                    #expect(response.errorCode != nil, "\(uri) has no JSON error")
                    #expect(!String(buffer: response.body).contains("root:"), "\(uri) leaked a file")
                }
            }
            try await client.execute(uri: "/files/0/escape.png", method: .get) { response in
                #expect(response.errorCode == "path_outside_root")
            }
        }
    }

    @Test func projectionsRunAsJobsAndExport() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        let points = try #require(fixture.dataset("points.npy"))
        let start = { @Sendable (client: any TestClientProtocol, body: String) async throws -> Int in
            try await client.execute(uri: "/api/datasets/\(points.id)/projections", method: .post, body: ByteBuffer(json: body)) { response in
                #expect(response.status == .accepted)
                return response.json["id"] as? Int ?? -1
            }
        }
        try await fixture.withClient { client in
            let pca = try await start(client, #"{"method": "pca"}"#)
            try await Self.waitForJob(pca, client)
            try await client.execute(uri: "/api/jobs/\(pca)/coordinates", method: .get) { response in
                let floats = response.bytes.count / 4
                #expect(floats == 2 * points.count)
                // The first PCA coordinate has the variance of the first component: the server's
                // projection is the library's.
                let mine = try PCA.fit(points.points, config: .init(components: 2)).transform(points.points)
                let served = response.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                for i in 0..<points.count { #expect(abs(served[2 * i] - mine[i, 0]) < 1e-3) }
            }
            try await client.execute(uri: "/api/jobs/\(pca)/export?format=csv", method: .get) { response in
                let lines = String(buffer: response.body).split(separator: "\n")
                #expect(lines.first == "x,y,label")
                #expect(lines.count == points.count + 1)
                #expect(lines[1].hasSuffix(",0"))
            }
            try await client.execute(uri: "/api/jobs/\(pca)/export?format=npy", method: .get) { response in
                let path = fixture.root.appendingPathComponent("export.npy").path
                try Data(response.bytes).write(to: URL(fileURLWithPath: path))
                #expect(try NPY.read(path: path).shape == [points.count, 2])
            }
            try await client.execute(uri: "/api/jobs/\(pca)/export?format=xls", method: .get) { response in
                #expect(response.errorCode == "unknown_format")
            }
            let tsne = try await start(client, #"{"method": "tsne", "perplexity": 5, "iterations": 60}"#)
            // One job per data set at a time: refused while the t-SNE runs; accepted if it has
            // already ended, and then waited for, so the jobs below do not meet it still running.
            let umap = try await client.execute(uri: "/api/datasets/\(points.id)/projections", method: .post,
                                                body: ByteBuffer(json: #"{"method": "umap"}"#)) { response -> Int? in
                #expect(response.status == .conflict || response.status == .accepted)
                if response.status == .conflict { #expect(response.errorCode == "job_running") }
                return response.status == .accepted ? response.json["id"] as? Int : nil
            }
            try await Self.waitForJob(tsne, client)
            if let umap { try await Self.waitForJob(umap, client) }
            try await client.execute(uri: "/api/jobs/\(tsne)", method: .get) { response in
                #expect(response.json["state"] as? String == "done")
                #expect(response.json["iteration"] as? Int == 250 + 60)
                #expect((response.json["kl"] as? Double).map { $0.isFinite && $0 >= 0 } == true)
            }
            try await client.execute(uri: "/api/datasets/\(points.id)/projections", method: .post,
                                     body: ByteBuffer(json: #"{"method": "tsne", "perplexity": 40}"#)) { response in
                #expect(response.status == .badRequest)
            }
            // Old projections of a data set are let go: only the newest few keep their coordinates.
            for _ in 0..<4 { try await Self.waitForJob(try await start(client, #"{"method": "pca"}"#), client) }
            try await client.execute(uri: "/api/jobs/\(pca)/export", method: .get) { response in
                #expect(response.status == .gone)
                #expect(response.errorCode == "discarded")
            }
        }
        // The precomputed projection was there from the start, as it is in the file.
        let embedded = try #require(fixture.dataset("embedding.npy"))
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/jobs/0/coordinates", method: .get) { response in
                let served = response.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                #expect(served == embedded.points.scalars)
            }
        }
    }

    static func waitForJob(_ id: Int, _ client: any TestClientProtocol) async throws {
        for _ in 0..<3000 {
            let state = try await client.execute(uri: "/api/jobs/\(id)", method: .get) { $0.json["state"] as? String }
            if state != "running" { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("job \(id) did not finish")
    }

    @Test func neighboursAreTheNearestInTheOriginalSpace() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        let points = try #require(fixture.dataset("points.npy"))
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/datasets/\(points.id)/neighbors?index=4&k=5", method: .get) { response in
                let list = response.json["neighbors"] as? [[String: Any]] ?? []
                let served = list.compactMap { $0["index"] as? Int }
                // By brute force, in double precision.
                let x = points.points, d = x.shape[1]
                let distances = (0..<points.count).map { j in (0..<d).reduce(0.0) { $0 + pow(Double(x[4, $1] - x[j, $1]), 2) } }
                let expected = Array((0..<points.count).filter { $0 != 4 }.sorted { distances[$0] < distances[$1] }.prefix(5))
                #expect(served == expected)
                #expect(list.allSatisfy { ($0["label"] as? Int) == 1 })
            }
            try await client.execute(uri: "/api/datasets/\(points.id)/neighbors?index=60", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/datasets/\(points.id)/neighbors?index=1&k=100000", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/datasets/\(points.id)/search?q=7", method: .get) { response in
                #expect((response.json["matches"] as? [[String: Any]])?.first?["index"] as? Int == 7)
            }
        }
    }

    @Test func wordVectorsAreSearchedAndShowTheirWords() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        let words = try #require(fixture.dataset("vectors.bin"))
        #expect(words.count == 7 && words.features == 4)
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/datasets/\(words.id)/search?q=AP", method: .get) { response in
                let found = (response.json["matches"] as? [[String: Any]] ?? []).compactMap { $0["word"] as? String }
                #expect(found == ["apple", "apricot"])
            }
            try await client.execute(uri: "/api/datasets/\(words.id)/search?q=banana", method: .get) { response in
                #expect((response.json["matches"] as? [[String: Any]])?.first?["index"] as? Int == 2)
            }
            try await client.execute(uri: "/api/datasets/\(words.id)/annotations", method: .get) { response in
                #expect(response.json["words"] as? [String] == ["apple", "apricot", "banana", "cherry", "date", "elderberry", "fig"])
            }
            try await client.execute(uri: "/api/datasets/\(words.id)/neighbors?index=0&k=2", method: .get) { response in
                let list = response.json["neighbors"] as? [[String: Any]] ?? []
                #expect(list.count == 2 && list.allSatisfy { $0["word"] is String })
            }
            try await client.execute(uri: "/api/datasets/\(words.id)/images/0", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func runChartsFollowTheCheckpointWhileTraining() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/runs/0", method: .get) { response in
                #expect(response.json["live"] as? Bool == false)
                #expect((response.json["epochs"] as? [[String: Any]])?.count == 2)
                #expect(response.json["pictures"] as? [String] == ["samples.png"])
            }
        }
        // A checkpoint newer than metrics.json: the run is training, its history is in the header.
        let run = fixture.root.appendingPathComponent("vae")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)],
                                              ofItemAtPath: run.appendingPathComponent("metrics.json").path)
        let loop = #"{"completedEpochs": 3, "history": [{"epoch": 1, "train_loss": 9}, {"epoch": 2, "train_loss": 8}, {"epoch": 3, "train_loss": 7}], "settings": ""}"#
        try SafeTensors.write(tensors: [("w", Tensor.zeros([2]))], metadata: ["latent.loop": loop],
                              to: run.appendingPathComponent("checkpoint.safetensors").path)
        try await fixture.withClient { client in
            try await client.execute(uri: "/api/runs/0", method: .get) { response in
                #expect(response.json["live"] as? Bool == true)
                let epochs = response.json["epochs"] as? [[String: Double]] ?? []
                #expect(epochs.map { $0["train_loss"] } == [9, 8, 7])
            }
        }
    }

    @Test func aLiveServerSurvivesHostileRequests() async throws {
        let fixture = try ServeFixture()
        defer { fixture.remove() }
        try await fixture.withClient(.live) { client in
            for uri in ["/files/0/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/api/models/0/decode?z=nan,nan", "/files/0/escape.png"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status.code / 100 == 4, "\(uri)")
                    #expect(response.errorCode != nil)
                }
            }
            try await client.execute(uri: "/api/models/0/decode", method: .post, body: ByteBuffer(json: "}{")) { response in
                #expect(response.errorCode == "malformed_json")
            }
            try await client.execute(uri: "/api/models/0/decode?z=0,0", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
