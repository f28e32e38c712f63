import Foundation
import LatentTensor
import Testing

/// The vectorised exp/log1p behind `binaryCrossEntropyWithLogits`, checked against libm through
/// the public op, over logits from deep underflow to overflow territory.
@Suite struct VectorMathTests {
    @Test func binaryCrossEntropyMatchesTheScalarFormulaEverywhere() {
        var rng = RandomGenerator(seed: 11)
        // 8-lane blocks plus a scalar tail (1003 elements), logits from −100 to 100, exact zeros.
        var logits = (0..<1000).map { Float($0 - 500) / 5 }
        logits += [0, -0.0, 1e-8]
        let z = Tensor(shape: [logits.count], scalars: logits)
        let t = Tensor.uniform([logits.count], using: &rng)
        let x = Variable(z, requiresGrad: true)
        let loss = x.binaryCrossEntropyWithLogits(t, reduction: .sum)
        var expected = 0.0
        for (zi, ti) in zip(logits, t.scalars) {
            let (zd, td) = (Double(zi), Double(ti))
            expected += max(zd, 0) - zd * td + log1p(exp(-abs(zd)))
        }
        #expect(abs(Double(loss.value.scalar) - expected) / expected < 1e-5, "loss \(loss.value.scalar) vs \(expected)")
        loss.backward()
        let grad = x.grad!.scalars
        for (i, (zi, ti)) in zip(logits, t.scalars).enumerated() {
            let sigma = 1 / (1 + exp(-Double(zi)))
            #expect(abs(Double(grad[i]) - (sigma - Double(ti))) < 1e-6, "gradient at z = \(zi): \(grad[i]) vs \(sigma - Double(ti))")
        }
        // Per-element terms: the loss of a single logit, for values across the range.
        for zi: Float in [-87, -30, -5.5, -1, -1e-3, 0, 1e-3, 0.7, 3, 17, 60, 95] {
            let single = Variable(Tensor(shape: [8], repeating: zi)).binaryCrossEntropyWithLogits(Tensor(shape: [8], repeating: 0.25))
            let want = max(Double(zi), 0) - Double(zi) * 0.25 + log1p(exp(-abs(Double(zi))))
            #expect(abs(Double(single.value.scalar) - want) <= 2e-7 * max(1, abs(want)), "z = \(zi): \(single.value.scalar) vs \(want)")
        }
    }
}
