import LatentTensor

/// A vantage-point tree (Yianilos 1993) over the rows of a matrix, for exact k-nearest-neighbour
/// queries in Euclidean distance.
///
/// Each node holds one point and the median distance from it to the points below; the inside
/// half is within that radius, the outside half beyond it. A query descends the nearer side first
/// and visits the other only if the ball of its current k-th distance crosses the median shell
/// (triangle inequality), so in low dimension (embeddings) a query touches O(log n) nodes. In 50+
/// dimensions pruning weakens and `NearestNeighbors.exact` (BLAS) is usually faster.
public struct VPTree: Sendable {
    struct Node: Sendable {
        var point: Int32
        var radius: Float
        var inside: Int32
        var outside: Int32
    }

    let points: Tensor
    let dimension: Int
    var nodes: [Node] = []
    var root: Int32 = -1

    /// Builds the tree over the rows of `points` (`[n, d]`); `seed` picks the vantage points.
    public init(_ points: Tensor, seed: UInt64 = 1) {
        precondition(points.rank == 2, "VPTree: points must be [n, d], got \(points.shape)")
        self.points = points
        dimension = points.shape[1]
        let n = points.shape[0]
        var items = (0..<n).map(Int32.init)
        var dist = [Float](repeating: 0, count: n)
        var rng = RandomGenerator(seed: seed)
        nodes.reserveCapacity(n)
        root = build(&items, &dist, 0, n, &rng)
    }

    private func distance(_ a: UnsafePointer<Float>, _ b: Int) -> Float {
        let pb = points.unsafeBaseAddress + b * dimension
        var s: Float = 0
        for j in 0..<dimension {
            let t = a[j] - pb[j]
            s += t * t
        }
        return s.squareRoot()
    }

    private mutating func build(_ items: inout [Int32], _ dist: inout [Float], _ lo: Int, _ hi: Int,
                                _ rng: inout RandomGenerator) -> Int32 {
        if lo >= hi { return -1 }
        let pick = lo + rng.nextInt(below: hi - lo)
        items.swapAt(lo, pick)
        let vantage = Int(items[lo])
        let index = Int32(nodes.count)
        nodes.append(Node(point: Int32(vantage), radius: 0, inside: -1, outside: -1))
        if hi - lo == 1 { return index }
        let vp = points.unsafeBaseAddress + vantage * dimension
        for i in (lo + 1)..<hi { dist[i] = distance(vp, Int(items[i])) }
        let mid = (lo + 1 + hi) / 2
        VPTree.select(&items, &dist, lo + 1, hi, mid)
        nodes[Int(index)].radius = dist[mid]
        let inside = build(&items, &dist, lo + 1, mid, &rng)
        let outside = build(&items, &dist, mid, hi, &rng)
        nodes[Int(index)].inside = inside
        nodes[Int(index)].outside = outside
        return index
    }

    /// Quickselect on `dist[lo..<hi]` (carrying `items`) so position `nth` holds its order statistic.
    private static func select(_ items: inout [Int32], _ dist: inout [Float], _ lo: Int, _ hi: Int, _ nth: Int) {
        var lo = lo, hi = hi - 1
        while lo < hi {
            let pivot = dist[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while dist[i] < pivot { i += 1 }
                while dist[j] > pivot { j -= 1 }
                if i <= j {
                    dist.swapAt(i, j); items.swapAt(i, j)
                    i += 1; j -= 1
                }
            }
            if nth <= j { hi = j } else if nth >= i { lo = i } else { return }
        }
    }

    /// The `k` nearest tree points of every tree point, excluding the point itself.
    public func neighbors(k: Int) -> NeighborList {
        search(queries: points, k: k, excludeSelf: true)
    }

    /// The `k` nearest tree points of each row of `queries` (`[m, d]`).
    public func neighbors(of queries: Tensor, k: Int) -> NeighborList {
        precondition(queries.rank == 2 && queries.shape[1] == dimension,
                     "VPTree: queries of shape \(queries.shape) do not have \(dimension) features")
        return search(queries: queries, k: k, excludeSelf: false)
    }

    private func search(queries: Tensor, k: Int, excludeSelf: Bool) -> NeighborList {
        let m = queries.shape[0], n = points.shape[0]
        let k = Swift.min(k, n - (excludeSelf ? 1 : 0))
        precondition(k >= 1, "VPTree: k must be at least 1 with \(n) points")
        var indices = [Int32](repeating: 0, count: m * k)
        var distances = [Float](repeating: 0, count: m * k)
        let q = UncheckedBox(queries.unsafeBaseAddress)
        indices.withUnsafeMutableBufferPointer { ip in
            distances.withUnsafeMutableBufferPointer { dp in
                let out = UncheckedBox((ip.baseAddress!, dp.baseAddress!))
                parallelChunks(m, chunks: m >= 256 ? Threads.count : 1) { _, range in
                    var heapD = [Float](repeating: 0, count: k)
                    var heapI = [Int32](repeating: 0, count: k)
                    var stack: [Int32] = []
                    for i in range {
                        var size = 0
                        heapD.withUnsafeMutableBufferPointer { hd in
                            heapI.withUnsafeMutableBufferPointer { hi in
                                query(q.value + i * dimension, skip: excludeSelf ? i : -1, k: k, hd.baseAddress!,
                                      hi.baseAddress!, &size, &stack)
                            }
                        }
                        var pairs = (0..<k).map { (heapD[$0], heapI[$0]) }
                        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                        for (j, p) in pairs.enumerated() {
                            out.value.0[i * k + j] = p.1
                            out.value.1[i * k + j] = p.0 * p.0
                        }
                    }
                }
            }
        }
        return NeighborList(k: k, indices: indices, distances: distances)
    }

    private func query(_ q: UnsafePointer<Float>, skip: Int, k: Int, _ hd: UnsafeMutablePointer<Float>,
                       _ hi: UnsafeMutablePointer<Int32>, _ size: inout Int, _ stack: inout [Int32]) {
        stack.removeAll(keepingCapacity: true)
        if root >= 0 { stack.append(root) }
        nodes.withUnsafeBufferPointer { nodes in
            while let top = stack.popLast() {
                let node = nodes[Int(top)]
                let dist = distance(q, Int(node.point))
                if Int(node.point) != skip {
                    if size < k {
                        NearestNeighbors.heapPush(hd, hi, &size, dist, node.point)
                    } else if dist < hd[0] {
                        NearestNeighbors.heapReplaceTop(hd, hi, k, dist, node.point)
                    }
                }
                let tau = size < k ? Float.infinity : hd[0]
                // Push the far side first so the near side is searched first (LIFO).
                if dist < node.radius {
                    if node.outside >= 0 && dist + tau >= node.radius { stack.append(node.outside) }
                    if node.inside >= 0 && dist - tau <= node.radius { stack.append(node.inside) }
                } else {
                    if node.inside >= 0 && dist - tau <= node.radius { stack.append(node.inside) }
                    if node.outside >= 0 && dist + tau >= node.radius { stack.append(node.outside) }
                }
            }
        }
    }
}
