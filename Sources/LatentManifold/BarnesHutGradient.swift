import Foundation
import LatentTensor

/// Barnes-Hut t-SNE (van der Maaten 2014): the repulsion of a distant group of points is that
/// of their centre of mass, found in a space-partitioning tree (quadtree in 2-d, octree in 3-d;
/// any dimension works, with 2^d children per cell). A cell of width `w` at distance `r` from
/// the point is summarised when `w / r < θ`; θ = 0 is exact, 0.5 the usual trade-off.
/// O(n log n) per evaluation; the tree is rebuilt every call and queried in parallel.
public struct BarnesHutGradient: GradientBackend {
    /// The accuracy/speed trade-off θ.
    public var theta: Float
    private var tree = SpaceTree()
    private var repulsive: [Float] = []

    /// A backend with the given θ (0.5 by default, as in bhtsne, scikit-learn and openTSNE).
    public init(theta: Float = 0.5) { self.theta = theta }

    public mutating func evaluate(_ y: UnsafePointer<Float>, count n: Int, dimension dim: Int, affinities: Affinities,
                                  exaggeration: Float, gradient: UnsafeMutablePointer<Float>, computeKL: Bool) -> Double {
        let logW = TSNEKernels.attractive(y, dimension: dim, affinities: affinities, into: gradient, wantLog: computeKL)
        tree.build(y, count: n, dimension: dim)
        if repulsive.count != n * dim { repulsive = [Float](repeating: 0, count: n * dim) }
        let threads = n >= 512 ? Threads.count : 1
        var zParts = [Double](repeating: 0, count: threads)
        let yb = UncheckedBox(y)
        let theta2 = theta * theta
        let tree = self.tree
        repulsive.withUnsafeMutableBufferPointer { rp in
            zParts.withUnsafeMutableBufferPointer { zp in
                let box = UncheckedBox((rp.baseAddress!, zp.baseAddress!))
                parallelChunks(n, chunks: threads) { c, range in
                    let (rep, zs) = box.value
                    var stack: [Int32] = []
                    var z = 0.0
                    for i in range {
                        // Every point lies in exactly one summarised cell or leaf; its own
                        // contribution there is w = 1 with zero force, removed by the − 1.
                        z += tree.repulsion(of: yb.value + i * dim, theta2: theta2, into: rep + i * dim, stack: &stack) - 1
                    }
                    zs[c] = z
                }
            }
        }
        let z = zParts.reduce(0, +)
        repulsive.withUnsafeBufferPointer { rp in
            TSNEKernels.combine(gradient, repulsive: rp.baseAddress!, count: n * dim, exaggeration: exaggeration, z: z)
        }
        return computeKL ? affinities.entropyTerm - logW + log(z) : .nan
    }
}

/// A 2^d-ary space-partitioning tree over points, in flat arrays (no per-node allocation), with
/// each cell's point count and centre of mass.
struct SpaceTree: @unchecked Sendable {
    var dimension = 0
    var fanout = 0
    /// Per node: cell centre and centre of mass (`dimension` each), half width, count, first child (−1 = leaf).
    var center: [Float] = []
    var mass: [Float] = []
    var halfWidth: [Float] = []
    var count: [Int32] = []
    var firstChild: [Int32] = []
    var nodeCount = 0

    mutating func build(_ y: UnsafePointer<Float>, count n: Int, dimension dim: Int) {
        dimension = dim
        fanout = 1 << dim
        nodeCount = 0
        var lo = [Float](repeating: .infinity, count: dim), hi = [Float](repeating: -.infinity, count: dim)
        for i in 0..<n {
            for a in 0..<dim {
                lo[a] = Swift.min(lo[a], y[i * dim + a])
                hi[a] = Swift.max(hi[a], y[i * dim + a])
            }
        }
        var width: Float = 0
        for a in 0..<dim { width = Swift.max(width, hi[a] - lo[a]) }
        let root = newNode(center: (0..<dim).map { (lo[$0] + hi[$0]) / 2 }, half: Swift.max(width, 1e-5) / 2 * 1.0001)
        for i in 0..<n { insert(y + i * dim, into: root) }
    }

    private mutating func newNode(center c: [Float], half: Float) -> Int {
        let index = nodeCount
        nodeCount += 1
        if center.count < nodeCount * dimension {
            let grow = Swift.max(nodeCount * 2, 64)
            center += [Float](repeating: 0, count: grow * dimension - center.count)
            mass += [Float](repeating: 0, count: grow * dimension - mass.count)
            halfWidth += [Float](repeating: 0, count: grow - halfWidth.count)
            count += [Int32](repeating: 0, count: grow - count.count)
            firstChild += [Int32](repeating: -1, count: grow - firstChild.count)
        }
        for a in 0..<dimension {
            center[index * dimension + a] = c[a]
            mass[index * dimension + a] = 0
        }
        halfWidth[index] = half
        count[index] = 0
        firstChild[index] = -1
        return index
    }

    private func quadrant(of p: UnsafePointer<Float>, node: Int) -> Int {
        var q = 0
        for a in 0..<dimension where p[a] > center[node * dimension + a] { q |= 1 << a }
        return q
    }

    private mutating func subdivide(_ node: Int) {
        let half = halfWidth[node] / 2
        var c = [Float](repeating: 0, count: dimension)
        var first = -1
        for q in 0..<fanout {
            for a in 0..<dimension {
                c[a] = center[node * dimension + a] + ((q >> a) & 1 == 1 ? half : -half)
            }
            let child = newNode(center: c, half: half)
            if first < 0 { first = child }
        }
        firstChild[node] = Int32(first)
    }

    private mutating func insert(_ p: UnsafePointer<Float>, into root: Int) {
        var node = root
        var depth = 0
        while true {
            let k = count[node]
            // Update the running centre of mass on the way down.
            count[node] = k + 1
            let inv = 1 / Float(k + 1)
            for a in 0..<dimension { mass[node * dimension + a] += (p[a] - mass[node * dimension + a]) * inv }
            if firstChild[node] < 0 {
                if k == 0 { return }
                // A leaf with points: they all sit at its centre of mass (duplicates, or too deep to split).
                var same = true
                for a in 0..<dimension where abs(mass[node * dimension + a] - p[a]) > 1e-7 * Swift.max(1, abs(p[a])) { same = false }
                if same || depth > 48 { return }
                // Push the old group down, then continue with the new point.
                var old = [Float](repeating: 0, count: dimension)
                for a in 0..<dimension { old[a] = (mass[node * dimension + a] * Float(k + 1) - p[a]) / Float(k) }
                subdivide(node)
                let child = Int(firstChild[node]) + old.withUnsafeBufferPointer { quadrant(of: $0.baseAddress!, node: node) }
                count[child] = k
                for a in 0..<dimension { mass[child * dimension + a] = old[a] }
            }
            node = Int(firstChild[node]) + quadrant(of: p, node: node)
            depth += 1
        }
    }

    /// Adds `Σ w² (y − com)·count` of every summarised cell to `force` and returns `Σ w·count`.
    func repulsion(of p: UnsafePointer<Float>, theta2: Float, into force: UnsafeMutablePointer<Float>,
                   stack: inout [Int32]) -> Double {
        let dim = dimension
        var z: Double = 0
        for a in 0..<dim { force[a] = 0 }
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        mass.withUnsafeBufferPointer { mass in
            while let top = stack.popLast() {
                let node = Int(top)
                let k = count[node]
                if k == 0 { continue }
                var d2: Float = 0
                for a in 0..<dim {
                    let t = p[a] - mass[node * dim + a]
                    d2 += t * t
                }
                let width = 2 * halfWidth[node]
                if firstChild[node] < 0 || width * width < theta2 * d2 {
                    let w = 1 / (1 + d2)
                    let kw = Float(k) * w
                    z += Double(kw)
                    let f = kw * w
                    for a in 0..<dim { force[a] += f * (p[a] - mass[node * dim + a]) }
                } else {
                    let first = firstChild[node]
                    for q in 0..<Int32(fanout) { stack.append(first + q) }
                }
            }
        }
        return z
    }
}
