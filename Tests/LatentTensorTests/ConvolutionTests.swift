@testable import LatentTensor
import Testing

/// Both convolution routes (im2col/GEMM and oneDNN's primitives) against the definition, written
/// as plain loops, over geometries that exercise padding on every side, strides above 1 and
/// non-square inputs and kernels; and the two routes' gradients against each other.
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

    static let routes: [ConvolutionAlgorithm] = [.im2col, .oneDNN]

    @Test(arguments: routes, [(3, 1, 0), (3, 1, 1), (4, 2, 1), (3, 2, 2), (5, 3, 2), (2, 2, 0), (4, 1, 3)])
    func conv2dMatchesTheDefinition(route: ConvolutionAlgorithm, geometry: (kernel: Int, stride: Int, padding: Int)) {
        let (k, s, p) = geometry
        let x = randomTensor([2, 3, 7, 6], seed: 1), w = randomTensor([4, 3, k, k], seed: 2), b = randomTensor([4], seed: 3)
        let y = Variable.conv2d(Variable(x), weight: Variable(w), bias: Variable(b), stride: s, padding: p,
                                algorithm: route).value
        #expect(Self.close(y, Self.naiveConv(x, w, b, stride: s, padding: p)), "\(route) k \(k) s \(s) p \(p)")
        if route == .oneDNN {
            let shape = DNNLConvolutionShape(batch: 2, inChannels: 3, outChannels: 4, height: 7, width: 6, kernelHeight: k,
                                             kernelWidth: k, stride: s, padding: p, outHeight: y.shape[2],
                                             outWidth: y.shape[3], bias: true, threads: Threads.blasCount)
            #expect(DNNLConvolution.cached(shape) != nil, "oneDNN has no convolution for k \(k) s \(s) p \(p)")
        }
    }

    @Test(arguments: routes, [(3, 1, 0, 0), (3, 1, 1, 0), (4, 2, 1, 0), (3, 2, 1, 1), (5, 3, 2, 2), (2, 2, 0, 1)])
    func convTranspose2dMatchesTheDefinition(route: ConvolutionAlgorithm,
                                             geometry: (kernel: Int, stride: Int, padding: Int, outputPadding: Int)) {
        let (k, s, p, op) = geometry
        let x = randomTensor([2, 3, 5, 4], seed: 4), w = randomTensor([3, 2, k, k], seed: 5), b = randomTensor([2], seed: 6)
        let y = Variable.convTranspose2d(Variable(x), weight: Variable(w), bias: Variable(b), stride: s, padding: p,
                                         outputPadding: op, algorithm: route).value
        #expect(Self.close(y, Self.naiveConvTranspose(x, w, b, stride: s, padding: p, outputPadding: op)),
                "\(route) k \(k) s \(s) p \(p) op \(op)")
        if route == .oneDNN {
            let shape = DNNLConvolutionShape(batch: 2, inChannels: 2, outChannels: 3, height: y.shape[2], width: y.shape[3],
                                             kernelHeight: k, kernelWidth: k, stride: s, padding: p, outHeight: 5,
                                             outWidth: 4, bias: false, threads: Threads.blasCount)
            #expect(DNNLConvolution.cached(shape) != nil, "oneDNN has no convolution for k \(k) s \(s) p \(p) op \(op)")
        }
    }

    /// A batch smaller than the thread count takes the im2col route's other path (its images one
    /// after another, each GEMM on every thread): the same values and gradients as the batch
    /// split over threads, image by image.
    @Test(arguments: [false, true])
    func im2colOneImageMatchesTheBatch(transposed: Bool) {
        let x = randomTensor([3, 4, 6, 5], seed: 50), b = randomTensor([5], seed: 52)
        let w = randomTensor(transposed ? [4, 5, 3, 3] : [5, 4, 3, 3], seed: 51)
        // One upstream gradient for the batch; each image gets its slice of it.
        func slice(_ t: Tensor, _ i: Int) -> Tensor {
            let size = t.count / t.shape[0]
            return Tensor(shape: [1] + t.shape.dropFirst(), scalars: Array(t.scalars[(i * size)..<((i + 1) * size)]))
        }
        var upstream: Tensor?
        let batch = Self.convolutionResults(transposed: transposed, route: .im2col, x: x, w: w, b: b, stride: 2, padding: 1,
                                            upstream: { shape in
                                                let g = randomTensor(shape, seed: 53)
                                                upstream = g
                                                return g
                                            })
        let single = (0..<3).map { i in
            Self.convolutionResults(transposed: transposed, route: .im2col, x: slice(x, i), w: w, b: b, stride: 2, padding: 1,
                                    upstream: { _ in slice(upstream!, i) })
        }
        func stacked(_ k: Int) -> Tensor { Tensor(shape: batch[k].shape, scalars: single.flatMap { $0[k].scalars }) }
        func summed(_ k: Int) -> Tensor { single.dropFirst().reduce(single[0][k]) { $0 + $1[k] } }
        #expect(Self.close(batch[0], stacked(0)), "output")
        #expect(Self.close(batch[1], stacked(1)), "input gradient")
        #expect(Self.close(batch[2], summed(2)), "weight gradient")
        #expect(Self.close(batch[3], summed(3)), "bias gradient")
    }

    /// Output, input, weight and bias gradients of one convolution on a route, for a fixed
    /// upstream gradient.
    static func convolutionResults(transposed: Bool, route: ConvolutionAlgorithm, x: Tensor, w: Tensor, b: Tensor,
                                   stride: Int, padding: Int, outputPadding: Int = 0,
                                   upstream: (([Int]) -> Tensor)? = nil) -> [Tensor] {
        let (xv, wv, bv) = (Variable(x, requiresGrad: true), Variable(w, requiresGrad: true), Variable(b, requiresGrad: true))
        let y = transposed
            ? Variable.convTranspose2d(xv, weight: wv, bias: bv, stride: stride, padding: padding,
                                       outputPadding: outputPadding, algorithm: route)
            : Variable.conv2d(xv, weight: wv, bias: bv, stride: stride, padding: padding, algorithm: route)
        y.backward(upstream?(y.shape) ?? randomTensor(y.shape, seed: 99))
        return [y.value, xv.grad!, wv.grad!, bv.grad!]
    }

    /// The layer sizes oneDNN's blocked kernels take (channels of 16 and more, odd extents whose
    /// windows leave trailing rows unread): both routes give the same values and gradients, and
    /// the oneDNN route gives the same bits twice.
    @Test(arguments: [(false, 16, 32, 9, 3, 1, 1, 0), (false, 32, 16, 14, 4, 2, 1, 0), (false, 24, 40, 8, 3, 2, 0, 0),
                      (false, 17, 19, 6, 5, 1, 2, 0), (true, 32, 16, 7, 4, 2, 1, 0), (true, 16, 24, 5, 3, 2, 1, 1),
                      (true, 40, 16, 4, 3, 1, 0, 0)])
    func oneDNNMatchesIm2colWithGradients(_ c: (transposed: Bool, cin: Int, cout: Int, extent: Int, kernel: Int,
                                                 stride: Int, padding: Int, outputPadding: Int)) {
        let x = randomTensor([3, c.cin, c.extent, c.extent + 1], seed: 40)
        let w = randomTensor(c.transposed ? [c.cin, c.cout, c.kernel, c.kernel] : [c.cout, c.cin, c.kernel, c.kernel],
                             seed: 41, low: -0.2, high: 0.2)
        let b = randomTensor([c.cout], seed: 42)
        func run(_ route: ConvolutionAlgorithm) -> [Tensor] {
            Self.convolutionResults(transposed: c.transposed, route: route, x: x, w: w, b: b, stride: c.stride,
                                    padding: c.padding, outputPadding: c.outputPadding)
        }
        let reference = run(.im2col), direct = run(.oneDNN), again = run(.oneDNN)
        for (name, (r, d)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(reference, direct)) {
            let scale = r.scalars.map { Swift.abs($0) }.max() ?? 1
            let worst = zip(r.scalars, d.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(r.shape == d.shape && worst <= 1e-5 * Swift.max(scale, 1), "\(c) \(name): \(worst) of \(scale)")
        }
        #expect(zip(direct, again).allSatisfy { $0.scalars == $1.scalars }, "\(c): two runs differ")
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
