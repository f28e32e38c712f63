import Foundation
import LatentIO
import LatentTensor
import Testing
@testable import LatentManifold

/// Reads a fixture copied from ../shared/fixtures/tsne (made by scikit-learn).
func fixture(_ name: String) throws -> Tensor {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
    return try NPY.read(path: url.path).tensor
}

@Suite struct PCATests {
    /// sklearn's PCA(2) on iris: explained variance ratio from reference.json, components up to sign.
    @Test(arguments: [PCA.Solver.exact, .randomized])
    func matchesScikitLearnOnIris(solver: PCA.Solver) throws {
        let x = try fixture("iris_x.npy")
        let expected = try fixture("iris_pca2_components.npy")
        var config = PCA.Config(components: 2, solver: solver)
        config.powerIterations = 7
        let pca = try PCA.fit(x, config: config)
        #expect(abs(pca.explainedVarianceRatio[0] - 0.9246187118218077) < 1e-5)
        #expect(abs(pca.explainedVarianceRatio[1] - 0.05306648281462707) < 1e-5)
        for c in 0..<2 {
            var same: Float = 0, flipped: Float = 0
            for j in 0..<4 {
                same = max(same, abs(pca.components[c, j] - expected[c, j]))
                flipped = max(flipped, abs(pca.components[c, j] + expected[c, j]))
            }
            #expect(min(same, flipped) < 1e-4, "component \(c) differs from scikit-learn's")
        }
    }

    @Test func transformInverseAndWhitening() throws {
        var rng = RandomGenerator(seed: 3)
        // Rank-3 data in 6 dimensions plus an offset: 3 components reconstruct it exactly.
        let codes = Tensor.normal([200, 3], using: &rng)
        let mixing = Tensor.normal([3, 6], using: &rng)
        let x = codes.matmul(mixing) + Tensor(shape: [1, 6], scalars: [1, 2, 3, 4, 5, 6])
        let pca = try PCA.fit(x, config: .init(components: 3))
        let back = try pca.inverseTransform(pca.transform(x))
        #expect(zip(back.scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
        #expect(abs(pca.explainedVarianceRatio.reduce(0, +) - 1) < 1e-5)
        let white = try PCA.fit(x, config: .init(components: 3, whiten: true))
        let z = try white.transform(x)
        for c in 0..<3 {
            let column = (0..<200).map { Double(z[$0, c]) }
            let variance = column.map { $0 * $0 }.reduce(0, +) / 199
            #expect(abs(variance - 1) < 1e-3)
        }
        let again = try white.inverseTransform(z)
        #expect(zip(again.scalars, x.scalars).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    @Test func randomizedAgreesWithExact() throws {
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.normal([300, 40], using: &rng).matmul(Tensor.normal([40, 40], using: &rng))
        let exact = try PCA.fit(x, config: .init(components: 5, solver: .exact))
        let randomized = try PCA.fit(x, config: .init(components: 5, solver: .randomized))
        for (a, b) in zip(exact.explainedVarianceRatio, randomized.explainedVarianceRatio) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func savesAndLoads() throws {
        let x = try fixture("iris_x.npy")
        let pca = try PCA.fit(x, config: .init(components: 3, whiten: true))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pca-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try pca.save(to: path)
        let loaded = try PCA.load(path: path)
        #expect(loaded.components == pca.components)
        #expect(loaded.config == pca.config)
        #expect(try loaded.transform(x) == pca.transform(x))
        try SafeTensors.write(tensors: [("mean", pca.mean)], metadata: ["latent.kind": "classifier"], to: path)
        #expect(throws: ManifoldError.self) { try PCA.load(path: path) }
    }

    @Test func badInputIsAnError() throws {
        #expect(throws: ManifoldError.self) { try PCA.fit(Tensor(shape: [1, 3], scalars: [1, 2, 3])) }
        #expect(throws: ManifoldError.self) { try PCA.fit(Tensor(shape: [3, 2], scalars: [1, 2, .nan, 4, 5, 6])) }
        #expect(throws: ManifoldError.self) { try PCA.fit(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), config: .init(components: 3)) }
        let pca = try PCA.fit(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 7]), config: .init(components: 1))
        #expect(throws: ManifoldError.self) { try pca.transform(Tensor(shape: [2, 3])) }
    }
}
