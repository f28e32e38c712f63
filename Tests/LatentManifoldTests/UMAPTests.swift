import Foundation
import LatentIO
import LatentTensor
import Testing
@testable import LatentManifold

/// The shipped MNIST test digits (Data/mnist): the first `count` as PCA 50 features, and labels.
func mnistDigits(_ count: Int) throws -> (Tensor, [Int]) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let (images, labels) = try MNIST.load(directory: root.appendingPathComponent("Data/mnist").path, split: .test)
    let x = images.rows(0..<count)
    return (try PCA.fit(x, config: .init(components: 50)).transform(x), Array(labels.prefix(count)))
}

@Suite struct UMAPStageTests {
    /// Every row's memberships sum to log₂ k, and its nearest neighbour gets membership 1.
    @Test func smoothDistancesMeetTheirTarget() throws {
        let (x, _) = blobs(count: 400, dim: 10, clusters: 4, seed: 3)
        let neighbors = NearestNeighbors.exact(x, k: 14)
        let d = neighbors.distances.map { $0.squareRoot() }
        let bw = FuzzySimplicialSet.smoothDistances(d, count: 400, neighbors: 14, target: 15)
        let w = FuzzySimplicialSet.memberships(d, count: 400, neighbors: 14, bandwidths: bw)
        for i in 0..<400 {
            #expect(bw.rho[i] == d[i * 14], "row \(i): ρ is the nearest distance")
            #expect(w[i * 14] == 1)
            let sum = (0..<14).reduce(0.0) { $0 + Double(w[i * 14 + $1]) }
            #expect(abs(sum - log2(15)) < 1e-3, "row \(i): Σ w = \(sum)")
        }
    }

    /// W ⊕ Wᵀ is symmetric, in (0, 1], and a pair joined both ways gets a + b − ab.
    @Test func fuzzyUnionIsSymmetric() throws {
        let (x, _) = blobs(count: 300, dim: 6, clusters: 3, seed: 4)
        let graph = FuzzySimplicialSet.fromNeighbors(NearestNeighbors.exact(x, k: 9), nNeighbors: 10) { $0.squareRoot() }
        for i in 0..<300 {
            for e in graph.rowStart[i]..<graph.rowStart[i + 1] {
                let j = Int(graph.columns[e])
                #expect(j != i)
                #expect(graph.values[e] > 0 && graph.values[e] <= 1)
                #expect(graph.weight(j, i) == graph.values[e], "(\(i), \(j)) vs (\(j), \(i))")
            }
        }
        // Three points: 0 → 1 at 0.5, 1 → 0 at 0.4, 2 → 0 at 0.3.
        let tiny = FuzzySimplicialSet.union(count: 3, neighbors: [1, 0, 0], perRow: 1, weights: [0.5, 0.4, 0.3])
        #expect(abs(tiny.weight(0, 1) - 0.7) < 1e-6 && abs(tiny.weight(1, 0) - 0.7) < 1e-6)
        #expect(tiny.weight(0, 2) == 0.3 && tiny.weight(2, 0) == 0.3 && tiny.weight(1, 2) == 0)
    }

    /// umap-learn's `find_ab_params` (scipy curve_fit) for four settings, to 1e-3.
    @Test(arguments: [(0.1, 1.0, 1.5769434602697652, 0.8950608778515733),
                      (0.0, 1.0, 1.93280839734315, 0.7904949732233831),
                      (0.5, 2.0, 0.2588787412869628, 1.0574996994409025),
                      (0.25, 0.5, 3.70629020242107, 1.3341672468456258)])
    func curveMatchesUmapLearn(minDist: Double, spread: Double, a: Double, b: Double) {
        let fit = UMAP.fitCurve(minDist: minDist, spread: spread)
        #expect(abs(fit.a - a) / a < 1e-3, "a = \(fit.a), umap-learn \(a)")
        #expect(abs(fit.b - b) / b < 1e-3, "b = \(fit.b), umap-learn \(b)")
    }

    /// Two dense groups joined by one weak edge: the first spectral coordinate splits them.
    @Test func spectralInitSeparatesTwoClusters() throws {
        let size = 25, n = 2 * size
        var neighbors: [Int32] = [], weights: [Float] = []
        let perRow = size
        var rng = RandomGenerator(seed: 5)
        for i in 0..<n {
            let group = i / size
            var row: [Int32] = [], w: [Float] = []
            for j in group * size..<(group + 1) * size where j != i {
                row.append(Int32(j)); w.append(0.5 + 0.5 * rng.nextFloat())
            }
            // The bridge: point 0 ↔ point `size`, weakly.
            if i == 0 { row.append(Int32(size)); w.append(0.05) } else { row.append(Int32(i)); w.append(0) }
            neighbors += row
            weights += w
        }
        let graph = FuzzySimplicialSet.union(count: n, neighbors: neighbors, perRow: perRow, weights: weights)
        #expect(SpectralLayout.components(graph).count == 1)
        let y = try #require(SpectralLayout.embed(graph, dimensions: 2, seed: 1))
        let first = (0..<size).map { y[$0 * 2] }, second = (size..<n).map { y[$0 * 2] }
        let separated = (first.allSatisfy { $0 > 0 } && second.allSatisfy { $0 < 0 })
            || (first.allSatisfy { $0 < 0 } && second.allSatisfy { $0 > 0 })
        #expect(separated, "first coordinates \(first) vs \(second)")
        // Disconnected: no spectral layout (UMAP then starts at random).
        let apart = FuzzySimplicialSet.union(count: n, neighbors: neighbors, perRow: perRow,
                                             weights: weights.enumerated().map { $0.offset == size - 1 ? 0 : $0.element })
        #expect(SpectralLayout.components(apart).count == 2)
        #expect(SpectralLayout.embed(apart, dimensions: 2, seed: 1) == nil)
    }

    /// Nearest-neighbour descent finds ≥ 95 % of the exact 14 nearest neighbours of 3,000 digits.
    @Test func nnDescentRecall() throws {
        let (x, _) = try mnistDigits(3000)
        let exact = NearestNeighbors.exact(x, k: 14), approx = NNDescent.neighbors(x, k: 14, seed: 2)
        var found = 0
        for i in 0..<3000 {
            let truth = Set(exact.indices[i * 14..<(i + 1) * 14])
            found += approx.indices[i * 14..<(i + 1) * 14].filter { truth.contains($0) }.count
        }
        let recall = Double(found) / Double(3000 * 14)
        #expect(recall > 0.95, "recall \(recall)")
    }
}

@Suite struct UMAPTests {
    /// 3,000 MNIST test digits (PCA 50): digits of one class stay together (10-NN accuracy in
    /// 2-d ≥ 0.87; umap-learn 0.5.12 gets 0.892 and 0.896 on these digits with seeds 1 and 2)
    /// and embedding neighbours are data neighbours (trustworthiness ≥ 0.90).
    @Test func embedsDigits() throws {
        let (x, labels) = try mnistDigits(3000)
        let embedding = try UMAP.fit(x, config: .init())
        #expect(embedding.initializationUsed == .spectral)
        let y = embedding.coordinates
        let accuracy = try EmbeddingQuality.knnAccuracy(y, labels: labels, k: 10)
        let trust = try EmbeddingQuality.trustworthinessAndContinuity(data: x.rows(0..<1500), embedding: y.rows(0..<1500), k: 10)
        #expect(accuracy >= 0.87, "10-NN accuracy \(accuracy)")
        #expect(trust.trustworthiness >= 0.90, "trustworthiness \(trust.trustworthiness)")
    }

    /// `transform` puts 1,000 held-out digits among training digits of their class: a 10-NN
    /// vote over the training layout gets ≥ 85 % of them right.
    @Test func transformPlacesNewPointsNearTheirClass() throws {
        let (all, labels) = try mnistDigits(3500)
        let train = all.rows(0..<2500), test = all.rows(2500..<3500)
        var config = UMAP.Config()
        config.nEpochs = 200
        let embedding = try UMAP.fit(train, config: config)
        let placed = try embedding.transform(test)
        #expect(placed.shape == [1000, 2])
        let near = NearestNeighbors.exact(queries: placed, reference: embedding.coordinates, k: 10)
        var correct = 0
        for i in 0..<1000 {
            var votes = [Int](repeating: 0, count: 10)
            for e in i * 10..<(i + 1) * 10 { votes[labels[Int(near.indices[e])]] += 1 }
            if votes.firstIndex(of: votes.max() ?? 0) == labels[2500 + i] { correct += 1 }
        }
        #expect(Double(correct) / 1000 >= 0.85, "\(correct) of 1000 held-out digits placed among their class")
    }

    /// Same seed → the same coordinates; another seed → others. Cosine runs as well.
    @Test func sameSeedSameNumbers() throws {
        let (x, _) = blobs(count: 600, dim: 12, clusters: 5, seed: 6)
        var config = UMAP.Config()
        config.nEpochs = 60
        let a = try UMAP.fit(x, config: config).positions, b = try UMAP.fit(x, config: config).positions
        #expect(a == b)
        config.seed = 2
        #expect(try UMAP.fit(x, config: config).positions != a)
        config.metric = .cosine
        config.neighborSearch = .nndescent
        let c = try UMAP.fit(x, config: config).positions, d = try UMAP.fit(x, config: config).positions
        #expect(c == d)
    }

    /// Bad input: one line naming the problem.
    @Test func refusesBadInput() throws {
        let (x, _) = blobs(count: 20, dim: 3, clusters: 2, seed: 7)
        var config = UMAP.Config()
        config.nNeighbors = 20
        #expect(throws: ManifoldError.invalidConfig("n_neighbors (20) must be smaller than the number of points (20)")) {
            try UMAP.fit(x, config: config)
        }
        config.nNeighbors = 1
        #expect(throws: ManifoldError.invalidConfig("n_neighbors must be at least 2, got 1")) { try UMAP.fit(x, config: config) }
        config = UMAP.Config(minDist: 2, spread: 1)
        #expect(throws: ManifoldError.invalidConfig("min_dist (2.0) must not exceed spread (1.0)")) { try UMAP.fit(x, config: config) }
        var bad = x
        bad.withUnsafeMutableBufferPointer { $0[7] = .nan }
        #expect(throws: ManifoldError.invalidData("UMAP input has a non-finite value (nan) at row 2, column 1")) {
            try UMAP.fit(bad, config: .init())
        }
        var zero = x
        zero.withUnsafeMutableBufferPointer { p in for j in 0..<3 { p[3 * 3 + j] = 0 } }
        #expect(throws: ManifoldError.invalidData("UMAP input row 3 is all zeros: its cosine distance is undefined")) {
            try UMAP.fit(zero, config: .init(metric: .cosine))
        }
    }
}
