import LatentTensor

/// Comma-separated tables of numbers.
public enum CSV {
    /// Reads a table of numbers as a `[rows, columns]` tensor.
    ///
    /// Blank lines are skipped; `\r\n` line ends, surrounding spaces and double quotes around a
    /// field are accepted. Every row must have the same number of fields.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - hasHeader: skip the first non-blank line (column names).
    ///   - delimiter: the field separator, `,` by default.
    /// - Throws: `LatentIOError.shapeMismatch` for a ragged row and `.invalidValue` for a field that
    ///   is not a number, both with the 1-based line and column.
    public static func readFloats(path: String, hasHeader: Bool = false, delimiter: Character = ",") throws -> Tensor {
        try parseFloats(bytes: FileBytes.read(path), path: path, hasHeader: hasHeader, delimiter: delimiter).values
    }

    /// Reads a table of numbers with a header line, returning the column names too.
    public static func readTable(path: String, delimiter: Character = ",") throws -> (header: [String], values: Tensor) {
        let r = try parseFloats(bytes: FileBytes.read(path), path: path, hasHeader: true, delimiter: delimiter)
        return (r.header ?? [], r.values)
    }

    /// Writes a matrix (or a vector, as one column) with an optional header line, atomically.
    /// Values are written in their shortest form that reads back to the same `Float`.
    public static func write(_ tensor: Tensor, header: [String]? = nil, to path: String) throws {
        guard tensor.rank == 1 || tensor.rank == 2 else {
            throw LatentIOError.shapeMismatch(path, "CSV holds a matrix or a vector, got shape \(tensor.shape)")
        }
        let columns = tensor.rank == 2 ? tensor.shape[1] : 1
        let rows = tensor.rank == 2 ? tensor.shape[0] : tensor.shape[0]
        var out = ""
        if let header {
            guard header.count == columns else {
                throw LatentIOError.shapeMismatch(path, "\(header.count) header names for \(columns) columns")
            }
            out += header.map(quoteField).joined(separator: ",") + "\n"
        }
        tensor.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                for c in 0..<columns {
                    if c > 0 { out += "," }
                    out += p[r * columns + c].description
                }
                out += "\n"
            }
        }
        try AtomicFile.write(out, to: path)
    }

    static func quoteField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }

    /// Splits the bytes into lines and quote-aware fields. Works on UTF-8 bytes rather than
    /// `Character`s, because Swift treats `\r\n` as one character and would not split on `\n`.
    static func parseFloats(bytes: [UInt8], path: String, hasHeader: Bool, delimiter: Character) throws -> (header: [String]?, values: Tensor) {
        guard let d = delimiter.asciiValue, d != UInt8(ascii: "\""), d != 0x0A, d != 0x0D else {
            throw LatentIOError.invalidValue(path, "CSV delimiter '\(delimiter)' must be a single ASCII character other than a quote or line end")
        }
        var header: [String]?
        var values: [Float] = []
        var columns = -1
        var rows = 0
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var end = lineEnd
            if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
            let line = bytes[lineStart..<end]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let fields = splitFields(line, delimiter: d)
            if hasHeader && header == nil {
                header = fields
                columns = fields.count
                continue
            }
            if columns < 0 { columns = fields.count }
            guard fields.count == columns else {
                throw LatentIOError.shapeMismatch(path, "line \(lineNumber) has \(fields.count) fields, expected \(columns)")
            }
            for (c, field) in fields.enumerated() {
                guard let v = Float(field) else {
                    throw LatentIOError.invalidValue(path, "line \(lineNumber), column \(c + 1): '\(field.prefix(40))' is not a number")
                }
                values.append(v)
            }
            rows += 1
        }
        return (header, Tensor(shape: [rows, max(columns, 0)], scalars: values))
    }

    /// Fields of one line: surrounding spaces trimmed, `"…"` quoting with `""` for a quote.
    static func splitFields(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var i = line.startIndex
        func finish() {
            var s = field[...]
            while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
            while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
            fields.append(String(decoding: s, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while i < line.endIndex {
            let b = line[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") && field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                quoted = true
                field.removeAll()
            } else if b == delimiter {
                finish()
            } else {
                field.append(b)
            }
            i += 1
        }
        finish()
        return fields
    }
}
