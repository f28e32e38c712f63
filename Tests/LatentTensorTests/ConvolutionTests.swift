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

    @Test func wrongRanksAreReportedWithBothShapes() throws {
        let problem = try #require(ConvGeometry.conv2dProblem(input: [3, 28, 28], weight: [8, 1, 3, 3], bias: [8],
                                                              stride: 1, padding: 1))
        #expect(problem.contains("[3, 28, 28]") && problem.contains("[8, 1, 3, 3]") && problem.contains("rank 4"), "\(problem)")
        let weightRank = try #require(ConvGeometry.conv2dProblem(input: [2, 1, 28, 28], weight: [8, 9], bias: nil,
                                                                 stride: 1, padding: 0))
        #expect(weightRank.contains("[2, 1, 28, 28]") && weightRank.contains("[8, 9]"), "\(weightRank)")
        let transposed = try #require(ConvGeometry.convTranspose2dProblem(input: [128], weight: [128, 64, 4, 4], bias: [64],
                                                                          stride: 2, padding: 1, outputPadding: 0))
        #expect(transposed.contains("[128]") && transposed.contains("[128, 64, 4, 4]") && transposed.contains("rank 4"), "\(transposed)")
    }

    @Test func conv2dArgumentChecks() {
        func problem(_ input: [Int], _ weight: [Int], bias: [Int]? = nil, stride: Int = 1, padding: Int = 0) -> String {
            ConvGeometry.conv2dProblem(input: input, weight: weight, bias: bias, stride: stride, padding: padding) ?? "none"
        }
        #expect(problem([2, 3, 7, 6], [4, 3, 3, 3], bias: [4], stride: 2, padding: 1) == "none")
        #expect(problem([2, 3, 7, 6], [4, 3, 7, 6]) == "none")                         // kernel as large as the image
        #expect(problem([2, 3, 7, 6], [4, 2, 3, 3]).contains("3 channels"))
        #expect(problem([2, 3, 7, 6], [4, 3, 3, 3], bias: [3]).contains("bias [3]"))
        #expect(problem([2, 3, 7, 6], [4, 3, 0, 3]).contains("empty kernel"))
        #expect(problem([2, 3, 7, 6], [4, 3, 3, 3], stride: 0).contains("stride 0"))
        #expect(problem([2, 3, 7, 6], [4, 3, 3, 3], padding: -1).contains("padding -1"))
        #expect(problem([2, 3, 7, 6], [4, 3, 8, 3]).contains("larger than input"))
        #expect(problem([2, 3, 7, 6], [4, 3, 8, 3], padding: 1) == "none")
    }

    @Test func convTranspose2dArgumentChecks() {
        func problem(_ input: [Int], _ weight: [Int], bias: [Int]? = nil, stride: Int = 1, padding: Int = 0,
                     outputPadding: Int = 0) -> String {
            ConvGeometry.convTranspose2dProblem(input: input, weight: weight, bias: bias, stride: stride, padding: padding,
                                                outputPadding: outputPadding) ?? "none"
        }
        #expect(problem([2, 128, 7, 7], [128, 64, 4, 4], bias: [64], stride: 2, padding: 1) == "none")
        #expect(problem([2, 3, 5, 4], [3, 2, 2, 2], stride: 2, outputPadding: 1) == "none")
        #expect(problem([2, 3, 5, 4], [2, 3, 3, 3]).contains("3 channels"))
        #expect(problem([2, 3, 5, 4], [3, 2, 3, 3], bias: [3]).contains("bias [3]"))
        #expect(problem([2, 3, 5, 4], [3, 2, 3, 3], stride: 2, outputPadding: 2).contains("output padding 2"))
        #expect(problem([2, 3, 5, 4], [3, 2, 3, 3], outputPadding: 1).contains("output padding 1"))
        #expect(problem([2, 3, 1, 1], [3, 2, 1, 1], padding: 1).contains("empty -1×-1 output"))
    }
}
