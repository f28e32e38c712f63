/// Symmetric sparse rows (CSR) from a directed sparse graph: every edge (i, j, v) is stored in row i
/// and in row j, each row is sorted by column, and the two directions of a pair are merged with
/// `combine`. Self-loops are dropped. t-SNE's joint probabilities merge by adding ((C + Cᵀ) / 2n),
/// UMAP's fuzzy union by a + b − ab.
enum SparseSymmetrization {
    /// `edges` is called twice (to count, then to fill) and must report the same edges both times.
    static func rows(count n: Int, edges: ((Int, Int, Float) -> Void) -> Void,
                     combine: (Float, Float) -> Float) -> (rowStart: [Int], columns: [Int32], values: [Float]) {
        var degree = [Int](repeating: 0, count: n)
        edges { i, j, _ in
            guard i != j else { return }
            degree[i] += 1
            degree[j] += 1
        }
        var start = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { start[i + 1] = start[i] + degree[i] }
        var fill = Array(start.dropLast())
        var cols = [Int32](repeating: 0, count: start[n])
        var vals = [Float](repeating: 0, count: start[n])
        edges { i, j, v in
            guard i != j else { return }
            cols[fill[i]] = Int32(j); vals[fill[i]] = v; fill[i] += 1
            cols[fill[j]] = Int32(i); vals[fill[j]] = v; fill[j] += 1
        }
        var rowStart = [Int](repeating: 0, count: n + 1)
        var outCols = [Int32](), outVals = [Float]()
        outCols.reserveCapacity(cols.count)
        outVals.reserveCapacity(vals.count)
        var order: [Int] = []
        for i in 0..<n {
            // Sorted by column, ties in slot order, so the merge order does not depend on the sort.
            order = Array(start[i]..<start[i + 1])
            order.sort { cols[$0] < cols[$1] || (cols[$0] == cols[$1] && $0 < $1) }
            var last: Int32 = -1
            for e in order {
                if cols[e] == last {
                    outVals[outVals.count - 1] = combine(outVals[outVals.count - 1], vals[e])
                } else {
                    outCols.append(cols[e]); outVals.append(vals[e]); last = cols[e]
                }
            }
            rowStart[i + 1] = outCols.count
        }
        return (rowStart, outCols, outVals)
    }
}
