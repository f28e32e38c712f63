import Foundation
import Testing
@testable import LatentIO

@Suite struct AtomicFileTests {
    @Test func writesCreatesParentsAndReplaces() throws {
        let dir = try ScratchDirectory()
        let path = dir.file("a/b/c.bin")
        try AtomicFile.write([1, 2, 3], to: path)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == [1, 2, 3])
        try AtomicFile.write("replaced", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "replaced")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("a/b")) == ["c.bin"])
    }

    @Test func failureLeavesNoTemporaryFile() throws {
        let dir = try ScratchDirectory()
        // The destination is a non-empty directory, so the final rename fails after the data was written.
        try FileManager.default.createDirectory(atPath: dir.file("out/x"), withIntermediateDirectories: true)
        let e = expectIOError { try AtomicFile.write([UInt8](repeating: 7, count: 10_000), to: dir.file("out")) }
        #expect(e?.kind == "io" && e?.path == dir.file("out"))
        #expect(try dir.contents() == ["out"])

        // A parent that is a file cannot become a directory.
        _ = try dir.write([0], "plain")
        let parent = expectIOError { try AtomicFile.write([1], to: dir.file("plain/child")) }
        #expect(parent?.kind == "io")
        #expect(try dir.contents() == ["out", "plain"])
    }

    @Test func unwritableDirectoryIsAnError() throws {
        // Root ignores permissions, so use a path that cannot exist instead.
        let e = expectIOError { try AtomicFile.write([1], to: "/proc/latent-cannot-write-here/x") }
        #expect(e?.kind == "io")
    }
}
