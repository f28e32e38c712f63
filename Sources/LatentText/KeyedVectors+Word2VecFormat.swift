import LatentIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two file formats of the original word2vec tool, which gensim's
/// `KeyedVectors.load_word2vec_format` / `save_word2vec_format` also use.
public enum Word2VecFormat: String, Sendable, CaseIterable, Codable {
    /// A header line `count dimensions`, then one line per word: the word and its values in
    /// decimal, separated by single spaces.
    case text
    /// The same header, then per word: the word, a space, `dimensions` little-endian float32
    /// values and a newline (the C tool writes the newline; gensim omits it; both read either).
    case binary
}

extension KeyedVectors {
    /// Reads vectors in the word2vec text or binary format; `format` nil decides from the file
    /// name (`.bin` → binary, `.txt`/`.vec` → text) or, failing that, from the first row.
    ///
    /// A word that repeats keeps its first vector (gensim does the same).
    ///
    /// - Throws: `LatentIOError` naming the file and the line or offset: a malformed header,
    ///   a row with the wrong number of values, fewer rows than the header announces (truncated).
    public static func read(_ path: String, format: Word2VecFormat? = nil) throws -> KeyedVectors {
        let bytes = try TextFile(path).readAll()
        return try parse(bytes, path: path, format: format)
    }

    /// Parses the bytes of a word2vec file (`path` only names it in errors).
    public static func parse(_ bytes: [UInt8], path: String, format: Word2VecFormat? = nil) throws -> KeyedVectors {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            throw LatentIOError.corrupt(path, "no header line ('<count> <dimensions>')")
        }
        let headerText = String(decoding: bytes[0..<newline], as: UTF8.self)
        let fields = headerText.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard fields.count == 2, let count = Int(fields[0]), let dim = Int(fields[1]), count >= 0, dim >= 1 else {
            throw LatentIOError.corrupt(path, "header: expected '<count> <dimensions>' with count ≥ 0 and dimensions ≥ 1, got '\(headerText.prefix(60))'")
        }
        guard dim <= 1_000_000 else { throw LatentIOError.tooLarge(path, "header says \(dim) dimensions") }
        let body = newline + 1
        let chosen = format ?? guessFormat(path: path, bytes: bytes, from: body, dim: dim)
        // Never reserve more rows than the file could hold: headers are untrusted.
        let minRow = chosen == .binary ? dim * 4 + 2 : dim * 2 + 1
        let possible = (bytes.count - body) / minRow + 1
        var words: [String] = []
        var values: [Float] = []
        words.reserveCapacity(min(count, possible))
        values.reserveCapacity(min(count, possible) * dim)
        var seen = Set<String>()
        var duplicates = 0
        func add(_ word: String, _ row: ArraySlice<Float>) {
            if seen.insert(word).inserted {
                words.append(word)
                values.append(contentsOf: row)
            } else {
                duplicates += 1
            }
        }
        switch chosen {
        case .binary: try parseBinary(bytes, from: body, count: count, dim: dim, path: path, add: add)
        case .text: try parseText(bytes, from: body, count: count, dim: dim, path: path, add: add)
        }
        return try KeyedVectors(words: words, vectors: values, vectorSize: dim)
    }

    static func guessFormat(path: String, bytes: [UInt8], from: Int, dim: Int) -> Word2VecFormat {
        if path.hasSuffix(".bin") { return .binary }
        if path.hasSuffix(".txt") || path.hasSuffix(".vec") { return .text }
        // Text rows are printable; binary float rows almost surely hold a control or high byte.
        let end = min(bytes.count, from + 4096)
        var spaces = 0
        for i in from..<end {
            let b = bytes[i]
            if b == UInt8(ascii: "\n") { break }
            if b == UInt8(ascii: " ") { spaces += 1 }
            if b < 9 || (b > 13 && b < 32) { return .binary }
        }
        return spaces >= dim ? .text : .binary
    }

    static func parseBinary(_ bytes: [UInt8], from start: Int, count: Int, dim: Int, path: String,
                            add: (String, ArraySlice<Float>) -> Void) throws {
        var p = start
        var row = [Float](repeating: 0, count: dim)
        for r in 0..<count {
            // Rows may be separated by the C tool's newline.
            while p < bytes.count && (bytes[p] == UInt8(ascii: "\n") || bytes[p] == UInt8(ascii: "\r")) { p += 1 }
            let wordStart = p
            while p < bytes.count && bytes[p] != UInt8(ascii: " ") { p += 1 }
            guard p < bytes.count, bytes.count - (p + 1) >= dim * 4 else {
                throw LatentIOError.truncated(path, what: "header says \(count) vectors of \(dim) float32 values but the file ends inside row \(r + 1) (byte \(wordStart))",
                                              expected: count, got: r)
            }
            guard p > wordStart else { throw LatentIOError.corrupt(path, "row \(r + 1) (byte \(wordStart)): empty word") }
            let word = String(decoding: bytes[wordStart..<p], as: UTF8.self)
            p += 1
            bytes.withUnsafeBytes { raw in
                for k in 0..<dim {
                    row[k] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p + 4 * k, as: UInt32.self)))
                }
            }
            if let k = row.firstIndex(where: { !$0.isFinite }) {
                throw LatentIOError.invalidValue(path, "row \(r + 1) ('\(word.prefix(40))'), value \(k + 1): \(row[k]); word vectors must be finite")
            }
            p += 4 * dim
            add(word, row[...])
        }
        while p < bytes.count && (bytes[p] == UInt8(ascii: "\n") || bytes[p] == UInt8(ascii: "\r") || bytes[p] == UInt8(ascii: " ")) { p += 1 }
        if p < bytes.count {
            throw LatentIOError.corrupt(path, "\(bytes.count - p) bytes after the \(count) vectors the header announces (byte \(p))")
        }
    }

    static func parseText(_ bytes: [UInt8], from start: Int, count: Int, dim: Int, path: String,
                          add: (String, ArraySlice<Float>) -> Void) throws {
        var row = [Float](repeating: 0, count: dim)
        var number = [CChar](repeating: 0, count: 64)
        var p = start
        var line = 2
        var rows = 0
        while p < bytes.count {
            var end = p
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var lineEnd = end
            while lineEnd > p && (bytes[lineEnd - 1] == UInt8(ascii: " ") || bytes[lineEnd - 1] == UInt8(ascii: "\r")) { lineEnd -= 1 }
            if lineEnd > p {
                guard rows < count else {
                    throw LatentIOError.corrupt(path, "line \(line): more rows than the \(count) the header announces")
                }
                var q = p
                while q < lineEnd && bytes[q] != UInt8(ascii: " ") { q += 1 }
                let word = String(decoding: bytes[p..<q], as: UTF8.self)
                var k = 0
                while q < lineEnd {
                    while q < lineEnd && bytes[q] == UInt8(ascii: " ") { q += 1 }
                    let s = q
                    while q < lineEnd && bytes[q] != UInt8(ascii: " ") { q += 1 }
                    if q == s { break }
                    guard k < dim else { k += 1; continue }
                    let n = q - s
                    var value: Float?
                    if n < number.count {
                        for i in 0..<n { number[i] = CChar(bitPattern: bytes[s + i]) }
                        number[n] = 0
                        number.withUnsafeMutableBufferPointer { buf in
                            var endPointer: UnsafeMutablePointer<CChar>?
                            let v = strtof(buf.baseAddress!, &endPointer)
                            if endPointer == buf.baseAddress! + n { value = v }
                        }
                    }
                    guard let value else {
                        throw LatentIOError.corrupt(path, "line \(line): '\(String(decoding: bytes[s..<q], as: UTF8.self).prefix(30))' is not a number")
                    }
                    // "nan", "inf" and values beyond Float's range (1e39 reads as infinity) would
                    // rank first or poison every cosine.
                    guard value.isFinite else {
                        throw LatentIOError.invalidValue(path, "line \(line): '\(String(decoding: bytes[s..<q], as: UTF8.self).prefix(30))' is not a finite float32")
                    }
                    row[k] = value
                    k += 1
                }
                guard k == dim else {
                    throw LatentIOError.corrupt(path, "line \(line): '\(word.prefix(40))' has \(k) values, the header says \(dim)")
                }
                add(word, row[...])
                rows += 1
            }
            p = end + 1
            line += 1
        }
        if rows < count {
            throw LatentIOError.truncated(path, what: "header says \(count) vectors but the file holds \(rows)", expected: count, got: rows)
        }
    }

    /// The file's bytes in `format`. Text values are the shortest decimal that reads back to the
    /// same float, so a text round trip is exact too.
    ///
    /// - Throws: `LatentIOError.invalidValue` for a word that is empty or holds whitespace (it
    ///   could not be read back).
    public func word2vecBytes(format: Word2VecFormat) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * (format == .binary ? vectorSize * 4 + 12 : vectorSize * 12 + 12) + 32)
        out.append(contentsOf: "\(count) \(vectorSize)\n".utf8)
        for (r, word) in words.enumerated() {
            guard !word.isEmpty, !word.utf8.contains(where: { $0 == 32 || $0 == 10 || $0 == 9 || $0 == 13 }) else {
                throw LatentIOError.invalidValue("word2vec", "word \(r + 1) '\(word)' is empty or holds whitespace")
            }
            out.append(contentsOf: word.utf8)
            switch format {
            case .binary:
                out.append(UInt8(ascii: " "))
                for k in 0..<vectorSize {
                    let bits = vectors[r * vectorSize + k].bitPattern.littleEndian
                    withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
                }
            case .text:
                for k in 0..<vectorSize {
                    out.append(UInt8(ascii: " "))
                    out.append(contentsOf: vectors[r * vectorSize + k].description.utf8)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes the vectors to `path` in `format`, atomically.
    public func write(to path: String, format: Word2VecFormat) throws {
        do {
            try AtomicFile.write(try word2vecBytes(format: format), to: path)
        } catch LatentIOError.invalidValue(_, let detail) {
            throw LatentIOError.invalidValue(path, detail)
        }
    }
}
