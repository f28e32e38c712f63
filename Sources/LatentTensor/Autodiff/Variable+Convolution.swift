import CLatentBLAS

// 2-d convolution and transposed convolution as GEMMs over im2col columns, in PyTorch's layouts:
// input [N, C, H, W]; conv weight [Cout, Cin, kh, kw]; transposed-conv weight [Cin, Cout, kh, kw].

/// The sums of the rows of a row-major `rows × columns` matrix (bias gradients), as one GEMV
/// against a vector of ones: `sum(axis:)` would walk each row as a serial scalar chain.
func rowSums(_ m: Tensor, rows: Int, columns: Int) -> Tensor {
    let out = Tensor(shape: [rows])
    let ones = Tensor(shape: [columns], repeating: 1)
    cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(columns), 1, m.storage.pointer, Int32(columns),
                ones.storage.pointer, 1, 0, out.storage.pointer, 1)
    return out
}

/// How `Variable.conv2d` and `Variable.convTranspose2d` compute. Both routes give the same
/// results up to rounding; each is reproducible on its own (same inputs and thread count, same
/// bits).
public enum ConvolutionAlgorithm: Sendable {
    /// oneDNN's direct convolutions where they measure faster (layers with many channels),
    /// im2col otherwise.
    case automatic
    /// Windows laid out as columns (im2col/col2im) and GEMMs: the reference route.
    case im2col
    /// oneDNN's direct convolution primitives whenever oneDNN has one for the shape (im2col
    /// when it has none).
    case oneDNN

    /// Whether a convolution with these channel counts (of its GEMM form: `inner` is
    /// Cin·kh·kw, the reduction; `outer` the output channels) goes to oneDNN. Below 16 of
    /// either, oneDNN's blocked kernels pad the channels and reorder more than they compute;
    /// `LatentBench conv-layers` measures the crossover.
    func usesOneDNN(inChannels: Int, outChannels: Int) -> Bool {
        switch self {
        case .im2col: false
        case .oneDNN: true
        case .automatic: inChannels >= 16 && outChannels >= 16
        }
    }
}

extension Variable {
    /// Cross-correlation of `[N, Cin, H, W]` with `weight` `[Cout, Cin, kh, kw]`, plus `bias`
    /// `[Cout]`; output `[N, Cout, ⌊(H + 2p − kh)/s⌋ + 1, …]`.
    public static func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0,
                              algorithm: ConvolutionAlgorithm = .automatic) -> Variable {
        if let problem = ConvGeometry.conv2dProblem(input: x.shape, weight: weight.shape, bias: bias?.shape,
                                                    stride: stride, padding: padding) {
            preconditionFailure(problem)
        }
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = weight.shape[0]
        let geo = ConvGeometry(channels: cin, height: h, width: w, kernel: (weight.shape[2], weight.shape[3]),
                               stride: stride, padding: padding)
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        if algorithm.usesOneDNN(inChannels: cin, outChannels: cout),
           let conv = DNNLConvolution.cached(DNNLConvolutionShape(
               batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelHeight: geo.kernelHeight,
               kernelWidth: geo.kernelWidth, stride: stride, padding: padding, outHeight: geo.outHeight,
               outWidth: geo.outWidth, bias: bias != nil, threads: Threads.blasCount)) {
            let y = Tensor(uninitializedShape: [n, cout, geo.outHeight, geo.outWidth])
            // The source as the forward primitive reordered it: backward-weights reads it again.
            if let stagedSource = conv.forward(source: x.value.storage.pointer, weights: weight.value.storage.pointer,
                                               bias: bias?.value.storage.pointer, destination: y.storage.pointer) {
                return record(y, parents: parents) { g in
                    var dx: Tensor?, dw: Tensor?, db: Tensor?
                    var stagedGradient: DNNLStagedBuffer?
                    if x.requiresGrad {
                        let d = Tensor(uninitializedShape: x.shape)
                        if let staged = conv.backwardData(destinationGradient: g.storage.pointer,
                                                          weights: weight.value.storage.pointer,
                                                          sourceGradient: d.storage.pointer) {
                            (dx, stagedGradient) = (d, staged)
                        } else {
                            dx = convInputGradient(g, weight: weight.value, geometry: geo, batch: n)
                        }
                    }
                    if weight.requiresGrad || bias?.requiresGrad == true {
                        let d = Tensor(uninitializedShape: weight.shape), e = Tensor(uninitializedShape: [cout])
                        if conv.backwardWeights(source: x.value.storage.pointer, destinationGradient: g.storage.pointer,
                                                weightsGradient: d.storage.pointer,
                                                biasGradient: bias == nil ? nil : e.storage.pointer,
                                                stagedSource: stagedSource, stagedDestinationGradient: stagedGradient) {
                            (dw, db) = (d, e)
                        } else {
                            let (d2, e2) = convWeightGradient(x.value, g, geometry: geo, batch: n, outChannels: cout)
                            (dw, db) = (d2.reshaped(weight.shape), e2)
                        }
                        if !weight.requiresGrad { dw = nil }
                        if bias?.requiresGrad != true { db = nil }
                    }
                    return bias == nil ? [dx, dw] : [dx, dw, db]
                }
            }
        }
        let cols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
        geo.im2col(x.value.storage.pointer, batch: n, into: cols.storage.pointer)
        // [Cout, patch] · [patch, N·P] → [Cout, N·P] → [N, Cout, P]
        let wm = weight.value.reshaped([cout, geo.patchSize])
        // [Cout, N·P] → [N, Cout, P] and the bias, in one pass.
        let y = channelsFirstToBatchFirst(wm.matmul(cols), channels: cout, batch: n, positions: geo.positions,
                                          bias: bias?.value)
        return record(y.reshaped([n, cout, geo.outHeight, geo.outWidth]), parents: parents) { g in
            let gm = batchFirstToChannelsFirst(g, channels: cout, batch: n, positions: geo.positions)
            let dx = x.requiresGrad ? convInputGradient(channelsFirst: gm, weight: wm, geometry: geo, batch: n) : nil
            let dw = weight.requiresGrad ? gm.matmul(cols, transposeOther: true).reshaped(weight.shape) : nil
            var grads = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? rowSums(gm, rows: cout, columns: n * geo.positions) : nil) }
            return grads
        }
    }

    /// Transposed convolution (the adjoint of `conv2d`) of `[N, Cin, H, W]` with `weight`
    /// `[Cin, Cout, kh, kw]`; output extent (H − 1)·s − 2p + kh + outputPadding.
    public static func convTranspose2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                                       padding: Int = 0, outputPadding: Int = 0,
                                       algorithm: ConvolutionAlgorithm = .automatic) -> Variable {
        if let problem = ConvGeometry.convTranspose2dProblem(input: x.shape, weight: weight.shape, bias: bias?.shape,
                                                             stride: stride, padding: padding, outputPadding: outputPadding) {
            preconditionFailure(problem)
        }
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
        let oh = (h - 1) * stride - 2 * padding + kh + outputPadding
        let ow = (w - 1) * stride - 2 * padding + kw + outputPadding
        // The geometry of the conv whose backward this is: from the [Cout, oh, ow] output down to [H, W].
        var geo = ConvGeometry(channels: cout, height: oh, width: ow, kernel: (kh, kw), stride: stride, padding: padding)
        geo.outHeight = h
        geo.outWidth = w
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        let biasGradient = { (g: Tensor) -> Tensor? in
            guard let bias, bias.requiresGrad else { return nil }
            return rowSums(g, rows: n * cout, columns: oh * ow).reshaped([n, cout]).sum(axis: 0)
        }
        // On oneDNN, the transposed convolution is that conv's backward-data primitive, its
        // input gradient the conv's forward and its weight gradient the conv's backward-weights
        // with the roles of source and destination exchanged.
        if algorithm.usesOneDNN(inChannels: cout, outChannels: cin),
           let conv = DNNLConvolution.cached(DNNLConvolutionShape(
               batch: n, inChannels: cout, outChannels: cin, height: oh, width: ow, kernelHeight: kh, kernelWidth: kw,
               stride: stride, padding: padding, outHeight: h, outWidth: w, bias: false, threads: Threads.blasCount)) {
            var y = Tensor(uninitializedShape: [n, cout, oh, ow])
            // The input as the backward-data primitive reordered it: backward-weights reads it again.
            if let stagedInput = conv.backwardData(destinationGradient: x.value.storage.pointer,
                                                   weights: weight.value.storage.pointer, sourceGradient: y.storage.pointer) {
                if let bias { addChannelBias(&y, bias.value, channels: cout, positions: oh * ow) }
                return record(y, parents: parents) { g in
                    var dx: Tensor?, dw: Tensor?
                    var stagedGradient: DNNLStagedBuffer?
                    if x.requiresGrad {
                        let d = Tensor(uninitializedShape: x.shape)
                        if let staged = conv.forward(source: g.storage.pointer, weights: weight.value.storage.pointer,
                                                     bias: nil, destination: d.storage.pointer) {
                            (dx, stagedGradient) = (d, staged)
                        } else {
                            dx = transposedInputGradient(g, weight: weight.value, geometry: geo, batch: n)
                        }
                    }
                    if weight.requiresGrad {
                        let d = Tensor(uninitializedShape: weight.shape)
                        dw = conv.backwardWeights(source: g.storage.pointer, destinationGradient: x.value.storage.pointer,
                                                  weightsGradient: d.storage.pointer, biasGradient: nil,
                                                  stagedSource: stagedGradient, stagedDestinationGradient: stagedInput)
                            ? d : transposedWeightGradient(x.value, g, geometry: geo, batch: n).reshaped(weight.shape)
                    }
                    return bias == nil ? [dx, dw] : [dx, dw, biasGradient(g)]
                }
            }
        }
        let xm = batchFirstToChannelsFirst(x.value, channels: cin, batch: n, positions: h * w)
        let wm = weight.value.reshaped([cin, geo.patchSize])
        let cols = wm.matmul(xm, transposeSelf: true)          // [Cout·kh·kw, N·H·W]
        var y = Tensor(shape: [n, cout, oh, ow])
        geo.col2im(cols.storage.pointer, batch: n, into: y.storage.pointer)
        if let bias { addChannelBias(&y, bias.value, channels: cout, positions: oh * ow) }
        return record(y, parents: parents) { g in
            let gcols = Tensor(uninitializedShape: [geo.patchSize, n * h * w])
            geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
            let dx = x.requiresGrad
                ? channelsFirstToBatchFirst(wm.matmul(gcols), channels: cin, batch: n, positions: h * w, bias: nil)
                    .reshaped(x.shape) : nil
            let dw = weight.requiresGrad ? xm.matmul(gcols, transposeOther: true).reshaped(weight.shape) : nil
            return bias == nil ? [dx, dw] : [dx, dw, biasGradient(g)]
        }
    }
}

// The im2col route's gradients, also the fallback should a oneDNN backward primitive fail.

/// A convolution's input gradient from the output gradient in channel-major form `[Cout, N·P]`
/// and the weight as a `[Cout, patch]` matrix: the columns' gradient scattered back by col2im.
private func convInputGradient(channelsFirst gm: Tensor, weight wm: Tensor, geometry geo: ConvGeometry,
                               batch n: Int) -> Tensor {
    let dcols = wm.matmul(gm, transposeSelf: true)
    let image = Tensor(shape: [n, geo.channels, geo.height, geo.width])
    geo.col2im(dcols.storage.pointer, batch: n, into: image.storage.pointer)
    return image
}

/// A convolution's input gradient from the output gradient `g` (`[N, Cout, OH, OW]`).
private func convInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let cout = weight.shape[0]
    let gm = batchFirstToChannelsFirst(g, channels: cout, batch: n, positions: geo.positions)
    return convInputGradient(channelsFirst: gm, weight: weight.reshaped([cout, geo.patchSize]), geometry: geo, batch: n)
}

/// A convolution's weight gradient (`[Cout, patch]`) and bias gradient from its input and output gradient.
private func convWeightGradient(_ x: Tensor, _ g: Tensor, geometry geo: ConvGeometry, batch n: Int,
                                outChannels cout: Int) -> (Tensor, Tensor) {
    let cols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(x.storage.pointer, batch: n, into: cols.storage.pointer)
    let gm = batchFirstToChannelsFirst(g, channels: cout, batch: n, positions: geo.positions)
    return (gm.matmul(cols, transposeOther: true), rowSums(gm, rows: cout, columns: n * geo.positions))
}

/// A transposed convolution's input gradient: the convolution of its output gradient.
private func transposedInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let cin = weight.shape[0]
    let gcols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
    return channelsFirstToBatchFirst(weight.reshaped([cin, geo.patchSize]).matmul(gcols), channels: cin, batch: n,
                                     positions: geo.positions, bias: nil).reshaped([n, cin, geo.outHeight, geo.outWidth])
}

/// A transposed convolution's weight gradient, `[Cin, patch]`.
private func transposedWeightGradient(_ x: Tensor, _ g: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let cin = x.shape[1]
    let xm = batchFirstToChannelsFirst(x, channels: cin, batch: n, positions: geo.positions)
    let gcols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
    return xm.matmul(gcols, transposeOther: true)
}

/// `[C, N·P]` (channel-major, as a GEMM over im2col columns produces) to `[N, C, P]`, adding
/// `bias[c]` to every element of channel c when given.
func channelsFirstToBatchFirst(_ m: Tensor, channels: Int, batch: Int, positions: Int, bias: Tensor?) -> Tensor {
    let out = Tensor(uninitializedShape: [batch, channels, positions])
    let src = m.storage.pointer, dst = out.storage.pointer
    let pb = bias?.storage.pointer
    parallelFor(batch * channels, minChunk: 16) { planes in
        for plane in planes {
            let n = plane / channels, c = plane % channels
            let from = src + (c * batch + n) * positions, to = dst + plane * positions
            let b = pb?[c] ?? 0
            for p in 0..<positions { to[p] = from[p] + b }
        }
    }
    return out
}

/// `[N, C, P]` to `[C, N·P]` (channel-major, the layout a GEMM over im2col columns works in):
/// the inverse of `channelsFirstToBatchFirst`, as parallel plane copies.
func batchFirstToChannelsFirst(_ t: Tensor, channels: Int, batch: Int, positions: Int) -> Tensor {
    let out = Tensor(uninitializedShape: [channels, batch * positions])
    let src = t.storage.pointer, dst = out.storage.pointer
    parallelFor(batch * channels, minChunk: 16) { planes in
        for plane in planes {
            let n = plane / channels, c = plane % channels
            (dst + (c * batch + n) * positions).update(from: src + plane * positions, count: positions)
        }
    }
    return out
}

/// Adds `bias[c]` to every element of channel c of a `[N, C, P…]` tensor, in place.
func addChannelBias(_ y: inout Tensor, _ bias: Tensor, channels: Int, positions: Int) {
    y.makeUnique()
    let py = y.storage.pointer, pb = bias.storage.pointer
    let planes = y.count / Swift.max(positions, 1)
    parallelFor(planes, minChunk: 16) { range in
        for plane in range {
            let b = pb[plane % channels], row = py + plane * positions
            for p in 0..<positions { row[p] += b }
        }
    }
}
