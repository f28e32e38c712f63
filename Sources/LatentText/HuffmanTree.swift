/// The Huffman tree over the vocabulary that hierarchical softmax walks.
///
/// Frequent words get short codes, so the average number of inner nodes a training step
/// touches is about log2 of the perplexity of the unigram distribution, not log2 of the
/// vocabulary size. Word `w`'s path is `points[offsets[w]..<offsets[w+1]]` (inner-node ids in
/// `0..<count-1`, root first) with the branch taken at each node in `codes` (0 or 1).
struct HuffmanTree {
    let offsets: [Int32]
    let codes: [UInt8]
    let points: [Int32]

    /// Builds the tree from word counts (any order) in O(n log n), merging the two lightest nodes.
    init(counts: [Int]) {
        let n = counts.count
        guard n > 1 else {
            offsets = [Int32](repeating: 0, count: n + 1)
            codes = []
            points = []
            return
        }
        // Nodes 0..<n are leaves; n..<2n-1 inner nodes. The classic two-queue merge needs the
        // leaves sorted by count; sort a permutation instead of requiring sorted input.
        let order = (0..<n).sorted { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }
        var weight = [Int](repeating: 0, count: 2 * n - 1)
        var parent = [Int](repeating: 0, count: 2 * n - 1)
        var branch = [UInt8](repeating: 0, count: 2 * n - 1)
        for (i, w) in order.enumerated() { weight[i] = counts[w] }   // leaf slot i holds word order[i]
        var leaf = 0, inner = n
        func lightest(_ next: Int) -> Int {
            if leaf < n && (inner >= next || weight[leaf] <= weight[inner]) {
                leaf += 1
                return leaf - 1
            }
            inner += 1
            return inner - 1
        }
        for next in n..<(2 * n - 1) {
            let a = lightest(next), b = lightest(next)
            weight[next] = weight[a] + weight[b]
            parent[a] = next
            parent[b] = next
            branch[b] = 1
        }
        let root = 2 * n - 2
        var paths = [[(code: UInt8, point: Int32)]](repeating: [], count: n)
        for slot in 0..<n {
            var path: [(UInt8, Int32)] = []
            var node = slot
            while node != root {
                path.append((branch[node], Int32(parent[node] - n)))
                node = parent[node]
            }
            paths[order[slot]] = path.reversed()
        }
        var offsets: [Int32] = [0]
        var codes: [UInt8] = [], points: [Int32] = []
        for p in paths {
            for (c, q) in p {
                codes.append(c)
                points.append(q)
            }
            offsets.append(Int32(codes.count))
        }
        self.offsets = offsets
        self.codes = codes
        self.points = points
    }

    /// The length of word `w`'s code.
    func depth(_ w: Int) -> Int { Int(offsets[w + 1] - offsets[w]) }
}
