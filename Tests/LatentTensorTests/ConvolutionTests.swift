import LatentTensor
import Testing

/// The im2col/GEMM convolutions against the definition, written as plain loops, over geometries
/// that exercise padding on every side, strides above 1 and non-square inputs and kernels.
@Suite struct ConvolutionTests {
    /// y[n, o, i, j] = b[o] + Σ_c,u,v x[n, c, i·s − p + u, j·s − p + v] · w[o, c, u, v].
    static func naiveConv(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, padding p: Int) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        var y = Tensor(shape: [n, cout, oh, ow])
        for a in 0..<n { for o in 0..<cout { for i in 0..<oh { for j in 0..<ow {
            var acc = b[o]
            for c in 0..<cin { for u in 0..<kh { for v in 0..<kw {
                let yy = i * s - p + u, xx = j * s - p + v
                if yy >= 0 && yy < h && xx >= 0 && xx < wd { acc += x[a, c, yy, xx] * w[o, c, u, v] }
            } } }
            y.withUnsafeMutableBufferPointer { $0[((a * cout + o) * oh + i) * ow + j] = acc }
        } } } }
        return y
    }

    /// Transposed convolution by scattering: y[n, o, i·s − p + u, j·s − p + v] += x[n, c, i, j] · w[c, o, u, v].
    static func naiveConvTranspose(_ x: Tensor, _ w: Tensor, _ b: Tensor, stride s: Int, padding p: Int, outputPadding op: Int) -> Tensor {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
        let oh = (h - 1) * s - 2 * p + kh + op, ow = (wd - 1) * s - 2 * p + kw + op
        var y = Tensor(shape: [n, cout, oh, ow])
        y.withUnsafeMutableBufferPointer { out in
            for a in 0..<n { for o in 0..<cout { for k in 0..<(oh * ow) { out[(a * cout + o) * oh * ow + k] = b[o] } } }
            for a in 0..<n { for c in 0..<cin { for i in 0..<h { for j in 0..<wd { for o in 0..<cout {
                for u in 0..<kh { for v in 0..<kw {
                    let yy = i * s - p + u, xx = j * s - p + v
                    if yy >= 0 && yy < oh && xx >= 0 && xx < ow { out[((a * cout + o) * oh + yy) * ow + xx] += x[a, c, i, j] * w[c, o, u, v] }
                } }
            } } } } }
        }
        return y
    }

    static func close(_ a: Tensor, _ b: Tensor) -> Bool {
        a.shape == b.shape && zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-4 }
    }

    @Test(arguments: [(3, 1, 0), (3, 1, 1), (4, 2, 1), (3, 2, 2), (5, 3, 2), (2, 2, 0), (4, 1, 3)])
    func conv2dMatchesTheDefinition(kernel k: Int, stride s: Int, padding p: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 1), w = randomTensor([4, 3, k, k], seed: 2), b = randomTensor([4], seed: 3)
        let y = Variable.conv2d(Variable(x), weight: Variable(w), bias: Variable(b), stride: s, padding: p).value
        #expect(Self.close(y, Self.naiveConv(x, w, b, stride: s, padding: p)), "k \(k) s \(s) p \(p)")
    }

    @Test(arguments: [(3, 1, 0, 0), (3, 1, 1, 0), (4, 2, 1, 0), (3, 2, 1, 1), (5, 3, 2, 2), (2, 2, 0, 1)])
    func convTranspose2dMatchesTheDefinition(kernel k: Int, stride s: Int, padding p: Int, outputPadding op: Int) {
        let x = randomTensor([2, 3, 5, 4], seed: 4), w = randomTensor([3, 2, k, k], seed: 5), b = randomTensor([2], seed: 6)
        let y = Variable.convTranspose2d(Variable(x), weight: Variable(w), bias: Variable(b), stride: s, padding: p,
                                         outputPadding: op).value
        #expect(Self.close(y, Self.naiveConvTranspose(x, w, b, stride: s, padding: p, outputPadding: op)), "k \(k) s \(s) p \(p) op \(op)")
    }
}
