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

    /// Writes the columns of `batch` images at `image` (`[batch, C, H, W]`) into `cols`, a
    /// `[patchSize, batch · positions]` matrix. Padding reads as zero.
    public func im2col(_ image: UnsafePointer<Float>, batch: Int, into cols: UnsafeMutablePointer<Float>) {
        let ldc = batch * positions
        let (oh, ow, kh, kw, s, p, h, w) = (outHeight, outWidth, kernelHeight, kernelWidth, stride, padding, height, width)
        parallelFor(patchSize, minChunk: 4) { rows in
            for row in rows {
                let c = row / (kh * kw), ki = (row / kw) % kh, kj = row % kw
                for n in 0..<batch {
                    let src = image + (n * channels + c) * h * w
                    let dst = cols + row * ldc + n * oh * ow
                    for oy in 0..<oh {
                        let y = oy * s - p + ki
                        let line = dst + oy * ow
                        if y < 0 || y >= h {
                            line.update(repeating: 0, count: ow)
                            continue
                        }
                        let srcLine = src + y * w
                        for ox in 0..<ow {
                            let x = ox * s - p + kj
                            line[ox] = x >= 0 && x < w ? srcLine[x] : 0
                        }
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
        // Split over (image, channel) pairs: each writes only its own plane, so no races.
        parallelFor(batch * channels, minChunk: 2) { planes in
            for plane in planes {
                let n = plane / channels, c = plane % channels
                let dst = image + plane * h * w
                for ki in 0..<kh {
                    for kj in 0..<kw {
                        let row = (c * kh + ki) * kw + kj
                        let src = cols + row * ldc + n * oh * ow
                        for oy in 0..<oh {
                            let y = oy * s - p + ki
                            if y < 0 || y >= h { continue }
                            let line = src + oy * ow, dstLine = dst + y * w
                            for ox in 0..<ow {
                                let x = ox * s - p + kj
                                if x >= 0 && x < w { dstLine[x] += line[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
