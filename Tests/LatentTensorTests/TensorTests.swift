@testable import LatentTensor
import Testing

@Suite struct TensorTests {
    @Test func storageIsAlignedAndCopyOnWrite() {
        var a = Tensor(shape: [5, 7], repeating: 1)
        a.withUnsafeBufferPointer { #expect(Int(bitPattern: $0.baseAddress!) % 64 == 0) }
        let b = a
        a[0, 0] = 3
        #expect(b[0, 0] == 1 && a[0, 0] == 3)
    }

    @Test func broadcastingArithmetic() {
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect((m + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((m * Tensor(shape: [2, 1], scalars: [2, 3])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]) + Tensor(shape: [3, 1], scalars: [10, 20, 30])).shape == [2, 3, 2])
        #expect(Tensor.broadcastShape([2, 3], [4]) == nil)
        #expect((m - 1).scalars == [0, 1, 2, 3, 4, 5])
    }

    @Test func reductions() {
        let m = Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(m.sum() == 21)
        #expect(m.sum(axis: 0).scalars == [5, 7, 9])
        #expect(m.sum(axis: 1, keepDims: true).shape == [2, 1])
        #expect(m.mean(axis: 1).scalars == [3, 4])
        #expect(m.max(axis: 1).scalars == [5, 6])
        #expect(m.argmax(axis: 1) == [1, 2])
        #expect(m.argmax(axis: 0) == [1, 0, 1])
        let big = Tensor(shape: [4, 2, 3], repeating: 1)
        #expect(big.sum(toShape: [2, 1]).scalars == [12, 12])
        #expect(big.sum(toShape: [3]).scalars == [8, 8, 8])
    }

    @Test func layout() {
        let t = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let p = t.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        #expect(p[3, 1, 2] == t[1, 2, 3])
        #expect(t.slice(axis: 1, 1..<3).shape == [2, 2, 4])
        #expect(t.slice(axis: 2, 2..<3).scalars == [2, 6, 10, 14, 18, 22])
        let c = Tensor.concat([t, t.slice(axis: 1, 0..<1)], axis: 1)
        #expect(c.shape == [2, 4, 4] && c[1, 3, 2] == t[1, 0, 2])
        let m = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.gatherRows([2, 2, 0]).scalars == [5, 6, 5, 6, 1, 2])
        #expect(m.scatterAddRows([1, 1, 0], rowCount: 2).scalars == [5, 6, 4, 6])
        #expect(m.transposed().scalars == [1, 3, 5, 2, 4, 6])
        #expect(m.reshaped([-1, 3]).shape == [2, 3])
    }

    /// A · Bᵀ large enough for oneDNN's matmul primitive (a linear layer's forward form), on
    /// submatrices (leading dimensions above the widths), overwriting C and adding to it:
    /// against the product in doubles; the same call twice gives the same bits.
    @Test(arguments: [0, 1] as [Float])
    func gemmWithTransposedBOnTheMatmulPrimitive(beta: Float) {
        let (m, n, k, lda, ldb, ldc) = (64, 257, 300, 310, 305, 260)
        let a = randomTensor([m, lda], seed: 60), b = randomTensor([n, ldb], seed: 61), c0 = randomTensor([m, ldc], seed: 62)
        func product() -> [Float] {
            var c = c0
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        gemm(transB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                             beta: beta, c: pc.baseAddress!, ldc: ldc)
                    }
                }
            }
            return c.scalars
        }
        let shape = DNNLMatmulShape(m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, accumulate: beta == 1,
                                    threads: Threads.blasCount)
        #expect(DNNLMatmul.primitive(for: shape) != nil, "oneDNN made no matmul primitive, so sgemm ran")
        let got = product()
        var worst: Double = 0
        for i in 0..<m {
            for j in 0..<ldc {
                var expected = Double(c0.scalars[i * ldc + j])
                if j < n {
                    expected *= Double(beta)
                    for t in 0..<k { expected += Double(a.scalars[i * lda + t]) * Double(b.scalars[j * ldb + t]) }
                }
                worst = Swift.max(worst, Swift.abs(expected - Double(got[i * ldc + j])))
            }
        }
        #expect(worst < 1e-3, "largest difference \(worst)")
        #expect(product() == got)
    }

    @Test func matmulMatchesNaiveProduct() {
        var rng = RandomGenerator(seed: 3)
        let a = Tensor.normal([7, 5], using: &rng), b = Tensor.normal([5, 9], using: &rng)
        let c = a.matmul(b)
        for i in 0..<7 {
            for j in 0..<9 {
                var s: Float = 0
                for k in 0..<5 { s += a[i, k] * b[k, j] }
                #expect(Swift.abs(c[i, j] - s) < 1e-4)
            }
        }
        // The transposed operand takes another GEMM kernel path, whose rounding may differ.
        let viaTranspose = a.matmul(b.transposed(), transposeOther: true)
        #expect(viaTranspose.shape == c.shape)
        #expect(zip(viaTranspose.scalars, c.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
        let batched = Tensor.concat([a.reshaped([1, 7, 5]), a.reshaped([1, 7, 5])]).batchedMatmul(
            Tensor.concat([b.reshaped([1, 5, 9]), b.reshaped([1, 5, 9])]))
        #expect(batched.slice(axis: 0, 1..<2).reshaped([7, 9]) == c)
    }

    @Test func randomIsReproducibleAndSane() {
        var r1 = RandomGenerator(seed: 42), r2 = RandomGenerator(seed: 42)
        let a = Tensor.normal([10_000], using: &r1), b = Tensor.normal([10_000], using: &r2)
        #expect(a == b)
        #expect(Swift.abs(a.mean()) < 0.05)
        #expect(Swift.abs((a * a).mean() - 1) < 0.05)
        var r3 = RandomGenerator(seed: 43)
        #expect(Tensor.normal([10], using: &r3) != Tensor.normal([10], using: &r1))
        let u = Tensor.uniform([10_000], low: 2, high: 3, using: &r1)
        #expect(u.min() >= 2 && u.max() < 3)
        let bern = Tensor.bernoulli([10_000], probability: 0.3, using: &r1)
        #expect(Swift.abs(bern.mean() - 0.3) < 0.02)
        var perm = r1.permutation(100)
        perm.sort()
        #expect(perm == Array(0..<100))
        let saved = r1.state
        let next = r1.next()
        var restored = RandomGenerator(state: saved)!
        #expect(restored.next() == next)
    }

    @Test func parallelKernelsMatchSerialOnes() {
        var rng = RandomGenerator(seed: 8)
        let big = Tensor.normal([300_000], using: &rng)
        Threads.set(1)
        let serial = big.map { $0 * 2 + 1 }
        Threads.set(2)
        #expect(big.map { $0 * 2 + 1 } == serial)
    }

    @Test func autodiffAccumulatesAndRespectsNoGrad() {
        let x = Variable(Tensor([1, 2, 3]), requiresGrad: true)
        let y = (x * x + x).sum()          // uses x twice
        y.backward()
        #expect(x.grad! == Tensor([3, 5, 7]))
        (x * 2).sum().backward()           // a second backward accumulates
        #expect(x.grad! == Tensor([5, 7, 9]))
        let z = withoutGradients { (x * 3).sum() }
        #expect(!z.requiresGrad)
    }
}
