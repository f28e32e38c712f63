import LatentTensor
import Testing

/// Checks an op's backward pass against central finite differences.
///
/// The op's output is projected onto fixed random weights `r` to give a scalar L = Σ r ⊙ f(x), so
/// every output element contributes. For each element of each input, (L(x + ε) − L(x − ε)) / 2ε
/// must match the analytic gradient within `tolerance` (relative to the larger magnitude, with
/// an absolute floor), in float32. `scale` multiplies the numeric side, for ops whose backward is
/// deliberately not their derivative (gradient reversal).
func checkGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2, scale: Float = 1,
                    sourceLocation: SourceLocation = #_sourceLocation,
                    _ op: ([Variable]) -> Variable) {
    var rng = RandomGenerator(seed: 99)
    let vars = inputs.map { Variable($0, requiresGrad: true) }
    let out = op(vars)
    let r = Tensor.uniform(out.shape, low: -1, high: 1, using: &rng)
    (out * Variable(r)).sum().backward()
    func loss(_ xs: [Tensor]) -> Double {
        withoutGradients {
            let y = op(xs.map { Variable($0) }).value
            return zip(y.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
    }
    for (k, v) in vars.enumerated() {
        let analytic = v.grad ?? Tensor(shape: v.shape)
        #expect(analytic.shape == v.shape, "gradient shape of input \(k)", sourceLocation: sourceLocation)
        var worst: Float = 0
        for i in 0..<inputs[k].count {
            var plus = inputs, minus = inputs
            plus[k].withUnsafeMutableBufferPointer { $0[i] += epsilon }
            minus[k].withUnsafeMutableBufferPointer { $0[i] -= epsilon }
            let numeric = scale * Float((loss(plus) - loss(minus)) / Double(2 * epsilon))
            let a = analytic.scalars[i]
            let err = Swift.abs(numeric - a) / Swift.max(1, Swift.abs(numeric), Swift.abs(a))
            worst = Swift.max(worst, err)
        }
        #expect(worst < tolerance, "input \(k): worst relative gradient error \(worst)", sourceLocation: sourceLocation)
    }
}

/// Random values in ±[0.2, 1]: away from the kinks of relu, |x| and friends.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: 0.2, high: 1, using: &rng)
        * Tensor.bernoulli(shape, probability: 0.5, using: &rng).map { $0 * 2 - 1 }
}

func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, using: &rng)
}
