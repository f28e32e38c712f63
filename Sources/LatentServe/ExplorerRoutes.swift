import Foundation
import Hummingbird
import HTTPTypes
import LatentIO
import LatentManifold
import LatentModels
import LatentTensor
import NIOCore

/// The endpoints. Handlers parse and check what comes in, then hand CPU work (decoding,
/// neighbour search, projections) to queues off the event loops.
struct ExplorerRoutes: Sendable {
    let explorer: Explorer

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.text(ExplorerPage.html, type: "text/html; charset=utf-8") }
        router.get("/explorer.js") { _, _ in Self.text(ExplorerPage.script, type: "text/javascript; charset=utf-8") }
        router.get("/explorer.css") { _, _ in Self.text(ExplorerPage.style, type: "text/css; charset=utf-8") }
        router.get("/api/health") { _, _ in try Self.json(["ok": true]) }
        router.get("/api/catalog") { _, _ in try Self.json(catalog()) }
        router.get("/api/datasets/{id}/annotations") { _, context in
            let dataset = try explorer.dataset(try context.parameters.require("id"))
            return try Self.json(API.Annotations(labels: dataset.labels, words: dataset.words))
        }
        router.get("/api/datasets/{id}/images/{index}") { request, context in
            try thumbnail(request, context)
        }
        router.get("/api/datasets/{id}/neighbors") { request, context in
            try await neighbors(request, context)
        }
        router.get("/api/datasets/{id}/search") { request, context in
            try search(request, context)
        }
        router.post("/api/datasets/{id}/projections") { request, context in
            let dataset = try explorer.dataset(try context.parameters.require("id"))
            let body: ProjectionRequest = try await Self.decodeBody(request, limit: explorer.limits.maxBody)
            let job = try explorer.project(body, dataset: dataset)
            return try Self.json(job.status, status: .accepted)
        }
        router.get("/api/jobs/{id}") { _, context in
            try Self.json(try explorer.job(try context.parameters.require("id")).status)
        }
        router.get("/api/jobs/{id}/coordinates") { _, context in
            let job = try explorer.job(try context.parameters.require("id"))
            let (values, version) = job.coordinates
            let bytes = values.withUnsafeBytes { ByteBuffer(bytes: $0) }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream", Self.versionHeader: String(version)],
                            body: .init(byteBuffer: bytes))
        }
        router.get("/api/jobs/{id}/export") { request, context in
            try export(request, context)
        }
        router.get("/api/models/{id}") { _, context in
            try Self.json(try explorer.model(try context.parameters.require("id")).info)
        }
        router.get("/api/models/{id}/decode") { request, context in
            let model = try explorer.model(try context.parameters.require("id"))
            let z = try Self.code(request.uri.queryParameters.get("z"), name: "z", model: model, limit: explorer.limits.maxCoordinate)
            return try await decode([z], model: model, request: request, format: request.uri.queryParameters.get("format"))
        }
        router.post("/api/models/{id}/decode") { request, context in
            let model = try explorer.model(try context.parameters.require("id"))
            let body: API.DecodeRequest = try await Self.decodeBody(request, limit: explorer.limits.maxBody)
            let codes = try (body.codes ?? body.z.map { [$0] } ?? []).map {
                try Self.checked($0, name: "code", model: model, limit: explorer.limits.maxCoordinate)
            }
            guard !codes.isEmpty else { throw ServeError.badRequest("give 'z' (one code) or 'codes' (a list of codes)") }
            guard codes.count <= explorer.limits.maxDecode else {
                throw ServeError.badRequest("at most \(explorer.limits.maxDecode) codes per request, got \(codes.count)")
            }
            return try await decode(codes, model: model, request: request, format: request.uri.queryParameters.get("format") ?? "json")
        }
        router.get("/api/models/{id}/interpolate") { request, context in
            try await interpolate(request, context)
        }
        router.post("/api/models") { request, _ in
            let body: API.OpenModelRequest = try await Self.decodeBody(request, limit: explorer.limits.maxBody)
            return try Self.json(try await explorer.openModel(root: body.root, relative: body.path).info, status: .created)
        }
        router.get("/api/runs/{id}") { _, context in
            let run = try explorer.run(try context.parameters.require("id"))
            return try Self.json(try await Explorer.offLoop { run.snapshot() })
        }
        router.get("/api/runs/{id}/pictures/{name}") { _, context in
            let run = try explorer.run(try context.parameters.require("id"))
            let name = try context.parameters.require("name")
            guard let root = explorer.roots.rootIndex(holding: run.path) else { throw ServeError.forbidden("run \(run.id) is not served") }
            let rootPath = explorer.roots.roots[root].path
            let relative = String(run.path.dropFirst(rootPath.count).drop { $0 == "/" })
            return try file(root: root, relative: relative.isEmpty ? name : relative + "/" + name)
        }
        router.get("/files/{root}/**") { _, context in
            guard let root = Int(try context.parameters.require("root")) else { throw ServeError.badRequest("the root must be a number") }
            let relative = context.parameters.get(String(Parameters.recursiveCaptureKey)) ?? ""
            return try file(root: root, relative: relative)
        }
    }

    static let versionHeader = HTTPField.Name("X-Version")!

    // MARK: - Projector

    func catalog() -> API.Catalog {
        API.Catalog(datasets: explorer.datasets.map(\.info), models: explorer.modelList.map(\.info),
                    runs: explorer.runs.map { API.RunInfo(id: $0.id, name: $0.name) },
                    roots: explorer.roots.roots.map(\.path))
    }

    func thumbnail(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let dataset = try explorer.dataset(try context.parameters.require("id"))
        let index = try Self.index(try context.parameters.require("index"), count: dataset.count)
        guard let images = dataset.images, let side = dataset.imageSide else {
            throw ServeError.notFound("data set \(dataset.id) has no images")
        }
        let scale = try Self.integer(request.uri.queryParameters.get("scale"), name: "scale", range: 1...explorer.limits.maxScale) ?? 2
        let row = images.rows(index..<index + 1).scalars
        return Self.png(GreyImage.png(row, side: side, count: 1, scale: scale), cache: true)
    }

    func neighbors(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let dataset = try explorer.dataset(try context.parameters.require("id"))
        guard let raw = request.uri.queryParameters.get("index") else { throw ServeError.badRequest("give ?index=") }
        let index = try Self.index(raw, count: dataset.count)
        let k = try Self.integer(request.uri.queryParameters.get("k"), name: "k",
                                 range: 1...explorer.limits.maxNeighbors) ?? 10
        guard dataset.count > 1 else { return try Self.json(API.Neighbors(index: index, neighbors: [])) }
        let found = try await Explorer.offLoop {
            NearestNeighbors.exact(queries: dataset.points.rows(index..<index + 1), reference: dataset.points,
                                   k: min(k + 1, dataset.count))
        }
        var list: [API.Neighbor] = []
        for (i, j) in found.indices.enumerated() where Int(j) != index && list.count < k {
            let j = Int(j)
            list.append(API.Neighbor(index: j, distance: found.distances[i].squareRoot(), label: dataset.labels?[j],
                                     word: dataset.words?[j]))
        }
        return try Self.json(API.Neighbors(index: index, neighbors: list))
    }

    func search(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let dataset = try explorer.dataset(try context.parameters.require("id"))
        guard let query = request.uri.queryParameters.get("q"), !query.isEmpty else { throw ServeError.badRequest("give ?q=") }
        guard query.count <= 200 else { throw ServeError.badRequest("the query is longer than 200 characters") }
        var matches: [API.Match] = []
        func match(_ i: Int) -> API.Match { API.Match(index: i, word: dataset.words?[i], label: dataset.labels?[i]) }
        if let words = dataset.words {
            let lower = query.lowercased()
            if let exact = words.firstIndex(of: query) { matches.append(match(exact)) }
            for (i, word) in words.enumerated() where matches.count < 20 && word != query && word.lowercased().hasPrefix(lower) {
                matches.append(match(i))
            }
        }
        if matches.isEmpty, let i = Int(query), (0..<dataset.count).contains(i) { matches.append(match(i)) }
        return try Self.json(API.Matches(query: query, matches: matches))
    }

    func export(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let job = try explorer.job(try context.parameters.require("id"))
        let (values, _) = job.coordinates
        guard !values.isEmpty else {
            if job.status.state == .discarded { throw ServeError(.gone, code: "discarded", "job \(job.id) was replaced by newer projections") }
            throw ServeError(.conflict, code: "no_coordinates", "job \(job.id) has no coordinates yet")
        }
        let n = values.count / 2
        let name = "projection-\(job.dataset.id)-\(job.request.method)"
        switch request.uri.queryParameters.get("format") ?? "csv" {
        case "csv":
            var text = job.dataset.labels != nil ? "x,y,label\n" : job.dataset.words != nil ? "x,y,word\n" : "x,y\n"
            text.reserveCapacity(n * 24)
            for i in 0..<n {
                text += "\(values[2 * i]),\(values[2 * i + 1])"
                if let labels = job.dataset.labels { text += ",\(labels[i])" }
                if let words = job.dataset.words { text += "," + Self.csvField(words[i]) }
                text += "\n"
            }
            return Self.download(Array(text.utf8), type: "text/csv; charset=utf-8", name: name + ".csv")
        case "npy":
            return Self.download(NPY.bytes(Tensor(shape: [n, 2], scalars: values)), type: "application/octet-stream",
                                 name: name + ".npy")
        case let other:
            throw ServeError.badRequest("unknown export format '\(other)'; use csv or npy", code: "unknown_format")
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    // MARK: - Generator pad

    func decode(_ codes: [[Float]], model: ServedModel, request: Request, format: String?) async throws -> Response {
        let n = codes.count, d = model.latentSize
        let images = await model.decode(Tensor(shape: [n, d], scalars: codes.flatMap { $0 }))
        let values = images.scalars
        switch format ?? "png" {
        case "png":
            guard let side = model.imageSide else {
                throw ServeError.badRequest("model \(model.id) does not make square images; ask for format=json", code: "not_an_image")
            }
            let scale = try Self.integer(request.uri.queryParameters.get("scale"), name: "scale", range: 1...explorer.limits.maxScale) ?? 4
            return Self.png(GreyImage.png(values, side: side, count: n, scale: scale))
        case "json":
            let m = model.dataSize
            return try Self.json(API.Decoded(images: (0..<n).map { Array(values[$0 * m..<($0 + 1) * m]) }))
        case let other:
            throw ServeError.badRequest("unknown format '\(other)'; use png or json", code: "unknown_format")
        }
    }

    func interpolate(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let model = try explorer.model(try context.parameters.require("id"))
        let query = request.uri.queryParameters
        let a = try Self.code(query.get("from"), name: "from", model: model, limit: explorer.limits.maxCoordinate)
        let b = try Self.code(query.get("to"), name: "to", model: model, limit: explorer.limits.maxCoordinate)
        let steps = try Self.integer(query.get("steps"), name: "steps", range: 2...explorer.limits.maxSteps) ?? 8
        let path: LatentInterpolation
        switch query.get("path") ?? "linear" {
        case "linear": path = .linear
        case "spherical": path = .spherical
        case let other: throw ServeError.badRequest("unknown path '\(other)'; use linear or spherical", code: "unknown_path")
        }
        let codes = path.path(from: a, to: b, steps: steps)
        let rows = (0..<steps).map { Array(codes.scalars[$0 * model.latentSize..<($0 + 1) * model.latentSize]) }
        return try await decode(rows, model: model, request: request, format: query.get("format"))
    }

    // MARK: - Files

    func file(root: Int, relative: String) throws -> Response {
        let path = try explorer.roots.resolve(root: root, relative: relative)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= 256 << 20 else { throw ServeError(.contentTooLarge, code: "file_too_large", "\(relative) is over 256 MB") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ServeError.notFound("\(relative) cannot be read") }
        let type: String
        switch (path as NSString).pathExtension.lowercased() {
        case "png": type = "image/png"
        case "svg": type = "image/svg+xml"
        case "json": type = "application/json"
        case "html": type = "text/plain; charset=utf-8"  // never run a served page's scripts in our origin
        case "txt", "csv", "md": type = "text/plain; charset=utf-8"
        default: type = "application/octet-stream"
        }
        return Response(status: .ok, headers: [.contentType: type, .init("X-Content-Type-Options")!: "nosniff"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - Parsing and answers

    /// A code from `a,b,c` for `model`: the right length, finite, within ± `limit`.
    static func code(_ raw: String?, name: String, model: ServedModel, limit: Float) throws(ServeError) -> [Float] {
        guard let raw, !raw.isEmpty else { throw .badRequest("give ?\(name)= as \(model.latentSize) comma-separated numbers") }
        var values: [Float] = []
        for part in raw.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Float(part.trimmingCharacters(in: .whitespaces)) else {
                throw .badRequest("\(name): '\(part.prefix(20))' is not a number", code: "bad_code")
            }
            values.append(v)
            if values.count > model.latentSize { break }
        }
        return try checked(values, name: name, model: model, limit: limit)
    }

    static func checked(_ values: [Float], name: String, model: ServedModel, limit: Float) throws(ServeError) -> [Float] {
        guard values.count == model.latentSize else {
            throw .badRequest("\(name) has \(values.count) coordinates; model \(model.id) takes \(model.latentSize)", code: "bad_code")
        }
        guard values.allSatisfy({ $0.isFinite }) else { throw .badRequest("\(name) contains NaN or infinity", code: "bad_code") }
        guard values.allSatisfy({ abs($0) <= limit }) else {
            throw .badRequest("\(name) has a coordinate beyond ±\(limit)", code: "bad_code")
        }
        return values
    }

    static func index(_ raw: String, count: Int) throws(ServeError) -> Int {
        guard let i = Int(raw), (0..<count).contains(i) else { throw .notFound("no point '\(raw.prefix(20))' among \(count)") }
        return i
    }

    static func integer(_ raw: String?, name: String, range: ClosedRange<Int>) throws(ServeError) -> Int? {
        guard let raw else { return nil }
        guard let v = Int(raw), range.contains(v) else {
            throw .badRequest("\(name) must be an integer in \(range.lowerBound)…\(range.upperBound), got '\(raw.prefix(20))'")
        }
        return v
    }

    static func decodeBody<T: Decodable>(_ request: Request, limit: Int) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ServeError.badRequest("malformed JSON body: \(Self.reason(error))", code: "malformed_json")
        }
    }

    static func reason(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            return "unexpected value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case .dataCorrupted: return "not valid JSON"
        @unknown default: return "\(error)"
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func png(_ bytes: [UInt8], cache: Bool = false) -> Response {
        Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: cache ? "max-age=3600" : "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
