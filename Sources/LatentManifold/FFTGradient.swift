import CLatentFFTW
import Foundation
import LatentTensor
import Synchronization

/// FFT-accelerated interpolation t-SNE (Linderman et al. 2019, "FIt-SNE"), for 2-d embeddings.
///
/// The repulsive sums `Σ_j K(y_i, y_j)·c_j` are smooth in `y_i`, so they are evaluated on a
/// regular grid and interpolated back:
/// 1. the bounding square is cut into `b × b` boxes (`b ≥ minIntervals`, about one box per
///    unit of embedding, rounded up to a size with factors 2, 3 and 5 only, which FFTW likes),
///    each holding `p × p` equispaced nodes (p = `interpolationPoints`, 3 by default);
/// 2. every point spreads its charges onto the p² nodes of its box with Lagrange weights;
/// 3. the node-to-node sums are a discrete convolution with the kernel sampled on the grid
///    (Toeplitz, embedded in a circulant of twice the size), done by FFT in O(N² log N);
/// 4. the potentials are interpolated back to the points with the same weights.
///
/// Charges 1, y_x, y_y under `K² = 1/(1+r²)²` give `Σ_j w_ij²(y_i − y_j)`; charge 1 under
/// `K = 1/(1+r²)` gives `Z` directly (no cancellation-prone expansion, which matters in single
/// precision). Cost per evaluation: O(n·p²) for the interpolation plus the FFTs, whose size depends
/// on the embedding's extent, not on n.
public final class FFTGradient: GradientBackend {
    /// Interpolation nodes per box and axis.
    public let interpolationPoints: Int
    /// Minimum number of boxes per axis.
    public let minIntervals: Int
    /// Boxes per unit of embedding extent.
    public let intervalsPerUnit: Double

    private var gridSize = 0          // N = boxes × p nodes per axis
    private var forward: fftwf_plan?
    private var backward: fftwf_plan?
    private var realBuffers: [UnsafeMutablePointer<Float>] = []
    private var complexBuffers: [UnsafeMutablePointer<fftwf_complex>] = []
    private var repulsive: [Float] = []
    private var potentials: [Float] = []
    private var weights: [Float] = []       // per point: p x-weights then p y-weights
    private var boxes: [Int32] = []         // per point: node index of its box's first node (x, y)

    /// A backend with openTSNE's defaults (3 points, at least 50 boxes, one box per unit).
    public init(interpolationPoints: Int = 3, minIntervals: Int = 50, intervalsPerUnit: Double = 1) {
        self.interpolationPoints = Swift.max(2, interpolationPoints)
        self.minIntervals = Swift.max(1, minIntervals)
        self.intervalsPerUnit = intervalsPerUnit
    }

    deinit { release() }

    /// Serialises FFTW's planner: only `fftwf_execute` is thread-safe, and two embeddings planned
    /// at once (parallel tests, or a server embedding for two clients) corrupted its state: a
    /// planning call returned no plan.
    private static let planner = Mutex<Void>(())

    private func release() {
        let plans = UncheckedBox((forward, backward))
        Self.planner.withLock { _ in
            if let forward = plans.value.0 { fftwf_destroy_plan(forward) }
            if let backward = plans.value.1 { fftwf_destroy_plan(backward) }
        }
        for b in realBuffers { fftwf_free(b) }
        for b in complexBuffers { fftwf_free(b) }
        forward = nil
        backward = nil
        realBuffers = []
        complexBuffers = []
    }

    /// The smallest integer ≥ `n` with no prime factor above 5.
    static func smooth(_ n: Int) -> Int {
        var m = Swift.max(1, n)
        while true {
            var r = m
            for f in [2, 3, 5] { while r % f == 0 { r /= f } }
            if r == 1 { return m }
            m += 1
        }
    }

    /// Plans the transforms and allocates buffers for an `N × N` node grid (padded to `2N × 2N`).
    private func prepare(grid n: Int) {
        if n == gridSize { return }
        release()
        gridSize = n
        let side = 2 * n, realCount = side * side, complexCount = side * (n + 1)
        // Real: 3 charge grids (reused for the 4 potentials) and 2 kernels. Complex: 3 charges, 2 kernels, 4 products.
        realBuffers = (0..<5).map { _ in fftwf_alloc_real(realCount)! }
        complexBuffers = (0..<9).map { _ in fftwf_alloc_complex(complexCount)! }
        let buffers = UncheckedBox((realBuffers, complexBuffers))
        let plans = Self.planner.withLock { _ in
            let (reals, complexes) = buffers.value
            return UncheckedBox((fftwf_plan_dft_r2c_2d(Int32(side), Int32(side), reals[0], complexes[0], UInt32(FFTW_ESTIMATE)),
                                 fftwf_plan_dft_c2r_2d(Int32(side), Int32(side), complexes[5], reals[0], UInt32(FFTW_ESTIMATE))))
        }
        (forward, backward) = plans.value
    }

    public func evaluate(_ y: UnsafePointer<Float>, count n: Int, dimension dim: Int, affinities: Affinities,
                         exaggeration: Float, gradient: UnsafeMutablePointer<Float>, computeKL: Bool) -> Double {
        precondition(dim == 2, "FFTGradient: only 2-d embeddings (got \(dim)); use Barnes-Hut for 3-d")
        let logW = TSNEKernels.attractive(y, dimension: 2, affinities: affinities, into: gradient, wantLog: computeKL)
        let z = repulsion(y, count: n)
        repulsive.withUnsafeBufferPointer { rp in
            TSNEKernels.combine(gradient, repulsive: rp.baseAddress!, count: n * 2, exaggeration: exaggeration, z: z)
        }
        return computeKL ? affinities.entropyTerm - logW + log(z) : .nan
    }

    /// Fills `repulsive` with `Σ_j w_ij² (y_i − y_j)` and returns `Z = Σ_{i≠j} w_ij`.
    private func repulsion(_ y: UnsafePointer<Float>, count n: Int) -> Double {
        let p = interpolationPoints
        // Bounding square, centred at the origin of the local frame (keeps charges small).
        var lo = Float.infinity, hi = -Float.infinity
        var mean0 = 0.0, mean1 = 0.0
        for i in 0..<n {
            lo = Swift.min(lo, y[2 * i], y[2 * i + 1])
            hi = Swift.max(hi, y[2 * i], y[2 * i + 1])
            mean0 += Double(y[2 * i]); mean1 += Double(y[2 * i + 1])
        }
        let span = Swift.max(hi - lo, 1e-6)
        let boxesWanted = Swift.max(minIntervals, Int((Double(span) * intervalsPerUnit).rounded(.up)))
        let b = FFTGradient.smooth(boxesWanted)
        let boxWidth = span / Float(b)
        let grid = b * p
        prepare(grid: grid)
        let spacing = boxWidth / Float(p)
        let side = 2 * grid
        let c0 = Float(mean0 / Double(n)), c1 = Float(mean1 / Double(n))

        // 1. Interpolation weights and boxes of every point.
        if weights.count != n * 2 * p { weights = [Float](repeating: 0, count: n * 2 * p) }
        if boxes.count != n * 2 { boxes = [Int32](repeating: 0, count: n * 2) }
        // Node positions inside a box, in box units: (l + 1/2)/p; Lagrange denominators.
        let nodes = (0..<p).map { (Float($0) + 0.5) / Float(p) }
        let denominators = (0..<p).map { l in (0..<p).filter { $0 != l }.reduce(Float(1)) { $0 * (nodes[l] - nodes[$1]) } }
        weights.withUnsafeMutableBufferPointer { wp in
            boxes.withUnsafeMutableBufferPointer { bp in
                let box = UncheckedBox((wp.baseAddress!, bp.baseAddress!))
                parallelChunks(n, chunks: n >= 4096 ? Threads.count : 1) { _, range in
                    let (w, bx) = box.value
                    for i in range {
                        for a in 0..<2 {
                            let u = (y[2 * i + a] - lo) / boxWidth
                            let k = Swift.min(b - 1, Swift.max(0, Int(u)))
                            let t = u - Float(k)
                            bx[2 * i + a] = Int32(k * p)
                            for l in 0..<p {
                                var num: Float = 1
                                for m in 0..<p where m != l { num *= t - nodes[m] }
                                w[(2 * i + a) * p + l] = num / denominators[l]
                            }
                        }
                    }
                }
            }
        }

        // 2. Spread charges 1, y_x, y_y (relative to the mean) onto the padded grids.
        let charges = Array(realBuffers[0..<3])
        for c in charges { c.update(repeating: 0, count: side * side) }
        for i in 0..<n {
            let q1 = y[2 * i] - c0, q2 = y[2 * i + 1] - c1
            let gx = Int(boxes[2 * i]), gy = Int(boxes[2 * i + 1])
            for l in 0..<p {
                let wx = weights[(2 * i) * p + l]
                let row = (gx + l) * side + gy
                for m in 0..<p {
                    let wxy = wx * weights[(2 * i + 1) * p + m]
                    charges[0][row + m] += wxy
                    charges[1][row + m] += wxy * q1
                    charges[2][row + m] += wxy * q2
                }
            }
        }

        // 3. Kernels sampled on the circulant grid: offsets 0…N−1, then −N…−1.
        let kernel2 = realBuffers[3], kernel1 = realBuffers[4]
        for a in 0..<side {
            let oa = Float(a < grid ? a : a - side) * spacing
            for c in 0..<side {
                let oc = Float(c < grid ? c : c - side) * spacing
                let k = 1 / (1 + oa * oa + oc * oc)
                kernel1[a * side + c] = k
                kernel2[a * side + c] = k * k
            }
        }
        let complexCount = side * (grid + 1)
        let scale = 1 / Float(side * side)
        let plans = UncheckedBox((forward!, backward!, realBuffers, complexBuffers))
        // Forward transforms of the 3 charges and 2 kernels, spread over the threads.
        parallelChunks(5, chunks: Threads.count) { _, range in
            let (fwd, _, reals, complexes) = plans.value
            for t in range { fftwf_execute_dft_r2c(fwd, reals[t], complexes[t]) }
        }
        // Products: K²·1, K²·y_x, K²·y_y, K·1 → inverse transforms into the real buffers 0…3.
        let products = [(3, 0), (3, 1), (3, 2), (4, 0)]
        parallelChunks(4, chunks: Threads.count) { _, range in
            let (_, bwd, reals, complexes) = plans.value
            for t in range {
                let (kern, charge) = products[t]
                let kc = UnsafeMutableRawPointer(complexes[kern]).assumingMemoryBound(to: Float.self)
                let cc = UnsafeMutableRawPointer(complexes[charge]).assumingMemoryBound(to: Float.self)
                let out = UnsafeMutableRawPointer(complexes[5 + t]).assumingMemoryBound(to: Float.self)
                for e in 0..<complexCount {
                    let kr = kc[2 * e], ki = kc[2 * e + 1], cr = cc[2 * e], ci = cc[2 * e + 1]
                    out[2 * e] = (kr * cr - ki * ci) * scale
                    out[2 * e + 1] = (kr * ci + ki * cr) * scale
                }
                fftwf_execute_dft_c2r(bwd, complexes[5 + t], reals[t])
            }
        }

        // 4. Interpolate the potentials back to the points.
        if repulsive.count != n * 2 { repulsive = [Float](repeating: 0, count: n * 2) }
        let threads = n >= 4096 ? Threads.count : 1
        var zParts = [Double](repeating: 0, count: threads)
        let pot = UncheckedBox((realBuffers[0], realBuffers[1], realBuffers[2], realBuffers[3]))
        weights.withUnsafeBufferPointer { wp in
            boxes.withUnsafeBufferPointer { bp in
                repulsive.withUnsafeMutableBufferPointer { rp in
                    zParts.withUnsafeMutableBufferPointer { zp in
                        let box = UncheckedBox((wp.baseAddress!, bp.baseAddress!, rp.baseAddress!, zp.baseAddress!))
                        parallelChunks(n, chunks: threads) { c, range in
                            let (w, bx, rep, zs) = box.value
                            let (phi0, phi1, phi2, psi) = pot.value
                            var z = 0.0
                            for i in range {
                                let gx = Int(bx[2 * i]), gy = Int(bx[2 * i + 1])
                                var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                                for l in 0..<p {
                                    let wx = w[(2 * i) * p + l]
                                    let row = (gx + l) * side + gy
                                    for m in 0..<p {
                                        let wxy = wx * w[(2 * i + 1) * p + m]
                                        s0 += wxy * phi0[row + m]
                                        s1 += wxy * phi1[row + m]
                                        s2 += wxy * phi2[row + m]
                                        s3 += wxy * psi[row + m]
                                    }
                                }
                                let q1 = y[2 * i] - c0, q2 = y[2 * i + 1] - c1
                                rep[2 * i] = q1 * s0 - s1
                                rep[2 * i + 1] = q2 * s0 - s2
                                z += Double(s3) - 1
                            }
                            zs[c] = z
                        }
                    }
                }
            }
        }
        return zParts.reduce(0, +)
    }
}
