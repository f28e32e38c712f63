import Foundation
import Testing

/// The Markdown files render as written: every code fence that opens also closes, every relative
/// link leads to a file, and the commands of blocks marked `<!-- doctest -->` run as shown.
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

    /// The lines of `text` outside code fences, with their line numbers.
    static func proseLines(_ text: String) -> [(number: Int, line: Substring)] {
        var inFence = false, lines: [(Int, Substring)] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            if !inFence { lines.append((i + 1, line)) }
        }
        return lines
    }

    @Test func everyRelativeLinkResolves() throws {
        let link = /\]\(([^)\s]+)\)/
        var checked = 0
        for file in Self.markdownFiles() {
            let url = CLI.root.appendingPathComponent(file)
            for (number, line) in Self.proseLines(try String(contentsOf: url, encoding: .utf8)) {
                for match in line.matches(of: link) {
                    let target = String(match.1.prefix { $0 != "#" })
                    if target.isEmpty || target.contains("://") || target.hasPrefix("mailto:") { continue }
                    let resolved = url.deletingLastPathComponent().appendingPathComponent(target).standardized
                    #expect(FileManager.default.fileExists(atPath: resolved.path),
                            "\(file):\(number): the link to \(target) leads nowhere")
                    checked += 1
                }
            }
        }
        #expect(checked > 20, "only \(checked) relative links found")
    }

    /// A command of a doctest block and the row labels of the output shown under it.
    struct ShownCommand {
        var file: String, line: Int, arguments: [String], labels: [String]
    }

    /// The `$ latent …` commands of the code blocks that follow a `<!-- doctest -->` line.
    static func doctestCommands() throws -> [ShownCommand] {
        var commands: [ShownCommand] = []
        for file in markdownFiles() {
            let lines = try String(contentsOf: CLI.root.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            var marked = false, inBlock = false
            for (i, raw) in lines.enumerated() {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line == "<!-- doctest -->" { marked = true; continue }
                if line.hasPrefix("```") {
                    inBlock = marked && !inBlock
                    if !inBlock { marked = false }
                    continue
                }
                guard inBlock else { continue }
                if line.hasPrefix("$ latent ") {
                    commands.append(ShownCommand(file: file, line: i + 1, arguments: shellWords(String(line.dropFirst(9))), labels: []))
                } else if !commands.isEmpty, let label = line.firstRange(of: "  ").map({ String(line[..<$0.lowerBound]) }), !label.isEmpty {
                    commands[commands.count - 1].labels.append(label)
                }
            }
        }
        return commands
    }

    /// Splits a command line as a shell would for the simple lines of the docs (spaces, quotes).
    static func shellWords(_ line: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, started = false
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c; started = true
            } else if c == " " {
                if started || !current.isEmpty { words.append(current) }
                current = ""; started = false
            } else {
                current.append(c)
            }
        }
        if started || !current.isEmpty { words.append(current) }
        return words
    }

    /// The commands the docs mark as runnable run on the shipped data, in order (a later one may
    /// read what an earlier one wrote), exit 0 and print the rows shown under them.
    @Test func markedCommandsRunAsShown() throws {
        let commands = try Self.doctestCommands()
        #expect(commands.count >= 3, "found \(commands.count) doctest commands")
        let dir = try temporaryDirectory("doctest")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("Data"), withDestinationURL: CLI.root.appendingPathComponent("Data"))
        for command in commands {
            let r = try CLI.run(command.arguments, in: dir, timeout: 300)
            #expect(r.status == 0, "\(command.file):\(command.line): latent \(command.arguments.joined(separator: " ")) failed: \(r.stderr)")
            // Progress and notes go to standard error, the summary to standard output.
            let printed = (r.stdout + "\n" + r.stderr).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for label in command.labels {
                #expect(printed.contains { $0.hasPrefix(label + "  ") }, "\(command.file):\(command.line): no '\(label)' row in:\n\(r.stdout)")
            }
        }
    }
}
