import Foundation
import LatentIO
import Testing

/// Paths and scratch directories shared by the LatentIO tests.
enum Fixtures {
    /// The copied reference fixtures (see Fixtures/ and ../shared/fixtures/README.md).
    static func path(_ relative: String) -> String {
        guard let root = Bundle.module.resourcePath else { fatalError("test bundle has no resources") }
        return root + "/Fixtures/" + relative
    }

    /// A fixture another test target owns, read from its source folder: SwiftPM gives a test
    /// only its own target's resources, and the file is stored once, beside the tests that
    /// need all of its set (`sharedPath("LatentNNTests", "safetensors/torch_ae.safetensors")`).
    static func sharedPath(_ target: String, _ relative: String) -> String {
        repositoryRoot + "/Tests/" + target + "/Fixtures/" + relative
    }

    /// The repository root, found from this file's location so a fresh clone works.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// `reference.json` as a dictionary.
    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("reference.json")))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// A fresh directory under the system temporary directory, removed when the test ends.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "latent-io-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let p = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: path).sorted() }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body`, requires it to throw a `LatentIOError`, and returns that error.
func expectIOError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> LatentIOError? {
    do {
        try body()
        Issue.record("expected a LatentIOError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LatentIOError {
        return error
    } catch {
        Issue.record("expected a LatentIOError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension LatentIOError {
    /// The case name, for checking which kind of error was thrown.
    var kind: String {
        switch self {
        case .fileNotFound: return "fileNotFound"
        case .io: return "io"
        case .truncated: return "truncated"
        case .corrupt: return "corrupt"
        case .unsupported: return "unsupported"
        case .shapeMismatch: return "shapeMismatch"
        case .invalidValue: return "invalidValue"
        case .tooLarge: return "tooLarge"
        }
    }
}
