import LatentTensor

/// Comma-separated tables of numbers.
public enum CSV {
    /// Reads a table of numbers as a `[rows, columns]` tensor.
    ///
    /// Blank lines are skipped; `\r\n` line ends, surrounding spaces and double quotes around a
    /// field are accepted. Every row must have the same number of fields.
    ///
    /// - Parameters:
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

    static func parseFloats(bytes: [UInt8], path: String, hasHeader: Bool, delimiter: Character) throws -> (header: [String]?, values: Tensor) {
        let text = String(decoding: bytes, as: UTF8.self)
        var header: [String]?
        var values: [Float] = []
        var columns = -1
        var rows = 0
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: delimiter, omittingEmptySubsequences: false)
            if hasHeader && header == nil {
                header = fields.map { unquote($0) }
                columns = fields.count
                continue
            }
            if columns < 0 { columns = fields.count }
            guard fields.count == columns else {
                throw LatentIOError.shapeMismatch(path, "line \(lineNumber) has \(fields.count) fields, expected \(columns)")
            }
            for (c, field) in fields.enumerated() {
                let s = unquote(field)
                guard let v = Float(s) else {
                    throw LatentIOError.invalidValue(path, "line \(lineNumber), column \(c + 1): '\(s.prefix(40))' is not a number")
                }
                values.append(v)
            }
            rows += 1
        }
        return (header, Tensor(shape: [rows, max(columns, 0)], scalars: values))
    }

    static func unquote(_ field: Substring) -> String {
        var s = field.drop { $0 == " " || $0 == "\t" }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        if s.count >= 2 && s.first == "\"" && s.last == "\"" {
            return String(s.dropFirst().dropLast()).replacing("\"\"", with: "\"")
        }
        return String(s)
    }
}
