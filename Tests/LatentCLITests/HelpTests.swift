import Foundation
import Testing

/// Every command's `--help` is part of the product: it is checked against its exact expected text
/// in `Help/<command path>.txt`, as swift-argument-parser's own example tests check theirs, and
/// every flag it lists must be in the flag table of `docs/flags.md`.
///
/// After changing a command's flags or help, regenerate the expected texts and review the diff:
///
///     LATENT_REGENERATE_HELP=1 swift test --filter HelpTests
@Suite struct HelpTests {
    /// The folder of expected help texts.
    static let fixtures = CLI.root.appendingPathComponent("Tests/LatentCLITests/Help")

    /// `latent <path> --help` for the root command and every subcommand, found by walking the
    /// SUBCOMMANDS section of each help (so a new command is found without being listed here).
    static func allHelp() throws -> [(path: [String], text: String)] {
        var found: [(path: [String], text: String)] = [], queue: [[String]] = [[]]
        while let path = queue.first {
            queue.removeFirst()
            // A fixed width, so the wrapping does not depend on the terminal the tests run in.
            let r = try CLI.run(path + ["--help"], environment: ["COLUMNS": "100"])
            #expect(r.status == 0, "latent \(path.joined(separator: " ")) --help: \(r.stderr)")
            found.append((path, r.stdout))
            queue += subcommands(in: r.stdout).filter { $0 != "help" }.map { path + [$0] }
        }
        return found
    }

    /// The names listed under SUBCOMMANDS: (two spaces, then the name).
    static func subcommands(in help: String) -> [String] {
        var names: [String] = [], inSection = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inSection = true; continue }
            // The section ends at its first blank line ("See 'latent help <subcommand>'…" follows).
            if inSection && (line.isEmpty || !line.hasPrefix(" ")) { break }
            guard inSection, line.hasPrefix("  "), !line.hasPrefix("   "),
                  let name = line.dropFirst(2).split(separator: " ").first else { continue }
            names.append(String(name))
        }
        return names
    }

    static func fixture(for path: [String]) -> URL {
        fixtures.appendingPathComponent((["latent"] + path).joined(separator: "-") + ".txt")
    }

    @Test func everyCommandsHelpIsAsExpected() throws {
        let helps = try Self.allHelp()
        #expect(helps.count > 20, "found \(helps.count) commands")
        if ProcessInfo.processInfo.environment["LATENT_REGENERATE_HELP"] == "1" {
            try FileManager.default.createDirectory(at: Self.fixtures, withIntermediateDirectories: true)
            for old in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path) where old.hasSuffix(".txt") {
                try FileManager.default.removeItem(at: Self.fixtures.appendingPathComponent(old))
            }
            for (path, text) in helps { try text.write(to: Self.fixture(for: path), atomically: true, encoding: .utf8) }
            return
        }
        let expected = Set(try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".txt") })
        let actual = Set(helps.map { Self.fixture(for: $0.path).lastPathComponent })
        #expect(expected == actual, "commands without an expected help: \(actual.subtracting(expected).sorted()); expected helps of no command: \(expected.subtracting(actual).sorted()) (LATENT_REGENERATE_HELP=1 rewrites them)")
        for (path, text) in helps {
            guard let want = try? String(contentsOf: Self.fixture(for: path), encoding: .utf8) else { continue }
            #expect(text == want, "latent \(path.joined(separator: " ")) --help differs from \(Self.fixture(for: path).lastPathComponent) (LATENT_REGENERATE_HELP=1 rewrites it):\n\(text)")
        }
    }

    /// The long flags of a help's OPTIONS section: each option line starts with two spaces and a
    /// dash, and names its flags before the gap that separates them from the help text.
    static func flags(in help: String) -> Set<String> {
        var flags: Set<String> = [], inOptions = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasSuffix("OPTIONS:") { inOptions = true; continue }
            if inOptions && !line.isEmpty && !line.hasPrefix(" ") { inOptions = false }
            guard inOptions, line.hasPrefix("  -"), !line.hasPrefix("   ") else { continue }
            let names = line.dropFirst(2).split(separator: "  ", maxSplits: 1).first ?? ""
            for match in names.matches(of: /--[a-z0-9][a-z0-9-]*/) { flags.insert(String(match.output)) }
        }
        return flags
    }

    @Test func everyFlagIsInTheFlagTable() throws {
        let table = try String(contentsOf: CLI.root.appendingPathComponent("docs/flags.md"), encoding: .utf8)
        var missing: [String] = []
        var all: Set<String> = []
        for (path, text) in try Self.allHelp() {
            for flag in Self.flags(in: text).sorted() {
                all.insert(flag)
                if !table.contains("`\(flag)`") { missing.append("latent \(path.joined(separator: " ")) \(flag)") }
            }
        }
        #expect(all.count > 50, "found only \(all.count) flags")
        #expect(missing.isEmpty, "flags missing from docs/flags.md: \(missing.joined(separator: ", "))")
    }
}
