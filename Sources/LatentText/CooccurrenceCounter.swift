import LatentIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One cell of the word–word co-occurrence matrix.
struct Cooccurrence {
    var row: Int32
    var column: Int32
    var value: Float

    var key: UInt64 { UInt64(UInt32(bitPattern: row)) << 32 | UInt64(UInt32(bitPattern: column)) }
}

/// Counts weighted co-occurrences of vocabulary words, sparse and memory-bounded.
///
/// Two words `d` positions apart within `window` (on one line) add `1/d` to both of their cells,
/// GloVe's distance weighting. Cells accumulate in an open-addressing hash table; when it holds
/// `memoryLimit` bytes it is sorted and spilled to a temporary file, and the sorted runs are merged
/// (summing equal cells) at the end, as Stanford's `cooccur` does. Peak memory during counting is
/// therefore the limit plus the merged result, whatever the corpus size.
struct CooccurrenceCounter {
    let vocabulary: Vocabulary
    let window: Int
    let memoryLimit: Int

    /// Streams the corpus at `path` and returns every non-zero cell, sorted by (row, column).
    func count(corpus path: String) throws -> [Cooccurrence] {
        let file = try TextFile(path)
        var table = CellTable(capacity: 1 << 16)
        var runs: [String] = []
        defer { for r in runs { unlink(r) } }
        var recent = [Int32](repeating: -1, count: window)
        var filled = 0, head = 0
        let words = vocabulary.table
        var failure: Error?
        try vocabulary.tokenizer.stream(file, range: 0..<file.size, token: { t in
            let id = words.find(t)
            if id < 0 { return }
            for d in stride(from: 1, through: min(filled, window), by: 1) {
                let other = recent[(head - d + window) % window]
                let weight = 1 / Float(d)
                table.add(row: id, column: other, weight)
                table.add(row: other, column: id, weight)
            }
            recent[head] = id
            head = (head + 1) % window
            filled = min(filled + 1, window)
            if table.count * 2 >= table.capacity {
                if table.capacity * 12 >= memoryLimit {
                    do { runs.append(try spill(table.sortedCells())) } catch { failure = failure ?? error }
                    table.removeAll()
                } else {
                    table.grow()
                }
            }
        }, lineEnd: { filled = 0 })
        if let failure { throw failure }
        if runs.isEmpty { return table.sortedCells() }
        runs.append(try spill(table.sortedCells()))
        return try merge(runs)
    }

    /// Writes a sorted run to a temporary file and returns its path.
    func spill(_ cells: [Cooccurrence]) throws -> String {
        var template = Array("/tmp/latent-cooccur-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw LatentIOError.io("/tmp", "cannot create a temporary file for co-occurrence counts") }
        defer { close(fd) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        try cells.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                guard n > 0 else { throw LatentIOError.io(path, "cannot write co-occurrence counts: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        return path
    }

    /// Merges sorted runs, summing cells that appear in several.
    func merge(_ runs: [String]) throws -> [Cooccurrence] {
        var lists: [[Cooccurrence]] = []
        var result: [Cooccurrence] = []
        // Each run is read back whole, one at a time, and merged pairwise into the result: the
        // result must fit in memory for training anyway.
        for path in runs {
            let bytes = try TextFile(path).readAll()
            let run = bytes.withUnsafeBytes { raw in
                Array(raw.bindMemory(to: Cooccurrence.self))
            }
            lists = [result, run]
            result = CooccurrenceCounter.mergeTwo(lists[0], lists[1])
        }
        return result
    }

    static func mergeTwo(_ a: [Cooccurrence], _ b: [Cooccurrence]) -> [Cooccurrence] {
        var out: [Cooccurrence] = []
        out.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].key < b[j].key) {
                out.append(a[i]); i += 1
            } else if i == a.count || b[j].key < a[i].key {
                out.append(b[j]); j += 1
            } else {
                var c = a[i]
                c.value += b[j].value
                out.append(c); i += 1; j += 1
            }
        }
        return out
    }
}

/// Open addressing from a (row, column) key to a weight.
struct CellTable {
    private(set) var keys: [UInt64]
    private(set) var values: [Float]
    private(set) var count = 0
    var capacity: Int { keys.count }
    private static let empty = UInt64.max

    init(capacity: Int) {
        var size = 1024
        while size < capacity { size <<= 1 }
        keys = [UInt64](repeating: CellTable.empty, count: size)
        values = [Float](repeating: 0, count: size)
    }

    @inline(__always)
    mutating func add(row: Int32, column: Int32, _ weight: Float) {
        let key = UInt64(UInt32(bitPattern: row)) << 32 | UInt64(UInt32(bitPattern: column))
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
        while true {
            let k = keys[i]
            if k == key { values[i] += weight; return }
            if k == CellTable.empty {
                keys[i] = key
                values[i] = weight
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: CellTable.empty, count: oldKeys.count * 2)
        values = [Float](repeating: 0, count: oldKeys.count * 2)
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != CellTable.empty {
            add(row: Int32(bitPattern: UInt32(k >> 32)), column: Int32(bitPattern: UInt32(truncatingIfNeeded: k)), v)
        }
    }

    mutating func removeAll() {
        for i in keys.indices { keys[i] = CellTable.empty }
        count = 0
    }

    func sortedCells() -> [Cooccurrence] {
        var cells: [Cooccurrence] = []
        cells.reserveCapacity(count)
        for (k, v) in zip(keys, values) where k != CellTable.empty {
            cells.append(Cooccurrence(row: Int32(bitPattern: UInt32(k >> 32)), column: Int32(bitPattern: UInt32(truncatingIfNeeded: k)), value: v))
        }
        cells.sort { $0.key < $1.key }
        return cells
    }
}
