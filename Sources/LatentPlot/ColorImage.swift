import CLatentJPEG
import LatentIO
import LatentTensor

/// A colour picture as numbers: red, green and blue planes of `height × width` values in [0, 1],
/// channels first (`[3, height, width]`, the layout convolutions take).
///
/// Reads PNG (8-bit grey, grey + alpha, RGB, RGBA; grey is copied into all three channels and
/// alpha is dropped) and JPEG (baseline and progressive, colour or grey, through libjpeg-turbo),
/// resizes, and writes RGB PNG.
///
/// ```swift
/// let style = try ColorImage.read("brick.png").resized(longestSide: 256)
/// try style.writePNG(to: "out/style.png")
/// ```
public struct ColorImage: Sendable {
    /// `[3, height, width]`, values in [0, 1].
    public var pixels: Tensor

    /// Pixels per row.
    public var width: Int { pixels.shape[2] }
    /// Number of rows.
    public var height: Int { pixels.shape[1] }

    /// An image over `pixels`, which must have shape `[3, H, W]` with H, W ≥ 1.
    public init(pixels: Tensor) {
        precondition(pixels.rank == 3 && pixels.shape[0] == 3 && pixels.shape[1] > 0 && pixels.shape[2] > 0,
                     "ColorImage: pixels must be [3, H, W], got \(pixels.shape)")
        self.pixels = pixels
    }

    /// Images with more pixels than this (4096 × 4096) are refused before their pixels are
    /// decoded: texture synthesis works at a few hundred pixels a side, and a hostile header must
    /// not make the reader allocate gigabytes.
    public static let maximumPixels = 4096 * 4096

    /// Reads a PNG or JPEG file (told apart by their first bytes, not the file name).
    /// Errors name the file: missing, not an image, truncated or corrupt, too large.
    public static func read(_ path: String) throws -> ColorImage {
        try decode(try FileBytes.read(path, limit: 1 << 30), path: path)
    }

    /// Decodes the bytes of a PNG or JPEG file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> ColorImage {
        if bytes.count >= 8 && Array(bytes[0..<8]) == PNG.signature { return try decodePNG(bytes, path: path) }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF { return try decodeJPEG(bytes, path: path) }
        if bytes.isEmpty { throw LatentIOError.corrupt(path, "empty file, expected a PNG or JPEG image") }
        throw LatentIOError.corrupt(path, "not a PNG or JPEG image (unknown signature)")
    }

    /// The image a PNG holds: grey copied into the three channels, alpha dropped.
    public init(png: PNGImage) {
        let (w, h, channels) = (png.width, png.height, png.colorType.channels)
        let out = Tensor(uninitializedShape: [3, h, w])
        let plane = w * h, p = out.unsafeBaseAddress
        png.pixels.withUnsafeBufferPointer { src in
            for i in 0..<plane {
                let o = i * channels
                let colour = channels >= 3
                p[i] = Float(src[o]) / 255
                p[plane + i] = Float(src[colour ? o + 1 : o]) / 255
                p[2 * plane + i] = Float(src[colour ? o + 2 : o]) / 255
            }
        }
        self.init(pixels: out)
    }

    private static func decodePNG(_ bytes: [UInt8], path: String) throws -> ColorImage {
        // The header's size is checked before the decoder inflates anything: IHDR's width and
        // height sit at bytes 16–23 of every PNG.
        if bytes.count >= 24 {
            let w = Int(bytes.readBigEndian(at: 16)), h = Int(bytes.readBigEndian(at: 20))
            if w > 0, h > 0, w.multipliedReportingOverflow(by: h).partialValue > maximumPixels || w > maximumPixels || h > maximumPixels {
                throw LatentIOError.tooLarge(path, "PNG of \(w)x\(h) pixels exceeds the limit of \(maximumPixels) pixels")
            }
        }
        do {
            return ColorImage(png: try PNG.decode(bytes))
        } catch {
            switch error {
            case .truncated(let offset):
                throw LatentIOError.truncated(path, what: "PNG ends inside the chunk at byte \(offset)", expected: offset + 12, got: bytes.count)
            case .unsupported(let what): throw LatentIOError.unsupported(path, "PNG: \(what)")
            default: throw LatentIOError.corrupt(path, error.description)
            }
        }
    }

    private static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> ColorImage {
        var data: UnsafeMutablePointer<UInt8>?
        var w: Int32 = 0, h: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { src in
            message.withUnsafeMutableBufferPointer { m in
                latent_jpeg_decode(src.baseAddress, src.count, maximumPixels, &data, &w, &h, m.baseAddress, m.count)
            }
        }
        guard status == 0, let data else {
            let reason = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if reason.contains("exceeds the limit") { throw LatentIOError.tooLarge(path, "JPEG: \(reason)") }
            throw LatentIOError.corrupt(path, "JPEG: \(reason)")
        }
        defer { latent_jpeg_free(data) }
        let (width, height) = (Int(w), Int(h))
        let out = Tensor(uninitializedShape: [3, height, width])
        let plane = width * height, p = out.unsafeBaseAddress
        for i in 0..<plane {
            p[i] = Float(data[3 * i]) / 255
            p[plane + i] = Float(data[3 * i + 1]) / 255
            p[2 * plane + i] = Float(data[3 * i + 2]) / 255
        }
        return ColorImage(pixels: out)
    }

    // MARK: Resizing

    /// The image scaled so its longer side is `longestSide` pixels, keeping the aspect ratio
    /// (the shorter side rounds to the nearest pixel, at least 1).
    public func resized(longestSide: Int) -> ColorImage {
        precondition(longestSide > 0, "ColorImage.resized: longest side \(longestSide) must be positive")
        let scale = Double(longestSide) / Double(Swift.max(width, height))
        let w = width >= height ? longestSide : Swift.max(1, Int((Double(width) * scale).rounded()))
        let h = height > width ? longestSide : Swift.max(1, Int((Double(height) * scale).rounded()))
        return resized(width: w, height: h)
    }

    /// The image scaled to exactly `width × height`. Each axis is resampled on its own: shrinking
    /// averages the source pixels each output pixel covers (an area filter, weighted by overlap,
    /// so no detail aliases); enlarging interpolates linearly between pixel centres.
    public func resized(width newWidth: Int, height newHeight: Int) -> ColorImage {
        precondition(newWidth > 0 && newHeight > 0, "ColorImage.resized: size \(newWidth)x\(newHeight) must be positive")
        if newWidth == width && newHeight == height { return self }
        let columns = Self.resamplingWeights(from: width, to: newWidth)
        let rows = Self.resamplingWeights(from: height, to: newHeight)
        // Rows first: [3, H, W] → [3, H, W'] → [3, H', W'].
        let wide = Tensor(shape: [3, height, newWidth])
        let src = pixels.unsafeBaseAddress, mid = wide.unsafeBaseAddress
        for r in 0..<(3 * height) {
            let input = src + r * width, output = mid + r * newWidth
            for (o, taps) in columns.enumerated() {
                var s: Float = 0
                for (i, weight) in taps { s += weight * input[i] }
                output[o] = s
            }
        }
        let out = Tensor(shape: [3, newHeight, newWidth])
        let dst = out.unsafeBaseAddress
        for c in 0..<3 {
            for (o, taps) in rows.enumerated() {
                let output = dst + (c * newHeight + o) * newWidth
                for (i, weight) in taps {
                    let input = mid + (c * height + i) * newWidth
                    for x in 0..<newWidth { output[x] += weight * input[x] }
                }
            }
        }
        return ColorImage(pixels: out)
    }

    /// For each of `m` output positions along an axis of `n` input pixels, the input pixels it
    /// reads and their weights (summing to 1).
    static func resamplingWeights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let scale = Double(n) / Double(m)
        if m < n {
            // Area: output pixel o covers [o·scale, (o+1)·scale) of the input.
            return (0..<m).map { o in
                let start = Double(o) * scale, end = Double(o + 1) * scale
                var taps: [(Int, Float)] = []
                var i = Int(start.rounded(.down))
                while Double(i) < end && i < n {
                    let overlap = Swift.min(end, Double(i + 1)) - Swift.max(start, Double(i))
                    if overlap > 1e-9 { taps.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return taps
            }
        }
        // Linear between the centres, half-pixel aligned; the edges repeat the border pixel.
        return (0..<m).map { o in
            let x = Swift.min(Swift.max((Double(o) + 0.5) * scale - 0.5, 0), Double(n - 1))
            let left = Int(x.rounded(.down)), right = Swift.min(left + 1, n - 1)
            let t = Float(x - Double(left))
            return right == left || t == 0 ? [(left, Float(1))] : [(left, 1 - t), (right, t)]
        }
    }

    // MARK: Writing

    /// The pixels as an 8-bit RGB PNG raster (values clamped to [0, 1] and rounded).
    public var pngImage: PNGImage {
        let plane = width * height, p = pixels.unsafeBaseAddress
        var bytes = [UInt8](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 { bytes[3 * i + c] = UInt8((Swift.min(Swift.max(p[c * plane + i], 0), 1) * 255).rounded()) }
        }
        return PNGImage(width: width, height: height, colorType: .rgb, pixels: bytes)
    }

    /// Writes the image as an RGB PNG, atomically.
    public func writePNG(to path: String) throws {
        try AtomicFile.write(PNG.encode(pngImage), to: path)
    }

    /// The images side by side on one row, `gap` white pixels apart; shorter images are
    /// top-aligned on white.
    public static func strip(_ images: [ColorImage], gap: Int = 4) -> ColorImage {
        precondition(!images.isEmpty, "ColorImage.strip: no images")
        let h = images.map(\.height).max() ?? 1
        let w = images.map(\.width).reduce(0, +) + gap * (images.count - 1)
        let out = Tensor(shape: [3, h, w], repeating: 1)
        let dst = out.unsafeBaseAddress
        var x0 = 0
        for image in images {
            let src = image.pixels.unsafeBaseAddress
            for c in 0..<3 {
                for y in 0..<image.height {
                    (dst + (c * h + y) * w + x0).update(from: src + (c * image.height + y) * image.width, count: image.width)
                }
            }
            x0 += image.width + gap
        }
        return ColorImage(pixels: out)
    }
}
