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

    /// The window positions `ox` along one output row whose input column `ox·stride − padding +
    /// offset` lies inside `0..<extent`, for a kernel column (or row) `offset`: every other position
    /// reads padding. Computing this range once per kernel element keeps the bounds test out of
    /// the inner loops of `im2col` and `col2im`.
    @inlinable
    static func validRange(offset: Int, stride s: Int, padding p: Int, extent: Int, outExtent: Int) -> Range<Int> {
        // ox·s ≥ p − offset  and  ox·s ≤ extent − 1 + p − offset, with floor/ceil division that is
        // correct for negative numerators.
        let lowNumerator = p - offset, highNumerator = extent - 1 + p - offset
        let low = lowNumerator <= 0 ? 0 : (lowNumerator + s - 1) / s
        let high = highNumerator < 0 ? -1 : highNumerator / s
        let lo = Swift.min(low, outExtent), hi = Swift.min(Swift.max(high + 1, lo), outExtent)
        return lo..<hi
    }

    /// Writes the columns of `batch` images at `image` (`[batch, C, H, W]`) into `cols`, a
    /// `[patchSize, batch · positions]` matrix. Padding reads as zero.
    public func im2col(_ image: UnsafePointer<Float>, batch: Int, into cols: UnsafeMutablePointer<Float>) {
        let ldc = batch * positions
        let (oh, ow, kh, kw, s, p, h, w) = (outHeight, outWidth, kernelHeight, kernelWidth, stride, padding, height, width)
        let channels = channels
        parallelFor(patchSize, minChunk: 4) { rows in
            for row in rows {
                let c = row / (kh * kw), ki = (row / kw) % kh, kj = row % kw
                let xs = ConvGeometry.validRange(offset: kj, stride: s, padding: p, extent: w, outExtent: ow)
                let ys = ConvGeometry.validRange(offset: ki, stride: s, padding: p, extent: h, outExtent: oh)
                for n in 0..<batch {
                    let src = image + (n * channels + c) * h * w
                    let dst = cols + row * ldc + n * oh * ow
                    // Rows above and below the image read padding.
                    if ys.lowerBound > 0 { dst.update(repeating: 0, count: ys.lowerBound * ow) }
                    if ys.upperBound < oh { (dst + ys.upperBound * ow).update(repeating: 0, count: (oh - ys.upperBound) * ow) }
                    for oy in ys {
                        let line = dst + oy * ow
                        // Input column of window position ox: ox·s + offset (in bounds for ox in xs).
                        let offset = (oy * s - p + ki) * w + kj - p
                        for ox in 0..<xs.lowerBound { line[ox] = 0 }
                        if s == 1 {
                            (line + xs.lowerBound).update(from: src + offset + xs.lowerBound, count: xs.count)
                        } else {
                            for ox in xs { line[ox] = src[offset + ox * s] }
                        }
                        for ox in xs.upperBound..<ow { line[ox] = 0 }
                    }
                }
            }
        }
    }

    /// Adds the columns in `cols` (`[patchSize, batch · positions]`) back into `image`
    /// (`[batch, C, H, W]`), which the caller has zeroed or wants accumulated into.
    public func col2im(_ cols: UnsafePointer<Float>, batch: Int, into image: UnsafeMutablePointer<Float>) {
        let ldc = batch * positions
        let (oh, ow, kh, kw, s, p, h, w) = (outHeight, outWidth, kernelHeight, kernelWidth, stride, padding, height, width)
        let channels = channels
        // Split over (image, channel) pairs: each writes only its own plane, so no races.
        parallelFor(batch * channels, minChunk: 2) { planes in
            for plane in planes {
                let n = plane / channels, c = plane % channels
                let dst = image + plane * h * w
                for ki in 0..<kh {
                    let ys = ConvGeometry.validRange(offset: ki, stride: s, padding: p, extent: h, outExtent: oh)
                    for kj in 0..<kw {
                        let xs = ConvGeometry.validRange(offset: kj, stride: s, padding: p, extent: w, outExtent: ow)
                        let row = (c * kh + ki) * kw + kj
                        let src = cols + row * ldc + n * oh * ow
                        for oy in ys {
                            let line = src + oy * ow, offset = (oy * s - p + ki) * w + kj - p
                            for ox in xs { dst[offset + ox * s] += line[ox] }
                        }
                    }
                }
            }
        }
    }
}
