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

extension Variable {
    /// Cross-correlation of `[N, Cin, H, W]` with `weight` `[Cout, Cin, kh, kw]`, plus `bias`
    /// `[Cout]`; output `[N, Cout, ⌊(H + 2p − kh)/s⌋ + 1, …]`.
    public static func conv2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1, padding: Int = 0) -> Variable {
        if let problem = ConvGeometry.conv2dProblem(input: x.shape, weight: weight.shape, bias: bias?.shape,
                                                    stride: stride, padding: padding) {
            preconditionFailure(problem)
        }
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let cout = weight.shape[0]
        let geo = ConvGeometry(channels: cin, height: h, width: w, kernel: (weight.shape[2], weight.shape[3]),
                               stride: stride, padding: padding)
        let cols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
        geo.im2col(x.value.storage.pointer, batch: n, into: cols.storage.pointer)
        // [Cout, patch] · [patch, N·P] → [Cout, N·P] → [N, Cout, P]
        let wm = weight.value.reshaped([cout, geo.patchSize])
        // [Cout, N·P] → [N, Cout, P] and the bias, in one pass.
        let y = channelsFirstToBatchFirst(wm.matmul(cols), channels: cout, batch: n, positions: geo.positions,
                                          bias: bias?.value)
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(y.reshaped([n, cout, geo.outHeight, geo.outWidth]), parents: parents) { g in
            let gm = batchFirstToChannelsFirst(g, channels: cout, batch: n, positions: geo.positions)
            var dx: Tensor?
            if x.requiresGrad {
                let dcols = wm.matmul(gm, transposeSelf: true)
                let img = Tensor(shape: x.shape)
                geo.col2im(dcols.storage.pointer, batch: n, into: img.storage.pointer)
                dx = img
            }
            let dw = weight.requiresGrad ? gm.matmul(cols, transposeOther: true).reshaped(weight.shape) : nil
            var grads = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? rowSums(gm, rows: cout, columns: n * geo.positions) : nil) }
            return grads
        }
    }

    /// Transposed convolution (the adjoint of `conv2d`) of `[N, Cin, H, W]` with `weight`
    /// `[Cin, Cout, kh, kw]`; output extent (H − 1)·s − 2p + kh + outputPadding.
    public static func convTranspose2d(_ x: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
                                       padding: Int = 0, outputPadding: Int = 0) -> Variable {
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
        let xm = batchFirstToChannelsFirst(x.value, channels: cin, batch: n, positions: h * w)
        let wm = weight.value.reshaped([cin, geo.patchSize])
        let cols = wm.matmul(xm, transposeSelf: true)          // [Cout·kh·kw, N·H·W]
        var y = Tensor(shape: [n, cout, oh, ow])
        geo.col2im(cols.storage.pointer, batch: n, into: y.storage.pointer)
        if let bias { addChannelBias(&y, bias.value, channels: cout, positions: oh * ow) }
        let parents = bias.map { [x, weight, $0] } ?? [x, weight]
        return record(y, parents: parents) { g in
            let gcols = Tensor(uninitializedShape: [geo.patchSize, n * h * w])
            geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
            let dx = x.requiresGrad
                ? channelsFirstToBatchFirst(wm.matmul(gcols), channels: cin, batch: n, positions: h * w, bias: nil)
                    .reshaped(x.shape) : nil
            let dw = weight.requiresGrad ? xm.matmul(gcols, transposeOther: true).reshaped(weight.shape) : nil
            var grads = [dx, dw]
            if let bias {
                grads.append(bias.requiresGrad
                             ? rowSums(g, rows: n * cout, columns: oh * ow).reshaped([n, cout]).sum(axis: 0) : nil)
            }
            return grads
        }
    }
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
