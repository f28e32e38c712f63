import Foundation
import Testing
@testable import LatentPlot

@Suite("BitmapFont")
struct BitmapFontTests {
    /// The non-ASCII characters of the project's titles, axis labels, legends and messages.
    static let projectCharacters = "é‖×−–—·…≥≤±²³→←≈√αβγεθλμρσ"

    @Test func projectCharactersHaveGlyphs() {
        for ch in Self.projectCharacters {
            #expect(BitmapFont.contains(ch), "missing \(ch)")
            #expect(BitmapFont.rows(for: ch).contains { $0 != 0 }, "blank glyph \(ch)")
        }
    }

    @Test func titlesRenderWithoutTheFallbackGlyph() {
        for title in ["Fréchet distance", "KL(P‖Q)", "z = μ + σ·ε", "28×28 → 10", "−ELBO ≥ 0"] {
            for ch in title { #expect(BitmapFont.contains(ch), "\(title): missing \(ch)") }
        }
        // Drawn, "Fréchet" differs from the "Fr?chet" the font used to print.
        func drawn(_ text: String) -> Canvas {
            var c = Canvas(width: 60, height: 12)
            c.drawText(text, x: 1, y: 1, color: .black)
            return c
        }
        #expect(drawn("Fréchet") != drawn("Fr?chet"))
        #expect(drawn("KL(P‖Q)") != drawn("KL(P?Q)"))
        // The accent sits above the x-height: "é" inks rows the plain "e" leaves blank.
        #expect(inked(drawn("é")).map(\.y).min()! < inked(drawn("e")).map(\.y).min()!)
    }

    @Test func signsAreNotTheirASCIILookalikes() {
        for (sign, lookalike) in [("×", "x"), ("−", "-"), ("‖", "|"), ("…", "."), ("·", ".")] as [(Character, Character)] {
            #expect(BitmapFont.rows(for: sign) != BitmapFont.rows(for: lookalike), "\(sign) draws as \(lookalike)")
        }
    }

    @Test func accentedLettersOutsideTheTableDrawAsTheirBaseLetter() {
        #expect(!BitmapFont.contains("Å") && BitmapFont.rows(for: "Å") == BitmapFont.rows(for: "A"))
        #expect(BitmapFont.rows(for: "É") == BitmapFont.rows(for: "E"))
        #expect(BitmapFont.rows(for: "\u{263A}") == BitmapFont.rows(for: "?"))  // ☺: no glyph, no base letter
    }

    /// Every non-ASCII character written in a string literal anywhere under Sources/ has a glyph,
    /// so no title, label or message the project can draw falls back to `?`.
    @Test func everyCharacterInTheSourcesStringLiteralsHasAGlyph() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 50, "found \(files.count) Swift files under \(sources.path)")
        var missing = [Character: String]()
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for ch in stringLiteralCharacters(text) where !ch.isASCII && !BitmapFont.contains(ch) {
                missing[ch] = file.lastPathComponent
            }
        }
        #expect(missing.isEmpty, "no glyph for: \(missing.map { "\($0.key) (\($0.value))" }.sorted())")
        // The scanner itself: literals, nested literals in interpolations, and no comments.
        let sample = #"let a = "é‖" // ≥"# + "\n" + #"/* ± */ f("x\(b ? "→" : "") ·")"#
        #expect(String(stringLiteralCharacters(sample).filter { !$0.isASCII }) == "é‖→·")
    }
}

/// The characters inside the string literals of Swift `source`: comments are skipped, and the
/// code of an interpolation `\(…)` is read as code, so a literal nested in it counts too.
/// Handles `"…"`, `"""…"""` and raw `#"…"#` strings; enough for this package's sources.
func stringLiteralCharacters(_ source: String) -> [Character] {
    let s = Array(source)
    var i = 0, out = [Character]()
    func at(_ j: Int, _ text: String) -> Bool {
        var k = j
        for c in text { guard k < s.count, s[k] == c else { return false }; k += 1 }
        return true
    }
    // Reads code until the `)` that closes an interpolation (or the end of the source).
    func code(inInterpolation: Bool) {
        var depth = 0
        while i < s.count {
            if at(i, "//") {
                while i < s.count, s[i] != "\n" { i += 1 }
            } else if at(i, "/*") {
                i += 2
                while i < s.count, !at(i, "*/") { i += 1 }
                i += 2
            } else if s[i] == "#" || s[i] == "\"" {
                var hashes = 0
                while i + hashes < s.count, s[i + hashes] == "#" { hashes += 1 }
                guard i + hashes < s.count, s[i + hashes] == "\"" else { i += max(hashes, 1); continue }
                i += hashes
                let multiline = at(i, "\"\"\"")
                i += multiline ? 3 : 1
                literal(closing: (multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes), hashes: hashes)
            } else {
                if s[i] == "(" { depth += 1 }
                if s[i] == ")" {
                    if inInterpolation && depth == 0 { i += 1; return }
                    depth -= 1
                }
                i += 1
            }
        }
    }
    func literal(closing: String, hashes: Int) {
        let escape = "\\" + String(repeating: "#", count: hashes)
        while i < s.count {
            if at(i, closing) { i += closing.count; return }
            if at(i, escape) {
                i += escape.count
                if i < s.count, s[i] == "(" { i += 1; code(inInterpolation: true) } else { i += 1 }
                continue
            }
            out.append(s[i])
            i += 1
        }
    }
    code(inInterpolation: false)
    return out
}
