import LatentTensor
import Testing

/// Max pooling against its definition, its gradient against finite differences, and the choice
/// among ties.
@Suite struct PoolingTests {
    /// y[n, c, i, j] = max over the window at (i·s, j·s).
    static func naiveMaxPool(_ x: Tensor, kernel k: Int, stride s: Int) -> Tensor {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h - k) / s + 1, ow = (w - k) / s + 1
        var y = Tensor(shape: [n, c, oh, ow])
        y.withUnsafeMutableBufferPointer { out in
            for a in 0..<n { for ch in 0..<c { for i in 0..<oh { for j in 0..<ow {
                var best = -Float.infinity
                for u in 0..<k { for v in 0..<k { best = Swift.max(best, x[a, ch, i * s + u, j * s + v]) } }
                out[((a * c + ch) * oh + i) * ow + j] = best
            } } } }
        }
        return y
    }

    @Test(arguments: [(2, 2), (3, 2), (3, 1), (2, 3)])
    func maxPoolMatchesTheDefinition(kernel k: Int, stride s: Int) {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.normal([2, 3, 7, 6], using: &rng)
        let y = Variable.maxPool2d(Variable(x), kernelSize: k, stride: s).value
        let expected = Self.naiveMaxPool(x, kernel: k, stride: s)
        #expect(y.shape == expected.shape)
        #expect(y.scalars == expected.scalars)
    }

    @Test(arguments: [(2, 2), (3, 2), (2, 1)])
    func maxPoolGradient(kernel k: Int, stride s: Int) {
        // Distinct values spaced well beyond the finite-difference step, so no window's maximum
        // changes under ±ε (max is not differentiable at ties).
        var rng = RandomGenerator(seed: 5)
        let count = 2 * 2 * 6 * 5
        var values = (0..<count).map { Float($0) * 0.1 }
        rng.shuffle(&values)
        checkGradients([Tensor(shape: [2, 2, 6, 5], scalars: values)], epsilon: 1e-2) { v in
            Variable.maxPool2d(v[0], kernelSize: k, stride: s)
        }
    }

    @Test func tiesSendTheGradientToTheFirstMaximumOnly() {
        let x = Variable(Tensor(shape: [1, 1, 2, 2], repeating: 1), requiresGrad: true)
        Variable.maxPool2d(x, kernelSize: 2).sum().backward()
        #expect(x.grad?.scalars == [1, 0, 0, 0])
    }
}
