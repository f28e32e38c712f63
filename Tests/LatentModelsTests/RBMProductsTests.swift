import LatentTensor
import Testing
@testable import LatentModels

/// The sparse path of an RBM update (sums of selected weight rows) against the dense GEMMs it
/// replaces: the same products up to rounding.
@Suite struct RBMProductsTests {
    static func binary(_ rows: Int, _ columns: Int, density: Float, _ rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: [rows, columns], scalars: (0..<(rows * columns)).map { _ in rng.nextFloat() < density ? 1 : 0 })
    }

    static func close(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }
    }

    @Test func sparseProductsEqualTheDenseOnes() throws {
        var rng = RandomGenerator(seed: 3)
        // 100 visible (64-, 8-column blocks and a tail), 70 hidden; biases made non-zero.
        var config = RBM.Config(visible: 100, hidden: 70, seed: 7)
        config.initialStd = 0.1
        let rbm = try RBM(config)
        rbm.hiddenBias.value = Tensor.normal([70], std: 1, using: &rng)
        rbm.visibleBias.value = Tensor.normal([100], std: 1, using: &rng)
        let products = RBMProducts(rbm)
        let v0 = Self.binary(16, 100, density: 0.15, &rng), vk = Self.binary(16, 100, density: 0.2, &rng)
        let h = Self.binary(16, 70, density: 0.4, &rng)
        let p0 = try #require(RBMProducts.sparsePattern(v0)), pk = try #require(RBMProducts.sparsePattern(vk))
        let ph = try #require(RBMProducts.sparsePattern(h))
        #expect(Self.close(products.hiddenInput(v0, pattern: p0), rbm.hiddenInput(v0)))
        #expect(Self.close(products.visibleInput(h, pattern: ph), rbm.visibleInput(h)))
        let h0 = rbm.hiddenMean(v0), hk = rbm.hiddenMean(vk)
        let sparse = products.weightStatistics(v0: v0, h0: h0, vk: vk, hk: hk, scale: 1 / 16, patterns: (p0, pk))
        let dense = products.weightStatistics(v0: v0, h0: h0, vk: vk, hk: hk, scale: 1 / 16, patterns: (nil, nil))
        #expect(Self.close(sparse, dense))
        // Probabilities are not 0/1, and a dense 0/1 matrix is not worth the sparse path.
        #expect(RBMProducts.sparsePattern(h0) == nil)
        #expect(RBMProducts.sparsePattern(Self.binary(16, 100, density: 0.9, &rng)) == nil)
    }

    @Test func hiddenMeanGivesTheProbabilitiesAndTheFreeEnergyTerm() throws {
        var rng = RandomGenerator(seed: 4)
        var config = RBM.Config(visible: 30, hidden: 21, seed: 8)
        config.initialStd = 1
        let rbm = try RBM(config)
        let v = Self.binary(5, 30, density: 0.5, &rng)
        let x = rbm.hiddenInput(v)
        let (mean, energy) = RBMProducts(rbm).hiddenMean(hiddenInput: x)
        #expect(Self.close(mean, rbm.hiddenMean(v)))
        let expected = zip(rbm.freeEnergy(v, hiddenInput: x), (0..<5).map { rbm.visibleEnergy(v.unsafeBaseAddress + $0 * 30, rows: 1) })
            .reduce(0) { $0 + $1.0 - $1.1 }
        #expect(abs(energy - expected) <= 1e-5 * abs(expected))
    }
}
