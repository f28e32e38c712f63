import Foundation
import LatentIO
import LatentTensor
import Testing
@testable import LatentManifold

/// `count` points in `dim` dimensions around `clusters` well-separated centres; labels = cluster.
func blobs(count: Int, dim: Int, clusters: Int, seed: UInt64) -> (Tensor, [Int]) {
    var rng = RandomGenerator(seed: seed)
    let centres = Tensor.normal([clusters, dim], std: 6, using: &rng)
    var x = Tensor.normal([count, dim], using: &rng)
    let labels = (0..<count).map { $0 % clusters }
    x.withUnsafeMutableBufferPointer { p in
        for i in 0..<count { for a in 0..<dim { p[i * dim + a] += centres[labels[i], a] } }
    }
    return (x, labels)
}

/// Dense `[n, n]` P → sparse affinities (zero diagonal dropped).
func affinities(fromDense p: Tensor) -> Affinities {
    let n = p.shape[0]
    var rowStart = [0], cols: [Int32] = [], vals: [Float] = []
    for i in 0..<n {
        for j in 0..<n where j != i && p[i, j] > 0 { cols.append(Int32(j)); vals.append(p[i, j]) }
        rowStart.append(cols.count)
    }
    return Affinities(count: n, rowStart: rowStart, columns: cols, values: vals, perplexity: 30)
}

@Suite struct AffinityTests {
    @Test(arguments: [Affinities.Method.exact, .nearestNeighbors])
    func everyRowReachesThePerplexity(method: Affinities.Method) throws {
        let (x, _) = blobs(count: 300, dim: 8, clusters: 4, seed: 1)
        let perplexity = 20.0
        let conditional: (rowStart: [Int], columns: [Int32], values: [Float])
        if method == .exact {
            conditional = Affinities.exactConditional(x, perplexity: perplexity)
        } else {
            conditional = Affinities.calibrate(NearestNeighbors.exact(x, k: 60), perplexity: perplexity)
        }
        for i in 0..<300 {
            var entropy = 0.0, total = 0.0
            for e in conditional.rowStart[i]..<conditional.rowStart[i + 1] {
                let p = Double(conditional.values[e])
                total += p
                if p > 0 { entropy -= p * log(p) }
            }
            #expect(abs(total - 1) < 1e-4)
            #expect(abs(exp(entropy) / perplexity - 1) < 1e-3, "row \(i): perplexity \(exp(entropy))")
        }
    }

    /// scikit-learn's `_joint_probabilities` on iris (which has duplicate rows), perplexity 30.
    @Test func jointPMatchesScikitLearn() throws {
        let x = try fixture("iris_x.npy")
        let expected = try fixture("iris_P_perplexity30.npy")
        let p = try Affinities.perplexityBased(x, perplexity: 30, method: .exact).dense()
        let n = 150
        #expect(expected.shape == [n, n])
        var worst: Float = 0, largest: Float = 0, total: Double = 0
        for i in 0..<n {
            for j in 0..<n where i != j {
                worst = max(worst, abs(p[i, j] - expected[i, j]))
                largest = max(largest, expected[i, j])
                total += Double(p[i, j])
            }
        }
        #expect(worst < 1e-4 * largest, "max |ΔP| = \(worst) of max P \(largest)")
        #expect(abs(total - 1) < 1e-5)
    }

    @Test func neighbourSearchesAgree() throws {
        let (x, _) = blobs(count: 500, dim: 5, clusters: 3, seed: 2)
        let brute = NearestNeighbors.exact(x, k: 7)
        let tree = VPTree(x, seed: 3).neighbors(k: 7)
        for i in 0..<(500 * 7) { #expect(abs(brute.distances[i] - tree.distances[i]) < 1e-3 * max(1, brute.distances[i])) }
        for i in 0..<500 { #expect(!brute.indices[(i * 7)..<(i * 7 + 7)].contains(Int32(i))) }
    }
}

@Suite struct TSNEGradientTests {
    /// scikit-learn's `_kl_divergence` at a fixed Y for iris's joint P (factor 4 included).
    @Test(arguments: ["exact", "bh0", "fft"])
    func klAndGradientMatchScikitLearn(backendName: String) throws {
        let p = affinities(fromDense: try fixture("iris_P_perplexity30.npy"))
        let y = try fixture("iris_Y.npy")
        let expected = try fixture("iris_grad_at_Y.npy")
        var backend: any GradientBackend = switch backendName {
        case "exact": ExactGradient()
        case "bh0": BarnesHutGradient(theta: 0)
        default: FFTGradient(interpolationPoints: 5, minIntervals: 80)
        }
        let (kl, g) = backend.klAndGradient(y, affinities: p)
        let tolerance = backendName == "fft" ? 2e-3 : 1e-4
        #expect(abs(kl - 1.7506272707628205) < tolerance * 1.75, "\(backendName): KL \(kl)")
        let scale = expected.scalars.map { abs($0) }.max()!
        let worst = zip(g.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        #expect(Double(worst) < tolerance * 10 * Double(scale), "\(backendName): max |Δgrad| \(worst) of \(scale)")
    }

    @Test(arguments: [TSNE.Method.tsne, .sne])
    func gradientMatchesFiniteDifferences(method: TSNE.Method) throws {
        let (x, _) = blobs(count: 24, dim: 4, clusters: 3, seed: 4)
        let p = try Affinities.perplexityBased(x, perplexity: 5, method: .exact)
        var rng = RandomGenerator(seed: 5)
        var y = Tensor.normal([24, 2], std: method == .sne ? 0.7 : 2, using: &rng)
        var backend: any GradientBackend = method == .sne ? SNEGradient() : ExactGradient()
        let g = backend.klAndGradient(y, affinities: p).gradient
        let h: Float = 1e-2
        for index in stride(from: 0, to: 48, by: 5) {
            let original = y.withUnsafeBufferPointer { $0[index] }
            y.withUnsafeMutableBufferPointer { $0[index] = original + h }
            let plus = backend.klAndGradient(y, affinities: p).kl
            y.withUnsafeMutableBufferPointer { $0[index] = original - h }
            let minus = backend.klAndGradient(y, affinities: p).kl
            y.withUnsafeMutableBufferPointer { $0[index] = original }
            let numeric = (plus - minus) / Double(2 * h)
            let analytic = Double(g.withUnsafeBufferPointer { $0[index] })
            #expect(abs(numeric - analytic) < 2e-3 + 1e-2 * abs(analytic), "\(method) y[\(index)]: \(analytic) vs \(numeric)")
        }
    }

    /// Barnes-Hut (θ = 0.5) and FFT against exact at the same spread-out embedding.
    @Test func approximationsAgreeWithExact() throws {
        let (x, _) = blobs(count: 400, dim: 10, clusters: 5, seed: 6)
        let p = try Affinities.perplexityBased(x, perplexity: 20, method: .nearestNeighbors)
        let y = try PCA.fit(x, config: .init(components: 2)).transform(x)
        var exact = ExactGradient(), bh = BarnesHutGradient(theta: 0.5)
        var fft = FFTGradient()
        let reference = exact.klAndGradient(y, affinities: p)
        let norm = reference.gradient.scalars.map { Double($0 * $0) }.reduce(0, +).squareRoot()
        for (name, result) in [("bh", bh.klAndGradient(y, affinities: p)), ("fft", fft.klAndGradient(y, affinities: p))] {
            #expect(abs(result.kl - reference.kl) < 0.01 * reference.kl, "\(name): KL \(result.kl) vs \(reference.kl)")
            var err = 0.0
            for (a, b) in zip(result.gradient.scalars, reference.gradient.scalars) { err += Double((a - b) * (a - b)) }
            err = err.squareRoot()
            #expect(err < (name == "fft" ? 0.05 : 0.02) * norm, "\(name): relative gradient error \(err / norm)")
        }
        // 3-d Barnes-Hut (octree) too.
        let y3 = try PCA.fit(x, config: .init(components: 3)).transform(x)
        var bh3 = BarnesHutGradient(theta: 0.5)
        let r3 = exact.klAndGradient(y3, affinities: p), b3 = bh3.klAndGradient(y3, affinities: p)
        #expect(abs(r3.kl - b3.kl) < 0.01 * r3.kl)
    }
}

@Suite struct TSNEFitTests {
    @Test func separatesClustersAndBackendsAgree() throws {
        let (x, labels) = blobs(count: 300, dim: 10, clusters: 4, seed: 7)
        var results: [TSNE.Backend: Double] = [:]
        for backend in [TSNE.Backend.exact, .bh, .fft] {
            var config = TSNE.Config(perplexity: 20, backend: backend)
            config.affinities = .nearestNeighbors
            config.earlyIterations = 100
            config.iterations = 150
            let embedding = try TSNE.fit(x, config: config)
            results[backend] = EmbeddingQuality.exactKL(embedding.coordinates, affinities: embedding.affinities)
            let accuracy = try EmbeddingQuality.knnAccuracy(embedding.coordinates, labels: labels)
            #expect(accuracy > 0.99)
        }
        let exact = results[.exact]!
        for backend in [TSNE.Backend.bh, .fft] { #expect(abs(results[backend]! - exact) < 0.05 * exact, "\(backend): \(results)") }
    }

    @Test func badInputIsAClearError() throws {
        let (x, labels) = blobs(count: 30, dim: 3, clusters: 2, seed: 8)
        #expect(throws: ManifoldError.self) { try TSNE.fit(x, config: .init(perplexity: 10)) }      // 3·10 ≥ 30
        #expect(throws: ManifoldError.self) { try TSNE.fit(Tensor(shape: [1, 3], scalars: [1, 2, 3])) }
        var bad = x
        bad[4, 1] = .nan
        #expect(throws: ManifoldError.self) { try TSNE.fit(bad, config: .init(perplexity: 5)) }
        #expect(throws: ManifoldError.self) { try TSNE.fit(x, config: .init(dimensions: 3, perplexity: 5, backend: .fft)) }
        #expect(throws: ManifoldError.self) { try EmbeddingQuality.knnAccuracy(x, labels: Array(labels.dropLast())) }
        do {
            _ = try TSNE.fit(x, config: .init(perplexity: 10))
        } catch {
            #expect(error.description.contains("perplexity 10.0 is too large for 30 points"))
        }
    }

    @Test func duplicatePointsAreHandled() throws {
        // Ten copies of each of three points, and an all-identical set.
        let base = Tensor(shape: [3, 2], scalars: [0, 0, 5, 5, -5, 5])
        let x = base.gatherRows((0..<30).map { $0 % 3 })
        var config = TSNE.Config(perplexity: 3)
        config.earlyIterations = 50
        config.iterations = 50
        let embedding = try TSNE.fit(x, config: config)
        #expect(embedding.positions.allSatisfyFinite())
        let accuracy = try EmbeddingQuality.knnAccuracy(embedding.coordinates, labels: (0..<30).map { $0 % 3 }, k: 5)
        #expect(accuracy == 1)
        let same = Tensor(shape: [20, 4], repeating: 1)
        let flat = try TSNE.fit(same, config: config)
        #expect(flat.positions.allSatisfyFinite())
    }

    @Test func qualityMetrics() throws {
        let (x, labels) = blobs(count: 120, dim: 6, clusters: 3, seed: 9)
        // PCA of well-separated blobs: trustworthy and continuous, and classes separate.
        let y = try PCA.fit(x, config: .init(components: 2)).transform(x)
        let (t, c) = try EmbeddingQuality.trustworthinessAndContinuity(data: x, embedding: y, k: 5)
        #expect(t > 0.8 && t <= 1 && c > 0.8 && c <= 1)
        let (tSelf, cSelf) = try EmbeddingQuality.trustworthinessAndContinuity(data: x, embedding: x, k: 5)
        #expect(abs(tSelf - 1) < 1e-12 && abs(cSelf - 1) < 1e-12)
        let accuracy = try EmbeddingQuality.knnAccuracy(y, labels: labels)
        #expect(accuracy > 0.95)
        let rows = CurseOfDimensionality.meanDistances(dimensions: [2, 3, 1000], pairs: 2000)
        #expect(abs(rows[0].meanDistance - 0.52) < 0.02 && abs(rows[1].meanDistance - 0.66) < 0.02)
        #expect(abs(rows[2].meanDistance / rows[2].analytic - 1) < 0.01)
    }
}

@Suite struct TransformTests {
    /// New points from the same clusters land among their own class in the fixed embedding.
    @Test func newPointsJoinTheirClusters() throws {
        let (x, labels) = blobs(count: 400, dim: 8, clusters: 4, seed: 11)
        let train = x.rows(0..<300), test = x.rows(300..<400)
        var config = TSNE.Config(perplexity: 20, backend: .bh)
        config.affinities = .nearestNeighbors
        config.earlyIterations = 100
        config.iterations = 150
        let embedding = try TSNE.fit(train, config: config)
        let before = embedding.positions
        let placed = try embedding.transform(test)
        #expect(embedding.positions == before)
        // Classify each new point by its 10 nearest reference points in the embedding.
        let joined = Tensor.concat([embedding.coordinates, placed], axis: 0)
        let neighbors = NearestNeighbors.exact(queries: placed, reference: embedding.coordinates, k: 10)
        var correct = 0
        for i in 0..<100 {
            var votes = [Int](repeating: 0, count: 4)
            for j in 0..<10 { votes[labels[Int(neighbors.indices[i * 10 + j])]] += 1 }
            if votes.firstIndex(of: votes.max()!) == labels[300 + i] { correct += 1 }
        }
        #expect(correct >= 95, "\(correct)/100 new points among their class")
        #expect(joined.shape == [400, 2])
        #expect(throws: ManifoldError.self) { try embedding.transform(Tensor(shape: [2, 3])) }
    }
}
