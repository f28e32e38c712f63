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
        // Per image: [Cout, patch] · its [patch, P] block of columns → its [Cout, P] output.
        let wm = weight.value.reshaped([cout, geo.patchSize])
        let y = Tensor(uninitializedShape: [n, cout, geo.outHeight, geo.outWidth])
        perImageProducts(geo, batch: n, rows: cout, a: wm, columns: cols, into: y, bias: bias?.value)
        return record(y, parents: parents) { g in
            let dx = x.requiresGrad ? convInputGradient(g, weight: weight.value, geometry: geo, batch: n) : nil
            let dw = weight.requiresGrad
                ? perImageSums(geo, batch: n, rows: cout, images: g, columns: cols).reshaped(weight.shape) : nil
            var grads = [dx, dw]
            if let bias { grads.append(bias.requiresGrad ? channelSums(g, batch: n, channels: cout) : nil) }
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
            return channelSums(g, batch: n, channels: cout)
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
        let wm = weight.value.reshaped([cin, geo.patchSize])
        let cols = Tensor(uninitializedShape: [geo.patchSize, n * h * w])          // [Cout·kh·kw, N·H·W]
        perImageColumns(geo, batch: n, rows: cin, a: wm, images: x.value, into: cols)
        var y = Tensor(shape: [n, cout, oh, ow])
        geo.col2im(cols.storage.pointer, batch: n, into: y.storage.pointer)
        if let bias { addChannelBias(&y, bias.value, channels: cout, positions: oh * ow) }
        return record(y, parents: parents) { g in
            let gcols = Tensor(uninitializedShape: [geo.patchSize, n * h * w])
            geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
            var dx: Tensor?
            if x.requiresGrad {
                let d = Tensor(uninitializedShape: x.shape)
                perImageProducts(geo, batch: n, rows: cin, a: wm, columns: gcols, into: d)
                dx = d
            }
            let dw = weight.requiresGrad
                ? perImageSums(geo, batch: n, rows: cin, images: x.value, columns: gcols).reshaped(weight.shape) : nil
            return bias == nil ? [dx, dw] : [dx, dw, biasGradient(g)]
        }
    }
}

// The im2col route. Its column matrix is `[patch, N·P]`, image n's columns the block at n·P;
// activations stay `[N, C, P]`: each image's product reads or writes its own block, so no layout
// is ever transposed.

/// For each image n, the `[rows, P]` product of `a` (`[rows, patch]`) with image n's block of
/// `columns` (`[patch, N·P]`), written to image n of `output` (`[N, rows, P]`), with `bias[r]`
/// added to row r. Images are split over the threads, one single-threaded GEMM each; a batch
/// smaller than the thread count (one large image, as texture synthesis has) runs its GEMMs on
/// all threads instead.
private func perImageProducts(_ geo: ConvGeometry, batch n: Int, rows: Int, a: Tensor, columns: Tensor,
                              into output: Tensor, bias: Tensor? = nil) {
    let (p, patch, pa, pc, po) = (geo.positions, geo.patchSize, a.storage.pointer, columns.storage.pointer,
                                  output.storage.pointer)
    let (splitImages, gemmThreads) = imageSplit(batch: n)
    func each(_ range: Range<Int>) {
        for image in range {
            gemm(m: rows, n: p, k: patch, a: pa, lda: patch, b: pc + image * p, ldb: n * p,
                 c: po + image * rows * p, ldc: p, threads: gemmThreads)
            // Split over the threads, each image's bias goes in while its output is in cache.
            if let bias, splitImages {
                addBias(bias, channels: rows, to: po, planes: image * rows ..< (image + 1) * rows, positions: p)
            }
        }
    }
    if splitImages {
        parallelFor(n, minChunk: Swift.max(1, 16_384 / Swift.max(1, rows * p))) { each($0) }
    } else {
        each(0..<n)
        if let bias {
            // The output is this function's to write (its caller made it), so no copy-on-write.
            parallelFor(n * rows, minChunk: Swift.max(1, 16_384 / Swift.max(p, 1))) { planes in
                addBias(bias, channels: rows, to: po, planes: planes, positions: p)
            }
        }
    }
}

/// For each image n, the `[patch, P]` product of aᵀ (`a` is `[rows, patch]`) with image n of
/// `images` (`[N, rows, P]`), written to image n's block of `columns` (`[patch, N·P]`); split
/// over the threads as `perImageProducts` is.
private func perImageColumns(_ geo: ConvGeometry, batch n: Int, rows: Int, a: Tensor, images: Tensor,
                             into columns: Tensor) {
    let (p, patch, pa, pi, pc) = (geo.positions, geo.patchSize, a.storage.pointer, images.storage.pointer,
                                  columns.storage.pointer)
    let (splitImages, gemmThreads) = imageSplit(batch: n)
    func each(_ range: Range<Int>) {
        for image in range {
            gemm(transA: true, m: patch, n: p, k: rows, a: pa, lda: patch, b: pi + image * rows * p, ldb: p,
                 c: pc + image * p, ldc: n * p, threads: gemmThreads)
        }
    }
    if splitImages {
        parallelFor(n, minChunk: Swift.max(1, 16_384 / Swift.max(1, rows * p))) { each($0) }
    } else {
        each(0..<n)
    }
}

/// Whether a batch's per-image GEMMs go one per thread (each single-threaded), or one after
/// another on all threads (fewer images than threads), and the threads each GEMM gets.
private func imageSplit(batch n: Int) -> (split: Bool, gemmThreads: Int) {
    n >= Threads.count ? (true, 1) : (false, Threads.blasCount)
}

/// Σ over images n of image n of `images` (`[N, rows, P]`) times the transpose of its block of
/// `columns` (`[patch, N·P]`): a weight gradient, `[rows, patch]`. Each thread sums a fixed
/// range of images into its own matrix and the ranges are added in order, so the result is the
/// same for a given thread count.
private func perImageSums(_ geo: ConvGeometry, batch n: Int, rows: Int, images: Tensor, columns: Tensor) -> Tensor {
    let (p, patch) = (geo.positions, geo.patchSize)
    let (splitImages, gemmThreads) = imageSplit(batch: n)
    let parts = splitImages ? Swift.max(1, Swift.min(Threads.count, n)) : 1
    let partials = Tensor(uninitializedShape: [parts, rows * patch])
    let (pi, pc, pp) = (images.storage.pointer, columns.storage.pointer, partials.storage.pointer)
    parallelFor(parts, minChunk: 1) { range in
        for part in range {
            for (k, image) in chunk(part, of: parts, count: n).enumerated() {
                gemm(transB: true, m: rows, n: patch, k: p, a: pi + image * rows * p, lda: p, b: pc + image * p, ldb: n * p,
                     beta: k == 0 ? 0 : 1, c: pp + part * rows * patch, ldc: patch, threads: gemmThreads)
            }
        }
    }
    return parts == 1 ? partials.reshaped([rows, patch]) : partials.sum(axis: 0).reshaped([rows, patch])
}

/// The per-channel sums of a `[N, C, …]` tensor (a bias gradient).
private func channelSums(_ g: Tensor, batch n: Int, channels c: Int) -> Tensor {
    rowSums(g, rows: n * c, columns: g.count / Swift.max(n * c, 1)).reshaped([n, c]).sum(axis: 0)
}

/// A convolution's input gradient from the output gradient `g` (`[N, Cout, OH, OW]`): per image,
/// Wᵀ times its gradient gives its block of the columns' gradient, which col2im scatters back.
private func convInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let cout = weight.shape[0]
    let dcols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    perImageColumns(geo, batch: n, rows: cout, a: weight.reshaped([cout, geo.patchSize]), images: g, into: dcols)
    let image = Tensor(shape: [n, geo.channels, geo.height, geo.width])
    geo.col2im(dcols.storage.pointer, batch: n, into: image.storage.pointer)
    return image
}

/// A convolution's weight gradient (`[Cout, patch]`) and bias gradient from its input and output gradient.
private func convWeightGradient(_ x: Tensor, _ g: Tensor, geometry geo: ConvGeometry, batch n: Int,
                                outChannels cout: Int) -> (Tensor, Tensor) {
    let cols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(x.storage.pointer, batch: n, into: cols.storage.pointer)
    return (perImageSums(geo, batch: n, rows: cout, images: g, columns: cols), channelSums(g, batch: n, channels: cout))
}

/// A transposed convolution's input gradient: the convolution of its output gradient.
private func transposedInputGradient(_ g: Tensor, weight: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let cin = weight.shape[0]
    let gcols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
    let dx = Tensor(uninitializedShape: [n, cin, geo.outHeight, geo.outWidth])
    perImageProducts(geo, batch: n, rows: cin, a: weight.reshaped([cin, geo.patchSize]), columns: gcols, into: dx)
    return dx
}

/// A transposed convolution's weight gradient, `[Cin, patch]`.
private func transposedWeightGradient(_ x: Tensor, _ g: Tensor, geometry geo: ConvGeometry, batch n: Int) -> Tensor {
    let gcols = Tensor(uninitializedShape: [geo.patchSize, n * geo.positions])
    geo.im2col(g.storage.pointer, batch: n, into: gcols.storage.pointer)
    return perImageSums(geo, batch: n, rows: x.shape[1], images: x, columns: gcols)
}

/// Adds `bias[c]` to every element of channel c of a `[N, C, P…]` tensor, in place.
func addChannelBias(_ y: inout Tensor, _ bias: Tensor, channels: Int, positions: Int) {
    y.makeUnique()
    let py = y.storage.pointer
    parallelFor(y.count / Swift.max(positions, 1), minChunk: 16) { range in
        addBias(bias, channels: channels, to: py, planes: range, positions: positions)
    }
}

/// Adds `bias[c]` to each `positions`-long plane in `planes` of the `[…, channels, positions]`
/// buffer at `pointer`, plane i being channel i mod `channels`.
private func addBias(_ bias: Tensor, channels: Int, to pointer: UnsafeMutablePointer<Float>, planes: Range<Int>,
                     positions: Int) {
    let pb = bias.storage.pointer
    for plane in planes {
        let b = pb[plane % channels], row = pointer + plane * positions
        for j in 0..<positions { row[j] += b }
    }
}
