import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LatentIO
import LatentTensor
import Testing

/// `latent serve` as a user starts it: the URL line, a request answered over a real socket, and
/// one-line errors for what cannot be served.
struct ServeCLITests {
    @Test func serveStartsPrintsItsURLAndAnswers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-serve-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let matrix = dir.appendingPathComponent("points.npy").path
        try NPY.write(Tensor(shape: [6, 3], scalars: (0..<18).map(Float.init)), to: matrix)

        guard let binary = CLI.binary else { throw CLI.CLIMissing() }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", matrix]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // The first line names the URL.
        var line = Data()
        let deadline = Date().addingTimeInterval(60)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
                               "no URL in \(text)")
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let catalog = try Self.get(try #require(URL(string: url + "api/catalog")))
        let object = try JSONSerialization.jsonObject(with: catalog) as? [String: Any]
        let datasets = object?["datasets"] as? [[String: Any]] ?? []
        #expect(datasets.first?["count"] as? Int == 6)
        #expect(datasets.first?["features"] as? Int == 3)
    }

    @Test func serveRefusesWhatItCannotOpen() throws {
        var r = try CLI.run(["serve", "/no/such/folder", "--port", "0"], timeout: 60)
        #expect(r.status != 0)
        #expect(r.stderr.contains("/no/such/folder: no such file or directory"))
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        r = try CLI.run(["serve", "Data/mnist/t10k-labels-idx1-ubyte.gz", "--port", "0"], timeout: 60)
        #expect(r.status != 0)
        #expect(r.stderr.contains("not a model file"))
        r = try CLI.run(["serve", "--port", "70000", "Data"], timeout: 60)
        #expect(r.status != 0)
    }

    /// The body of a GET of `url` (at most 30 s).
    static func get(_ url: URL) throws -> Data {
        final class Box: @unchecked Sendable { var data: Data?; var error: (any Error)? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: URLRequest(url: url, timeoutInterval: 30)) { data, _, error in
            box.data = data
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error { throw error }
        return box.data ?? Data()
    }
}
