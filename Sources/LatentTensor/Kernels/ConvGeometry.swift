/// The index arithmetic shared by convolution and transposed convolution: an image of
/// `channels × height × width` scanned by a `kernelHeight × kernelWidth` window with `stride` and
/// zero `padding`, giving `outHeight × outWidth` window positions.
///
/// `im2col` lays every window out as a column, so a convolution becomes one GEMM; `col2im` is its
/// adjoint (scatter-add of columns back into the image), which is both the backward pass of a
/// convolution and the forward pass of a transposed convolution.
public struct ConvGeometry: Sendable, Equatable {
    public var channels: Int, height: Int, width: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var stride: Int, padding: Int
    public var outHeight: Int, outWidth: Int

    /// Geometry of a convolution over a `height × width` input; output extents follow
    /// ⌊(H + 2p − k) / s⌋ + 1.
    public init(channels: Int, height: Int, width: Int, kernel: (Int, Int), stride: Int, padding: Int) {
        self.channels = channels; self.height = height; self.width = width
        kernelHeight = kernel.0; kernelWidth = kernel.1
        self.stride = stride; self.padding = padding
        outHeight = (height + 2 * padding - kernel.0) / stride + 1
        outWidth = (width + 2 * padding - kernel.1) / stride + 1
    }

    /// Rows of the column matrix: one per (channel, kernel row, kernel column).
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Window positions per image.
    public var positions: Int { outHeight * outWidth }
    /// Elements of one input image.
    public var imageSize: Int { channels * height * width }

    /// For each kernel element k = (ki, kj) and window position j, the offset in an input plane
    /// that the window reads there, or `height · width` (one past the plane) where it reads
    /// padding: `[kh · kw, positions]`. With a plane copied into a scratch buffer one element
    /// longer (that element zero), `im2col` and `col2im` become branch-free gathers and scatters
    /// over runs of `positions`, whatever the stride and padding.
    func windowOffsets() -> [Int32] {
        let (oh, ow, kh, kw, s, p, h, w) = (outHeight, outWidth, kernelHeight, kernelWidth, stride, padding, height, width)
        var table = [Int32](repeating: Int32(h * w), count: kh * kw * oh * ow)
        for ki in 0..<kh {
            for kj in 0..<kw {
                let base = (ki * kw + kj) * oh * ow
                for oy in 0..<oh {
                    let y = oy * s - p + ki
                    guard y >= 0 && y < h else { continue }
                    for ox in 0..<ow {
                        let x = ox * s - p + kj
                        if x >= 0 && x < w { table[base + oy * ow + ox] = Int32(y * w + x) }
                    }
                }
            }
        }
        return table
    }

    /// Runs `body(scratch, plane, column, offsets)` for every (channel, image) pair of a batch,
    /// channel-major (consecutive tasks touch consecutive runs of the same column rows), split
    /// over the threads. `scratch` holds `height · width + 1` floats, the last one zero on entry
    /// to each task; `plane` is the pair's offset in `[batch, C, H, W]`, `column` its first column
    /// in the first of its kh·kw rows of the `[patchSize, batch · positions]` column matrix, and
    /// `offsets` the `windowOffsets` table.
    private func forEachPlane(batch: Int, minChunk: Int,
                              _ body: (UnsafeMutablePointer<Float>, Int, Int, UnsafePointer<Int32>) -> Void) {
        let (positions, planeSize, channels, kk) = (positions, height * width, channels, kernelHeight * kernelWidth)
        let table = windowOffsets()
        table.withUnsafeBufferPointer { offsets in
            let offsets = offsets.baseAddress!
            parallelFor(batch * channels, minChunk: minChunk) { tasks in
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: planeSize + 1)
                defer { scratch.deallocate() }
                for index in tasks {
                    let c = index / batch, n = index % batch
                    scratch[planeSize] = 0
                    body(scratch, (n * channels + c) * planeSize, c * kk * batch * positions + n * positions, offsets)
                }
            }
        }
    }

    /// Writes the columns of `batch` images at `image` (`[batch, C, H, W]`) into `cols`, a
    /// `[patchSize, batch · positions]` matrix. Padding reads as zero.
    public func im2col(_ image: UnsafePointer<Float>, batch: Int, into cols: UnsafeMutablePointer<Float>) {
        let (ldc, positions, planeSize, kk) = (batch * positions, positions, height * width, kernelHeight * kernelWidth)
        // Each plane is read kh·kw times, from a small scratch copy whose extra element is the padding.
        forEachPlane(batch: batch, minChunk: 4) { scratch, plane, column, offsets in
            scratch.update(from: image + plane, count: planeSize)
            for k in 0..<kk {
                let dst = cols + column + k * ldc, o = offsets + k * positions
                for j in 0..<positions { dst[j] = scratch[Int(o[j])] }
            }
        }
    }

    /// Adds the columns in `cols` (`[patchSize, batch · positions]`) back into `image`
    /// (`[batch, C, H, W]`), which the caller has zeroed or wants accumulated into.
    public func col2im(_ cols: UnsafePointer<Float>, batch: Int, into image: UnsafeMutablePointer<Float>) {
        let (ldc, positions, planeSize, kk) = (batch * positions, positions, height * width, kernelHeight * kernelWidth)
        // Each task writes only its own plane. Within one kernel element the window positions hit
        // distinct pixels, so each run is a conflict-free scatter; padding lands in the extra element.
        forEachPlane(batch: batch, minChunk: 2) { scratch, plane, column, offsets in
            let dst = image + plane
            scratch.update(from: dst, count: planeSize)
            for k in 0..<kk {
                let src = cols + column + k * ldc, o = offsets + k * positions
                for j in 0..<positions { scratch[Int(o[j])] += src[j] }
            }
            dst.update(from: scratch, count: planeSize)
        }
    }
}

// Argument checks, in a form that can be tested: `conv2d` and `convTranspose2d` trap with the
// message these return. Ranks come first, so a wrong-rank input is reported with both shapes
// instead of failing on an index out of range.
extension ConvGeometry {
    /// What is wrong with convolving an input of shape `input` (`[N, Cin, H, W]`) with a weight
    /// of shape `weight` (`[Cout, Cin, kh, kw]`), a bias of shape `bias` and this stride and
    /// padding, as one sentence naming the shapes; `nil` when nothing is.
    public static func conv2dProblem(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Int) -> String? {
        guard input.count == 4 && weight.count == 4 else {
            return "conv2d: input \(input) and weight \(weight) must both have rank 4 (input [N, Cin, H, W], weight [Cout, Cin, kh, kw])"
        }
        if input[1] != weight[1] {
            return "conv2d: input \(input) has \(input[1]) channels but weight \(weight) ([Cout, Cin, kh, kw]) takes \(weight[1])"
        }
        if let problem = commonProblem("conv2d", input: input, weight: weight, bias: bias, outChannels: weight[0],
                                       stride: stride, padding: padding) {
            return problem
        }
        if input[2] + 2 * padding < weight[2] || input[3] + 2 * padding < weight[3] {
            return "conv2d: kernel of weight \(weight) is larger than input \(input) with padding \(padding)"
        }
        return nil
    }

    /// What is wrong with the transposed convolution of an input of shape `input`
    /// (`[N, Cin, H, W]`) with a weight of shape `weight` (`[Cin, Cout, kh, kw]`), a bias of shape
    /// `bias` and this stride, padding and output padding, as one sentence naming the shapes;
    /// `nil` when nothing is.
    public static func convTranspose2dProblem(input: [Int], weight: [Int], bias: [Int]?, stride: Int, padding: Int,
                                              outputPadding: Int) -> String? {
        guard input.count == 4 && weight.count == 4 else {
            return "convTranspose2d: input \(input) and weight \(weight) must both have rank 4 (input [N, Cin, H, W], weight [Cin, Cout, kh, kw])"
        }
        if input[1] != weight[0] {
            return "convTranspose2d: input \(input) has \(input[1]) channels but weight \(weight) ([Cin, Cout, kh, kw]) takes \(weight[0])"
        }
        if let problem = commonProblem("convTranspose2d", input: input, weight: weight, bias: bias, outChannels: weight[1],
                                       stride: stride, padding: padding) {
            return problem
        }
        if outputPadding < 0 || outputPadding >= stride {
            return "convTranspose2d: output padding \(outputPadding) must be ≥ 0 and below stride \(stride)"
        }
        let oh = (input[2] - 1) * stride - 2 * padding + weight[2] + outputPadding
        let ow = (input[3] - 1) * stride - 2 * padding + weight[3] + outputPadding
        if oh < 1 || ow < 1 {
            return "convTranspose2d: input \(input) with weight \(weight), stride \(stride) and padding \(padding) gives an empty \(oh)×\(ow) output"
        }
        return nil
    }

    /// The checks both convolutions share, once ranks and input channels are known to match.
    private static func commonProblem(_ op: String, input: [Int], weight: [Int], bias: [Int]?, outChannels: Int,
                                      stride: Int, padding: Int) -> String? {
        if weight[2] < 1 || weight[3] < 1 { return "\(op): weight \(weight) has an empty kernel" }
        if let bias, bias != [outChannels] {
            return "\(op): bias \(bias) does not match weight \(weight): expected [\(outChannels)]"
        }
        if stride < 1 || padding < 0 { return "\(op): stride \(stride) must be ≥ 1 and padding \(padding) ≥ 0" }
        return nil
    }
}
