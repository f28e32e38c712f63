import Foundation
import Testing

/// The Markdown files render as written: every code fence that opens also closes.
@Suite struct DocumentationTests {
    /// Markdown files of the repository, outside build, output and hidden folders.
    static func markdownFiles() -> [String] {
        var files: [String] = []
        guard let walk = FileManager.default.enumerator(at: CLI.root, includingPropertiesForKeys: [.isDirectoryKey]) else { return [] }
        for case let url as URL in walk {
            let name = url.lastPathComponent
            if (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
                if name.hasPrefix(".") || ["demo", "runs", "fuzz"].contains(name) { walk.skipDescendants() }
            } else if name.hasSuffix(".md") {
                files.append(String(url.path.dropFirst(CLI.root.path.count + 1)))
            }
        }
        return files
    }

    @Test func everyMarkdownFileClosesItsCodeFences() throws {
        let files = Self.markdownFiles()
        #expect(files.contains("README.md") && files.contains("Benchmarks/README.md"), "found \(files)")
        for file in files {
            let text = try String(contentsOfFile: CLI.root.appendingPathComponent(file).path, encoding: .utf8)
            var open: Int?
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                open = open == nil ? i + 1 : nil
            }
            #expect(open == nil, "\(file): the code fence opened at line \(open ?? 0) never closes")
        }
    }
}
