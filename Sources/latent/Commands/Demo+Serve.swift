import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Latent
import LatentServe

/// The explorer in the browser: `latent serve` started inside the tour on a free loopback port
/// over the tour's VAEs and word vectors, asked over HTTP what the page asks (codes, decoded
/// images, neighbours, a projection and its export, a hostile path), then stopped. With chromium
/// installed it also takes a screenshot of the page.
struct ServeSection: DemoSection {
    let key = "serve", title = "Explorer in the browser (latent serve)"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        let paths = [context.directory + "/vae", context.directory + "/words/vectors.bin"]
            .filter { FileManager.default.fileExists(atPath: $0) }
        let started = Date()
        let catalog = try Catalog.load(paths, options: .init(seed: context.seed))
        let explorer = Explorer(catalog: catalog, roots: try ServedRoots(paths), seed: context.seed)
        let server = ExplorerServer(explorer: explorer, host: "127.0.0.1", port: 0)
        let session = try runBlocking { try await ExplorerSession.start(server) }
        defer { _ = try? runBlocking { await session.stop() } }
        context.progress.note("serving \(paths.joined(separator: ", ")) at \(session.url)")
        let base = session.url
        // The 20-d VAE's codes and decoder (the last data set with codes has the widest latent).
        guard let codes = catalog.datasets.last(where: { $0.kind == .codes }), let model = codes.modelID else {
            throw ExperimentError("serve: the tour's VAEs are missing under \(paths.joined(separator: ", "))")
        }
        let info = try HTTP.json(base + "api/models/\(model)")
        let center = (info["center"] as? [Double] ?? []).map { String(format: "%.4f", $0) }.joined(separator: ",")
        let decoded = try HTTP.get(base + "api/models/\(model)/decode?scale=4&z=\(center)")
        try decoded.body.write(to: URL(fileURLWithPath: dir + "/decoded.png"))
        let means = info["classMeans"] as? [String: [Double]] ?? [:]
        let text = { (code: [Double]?) in (code ?? []).map { String(format: "%.4f", $0) }.joined(separator: ",") }
        let strip = try HTTP.get(base + "api/models/\(model)/interpolate?steps=10&scale=2&from=\(text(means["3"]))&to=\(text(means["8"]))")
        try strip.body.write(to: URL(fileURLWithPath: dir + "/interpolation.png"))
        let neighbours = try HTTP.json(base + "api/datasets/\(codes.id)/neighbors?index=0&k=10")["neighbors"] as? [[String: Any]] ?? []
        let sameLabel = neighbours.filter { ($0["label"] as? Int) == codes.labels?[0] }.count
        let job = try HTTP.json(base + "api/datasets/\(codes.id)/projections", post: #"{"method": "pca"}"#)
        let jobID = job["id"] as? Int ?? -1
        var state = "running"
        while state == "running" {
            Thread.sleep(forTimeInterval: 0.05)
            state = try HTTP.json(base + "api/jobs/\(jobID)")["state"] as? String ?? "failed"
        }
        let csv = try HTTP.get(base + "api/jobs/\(jobID)/export?format=csv")
        try csv.body.write(to: URL(fileURLWithPath: dir + "/projection.csv"))
        let hostile = try HTTP.get(base + "files/0/%2e%2e%2f%2e%2e%2fetc%2fpasswd", allowErrors: true)
        let nan = try HTTP.get(base + "api/models/\(model)/decode?z=nan", allowErrors: true)
        let alive = try HTTP.get(base + "api/health").status == 200
        var blocks: [HTMLReport.Block] = [
            .paragraph("`latent serve PATH…` opens run folders, model files, word vectors and .npy matrices and serves a page with a projector (PCA, t-SNE and UMAP computed on the server with no point cap, drawn on a canvas; hover for the digit or word, click for the nearest neighbours in the original space, export the coordinates), a generator pad that decodes the code under the pointer, and live charts of runs. The tour started it on a free loopback port, asked it what the page asks, and stopped it."),
            .keyValues([("served", "\(catalog.datasets.count) data sets, \(catalog.models.count) models, \(catalog.runs.count) runs"),
                        ("neighbours", "\(neighbours.count) nearest codes of digit 0 (label \(codes.labels?[0] ?? -1)): \(sameLabel) share its label"),
                        ("projection", "PCA of \(codes.count) codes → \(key)/projection.csv (\(csv.body.count) bytes)"),
                        ("hostile requests", "%2e%2e%2f path → \(hostile.status), NaN code → \(nan.status); still answering: \(alive)")]),
            .image(path: "\(key)/decoded.png", caption: "The decoder at the centre of the codes (GET /api/models/\(model)/decode)", width: 112),
            .image(path: "\(key)/interpolation.png", caption: "From the mean code of the 3s to that of the 8s (GET …/interpolate)", width: nil),
        ]
        var figures: [String: Metric] = ["datasets": .value(Double(catalog.datasets.count)), "models": .value(Double(catalog.models.count)),
                                         "neighbours_same_label": .value(Double(sameLabel)), "hostile_status": .value(Double(hostile.status)),
                                         "nan_status": .value(Double(nan.status))]
        if let shot = Self.screenshot(url: base + "#dataset=\(codes.id)&method=pca&run=1", to: dir + "/projector.png") {
            blocks.append(.image(path: "\(key)/projector.png", caption: "The projector in headless Chromium (\(shot))", width: 900))
            figures["screenshot"] = true
        }
        figures["seconds"] = .value(Date().timeIntervalSince(started))
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }

    /// A screenshot of `url` by headless Chromium when it is installed (nil otherwise, or when it
    /// fails within 40 s).
    static func screenshot(url: String, to path: String) -> String? {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,760",
                             "--virtual-time-budget=8000", "--screenshot=" + path, url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let deadline = Date().addingTimeInterval(40)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate(); return nil }
        return process.terminationStatus == 0 && FileManager.default.fileExists(atPath: path) ? "chromium --headless --screenshot" : nil
    }
}

/// Blocking HTTP for the tour's requests to its own server.
enum HTTP {
    struct Answer {
        var status: Int
        var body: Data
    }

    static func get(_ url: String, post: String? = nil, allowErrors: Bool = false) throws -> Answer {
        guard let target = URL(string: url) else { throw ExperimentError("serve: bad URL \(url)") }
        var request = URLRequest(url: target, timeoutInterval: 60)
        if let post {
            request.httpMethod = "POST"
            request.httpBody = Data(post.utf8)
        }
        let box = AnswerBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.answer = error == nil ? Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data ?? Data()) : nil
            box.error = error.map { "\($0)" }
            done.signal()
        }.resume()
        done.wait()
        guard let answer = box.answer else { throw ExperimentError("serve: \(url): \(box.error ?? "no answer")") }
        if !allowErrors && answer.status / 100 != 2 {
            throw ExperimentError("serve: \(url) answered \(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        return answer
    }

    static func json(_ url: String, post: String? = nil) throws -> [String: Any] {
        let answer = try get(url, post: post)
        guard let object = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] else {
            throw ExperimentError("serve: \(url) did not answer a JSON object")
        }
        return object
    }

    /// Hands the answer from URLSession's thread to the waiting one (the semaphore orders them).
    private final class AnswerBox: @unchecked Sendable {
        var answer: Answer?
        var error: String?
    }
}
