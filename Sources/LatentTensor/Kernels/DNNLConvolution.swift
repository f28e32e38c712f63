import CLatentDNNL
import Synchronization

/// The geometry of one oneDNN convolution, `src [N, I, H, W] → dst [N, O, OH, OW]` with weights
/// `[O, I, kh, kw]` (PyTorch's layouts), and the thread count its primitives are made for.
/// Padding may differ between the leading and trailing edge (a trailing pad can be negative:
/// rows the floor of the output extent leaves unread).
struct DNNLConvolutionShape: Hashable, Sendable {
    var batch: Int, inChannels: Int, outChannels: Int
    var height: Int, width: Int
    var kernelHeight: Int, kernelWidth: Int
    var stride: Int
    var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    var outHeight: Int, outWidth: Int
    var bias: Bool
    var threads: Int

    /// The shape of a convolution with symmetric `padding` whose output extent is given: the
    /// trailing pads are what makes `(H + top + bottom − kh) / s + 1 = OH` exact.
    init(batch: Int, inChannels: Int, outChannels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
         stride: Int, padding: Int, outHeight: Int, outWidth: Int, bias: Bool, threads: Int) {
        self.batch = batch; self.inChannels = inChannels; self.outChannels = outChannels
        self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride
        padTop = padding; padLeft = padding
        padBottom = (outHeight - 1) * stride + kernelHeight - height - padding
        padRight = (outWidth - 1) * stride + kernelWidth - width - padding
        self.outHeight = outHeight; self.outWidth = outWidth
        self.bias = bias
        self.threads = threads
    }

    var source: [Int] { [batch, inChannels, height, width] }
    var destination: [Int] { [batch, outChannels, outHeight, outWidth] }
    var weights: [Int] { [outChannels, inChannels, kernelHeight, kernelWidth] }
    /// Strides and leading and trailing pads, as `dnnl_dims_t` contents.
    var windowDims: (strides: [Int64], leading: [Int64], trailing: [Int64]) {
        (dnnlDims([stride, stride]), dnnlDims([padTop, padLeft]), dnnlDims([padBottom, padRight]))
    }
}

/// oneDNN's convolution primitives for one shape: forward, gradient with respect to the source
/// and gradient with respect to the weights (and bias), on Latent's plain `[N, C, H, W]` buffers.
/// The primitives choose their own (blocked) layouts; `DNNLPrimitive` reorders at the edges.
///
/// Made through `DNNLConvolution.cached(_:)`, which keeps them per shape (creation compiles
/// kernels, a few milliseconds). The backward primitives are made on first use, so inference
/// never pays for them. Every method returns `false` when oneDNN fails, and callers then fall
/// back to im2col.
final class DNNLConvolution: @unchecked Sendable {
    let shape: DNNLConvolutionShape
    private let forwardPrimitive: DNNLPrimitive
    private let backward = Mutex<(data: DNNLPrimitive??, weights: DNNLPrimitive??)>((nil, nil))
    private let plainSource: dnnl_memory_desc_t, plainDestination: dnnl_memory_desc_t
    private let plainWeights: dnnl_memory_desc_t, plainBias: dnnl_memory_desc_t

    private init?(_ shape: DNNLConvolutionShape) {
        self.shape = shape
        guard let src = dnnlMemoryDescriptor(shape.source, dnnl_nchw),
              let dst = dnnlMemoryDescriptor(shape.destination, dnnl_nchw),
              let w = dnnlMemoryDescriptor(shape.weights, dnnl_oihw),
              let b = dnnlMemoryDescriptor([shape.outChannels], dnnl_x) else { return nil }
        plainSource = src; plainDestination = dst; plainWeights = w; plainBias = b
        guard let anySrc = dnnlMemoryDescriptor(shape.source, dnnl_format_tag_any),
              let anyDst = dnnlMemoryDescriptor(shape.destination, dnnl_format_tag_any),
              let anyW = dnnlMemoryDescriptor(shape.weights, dnnl_format_tag_any) else { return nil }
        var (s, d, wt, bias) = (anySrc, anyDst, anyW, b)
        let (strides, padL, padR) = shape.windowDims
        var op = dnnl_convolution_desc_t()
        let status = withUnsafePointer(to: &bias) { biasPointer in
            dnnl_convolution_forward_desc_init(&op, dnnl_forward_training, dnnl_convolution_direct, &s, &wt,
                                               shape.bias ? biasPointer : nil, &d, strides, padL, padR)
        }
        guard status == dnnl_success else { return nil }
        var specs = [
            DNNLArgumentSpec(id: DNNL_ARG_SRC, isOutput: false, plain: src, query: dnnl_query_src_md),
            DNNLArgumentSpec(id: DNNL_ARG_WEIGHTS, isOutput: false, plain: w, query: dnnl_query_weights_md),
        ]
        if shape.bias { specs.append(DNNLArgumentSpec(id: DNNL_ARG_BIAS, isOutput: false, plain: b, query: dnnl_query_weights_md, index: 1)) }
        specs.append(DNNLArgumentSpec(id: DNNL_ARG_DST, isOutput: true, plain: dst, query: dnnl_query_dst_md))
        guard let forward = withUnsafePointer(to: &op, { DNNLPrimitive(operation: $0, hint: nil, threads: shape.threads,
                                                                      arguments: specs) })
        else { return nil }
        forwardPrimitive = forward
    }

    private static let cache = DNNLPrimitiveCache<DNNLConvolutionShape, DNNLConvolution>(capacity: 64)

    /// The primitives for `shape`, made once; `nil` when oneDNN has no implementation for it.
    static func cached(_ shape: DNNLConvolutionShape) -> DNNLConvolution? {
        cache.value(for: shape, make: DNNLConvolution.init)
    }

    /// `dst = conv(src, weights) + bias`, all plain row-major buffers. Returns `nil` if oneDNN
    /// fails, else the source as reordered for the primitive (when it was), which
    /// `backwardWeights` reads instead of reordering the source again.
    func forward(source: UnsafePointer<Float>, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 destination: UnsafeMutablePointer<Float>) -> DNNLStagedBuffer?? {
        var operands = [DNNLOperand(source), DNNLOperand(weights)]
        if shape.bias {
            guard let bias else { return nil }
            operands.append(DNNLOperand(bias))
        }
        operands.append(DNNLOperand(destination))
        guard let kept = forwardPrimitive.run(operands, keep: [0]) else { return nil }
        return .some(kept[0])
    }

    /// The gradient with respect to the source, `[N, I, H, W]`, of a loss whose gradient with
    /// respect to the destination is `destinationGradient` (overwrites `sourceGradient`).
    /// Returns `nil` if oneDNN fails, else the destination gradient as reordered for the
    /// primitive (when it was), for `backwardWeights`.
    func backwardData(destinationGradient: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                      sourceGradient: UnsafeMutablePointer<Float>) -> DNNLStagedBuffer?? {
        guard let primitive = backwardDataPrimitive(),
              let kept = primitive.run([DNNLOperand(destinationGradient), DNNLOperand(weights), DNNLOperand(sourceGradient)],
                                       keep: [0]) else { return nil }
        return .some(kept[0])
    }

    /// The gradients with respect to the weights (and the bias, when the shape has one), which
    /// it overwrites. `stagedSource` and `stagedDestinationGradient` are copies the forward
    /// and backward-data primitives made, read in place of a second reorder.
    func backwardWeights(source: UnsafePointer<Float>, destinationGradient: UnsafePointer<Float>,
                         weightsGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
                         stagedSource: DNNLStagedBuffer? = nil, stagedDestinationGradient: DNNLStagedBuffer? = nil) -> Bool {
        guard let primitive = backwardWeightsPrimitive() else { return false }
        var operands = [DNNLOperand(source, staged: stagedSource),
                        DNNLOperand(destinationGradient, staged: stagedDestinationGradient), DNNLOperand(weightsGradient)]
        if shape.bias {
            guard let biasGradient else { return false }
            operands.append(DNNLOperand(biasGradient))
        }
        return primitive.run(operands) != nil
    }

    private func backwardDataPrimitive() -> DNNLPrimitive? {
        if let made = backward.withLock({ $0.data }) { return made }
        let made = makeBackwardData()
        backward.withLock { $0.data = .some(made) }
        return made
    }

    private func backwardWeightsPrimitive() -> DNNLPrimitive? {
        if let made = backward.withLock({ $0.weights }) { return made }
        let made = makeBackwardWeights()
        backward.withLock { $0.weights = .some(made) }
        return made
    }

    private func makeBackwardData() -> DNNLPrimitive? {
        guard var s = dnnlMemoryDescriptor(shape.source, dnnl_format_tag_any),
              var d = dnnlMemoryDescriptor(shape.destination, dnnl_format_tag_any),
              var w = dnnlMemoryDescriptor(shape.weights, dnnl_format_tag_any) else { return nil }
        let (strides, padL, padR) = shape.windowDims
        var op = dnnl_convolution_desc_t()
        guard dnnl_convolution_backward_data_desc_init(&op, dnnl_convolution_direct, &s, &w, &d, strides, padL,
                                                       padR) == dnnl_success else { return nil }
        let specs = [
            DNNLArgumentSpec(id: DNNL_ARG_DIFF_DST, isOutput: false, plain: plainDestination, query: dnnl_query_diff_dst_md),
            DNNLArgumentSpec(id: DNNL_ARG_WEIGHTS, isOutput: false, plain: plainWeights, query: dnnl_query_weights_md),
            DNNLArgumentSpec(id: DNNL_ARG_DIFF_SRC, isOutput: true, plain: plainSource, query: dnnl_query_diff_src_md),
        ]
        return withUnsafePointer(to: &op) {
            DNNLPrimitive(operation: $0, hint: forwardPrimitive.hint, threads: shape.threads, arguments: specs)
        }
    }

    private func makeBackwardWeights() -> DNNLPrimitive? {
        guard var s = dnnlMemoryDescriptor(shape.source, dnnl_format_tag_any),
              var d = dnnlMemoryDescriptor(shape.destination, dnnl_format_tag_any),
              var w = dnnlMemoryDescriptor(shape.weights, dnnl_format_tag_any) else { return nil }
        var b = plainBias
        let (strides, padL, padR) = shape.windowDims
        var op = dnnl_convolution_desc_t()
        let status = withUnsafePointer(to: &b) { biasPointer in
            dnnl_convolution_backward_weights_desc_init(&op, dnnl_convolution_direct, &s, &w, shape.bias ? biasPointer : nil,
                                                        &d, strides, padL, padR)
        }
        guard status == dnnl_success else { return nil }
        var specs = [
            DNNLArgumentSpec(id: DNNL_ARG_SRC, isOutput: false, plain: plainSource, query: dnnl_query_src_md),
            DNNLArgumentSpec(id: DNNL_ARG_DIFF_DST, isOutput: false, plain: plainDestination, query: dnnl_query_diff_dst_md),
            DNNLArgumentSpec(id: DNNL_ARG_DIFF_WEIGHTS, isOutput: true, plain: plainWeights, query: dnnl_query_diff_weights_md),
        ]
        if shape.bias { specs.append(DNNLArgumentSpec(id: DNNL_ARG_DIFF_BIAS, isOutput: true, plain: plainBias, query: dnnl_query_diff_weights_md, index: 1)) }
        return withUnsafePointer(to: &op) {
            DNNLPrimitive(operation: $0, hint: forwardPrimitive.hint, threads: shape.threads, arguments: specs)
        }
    }
}
