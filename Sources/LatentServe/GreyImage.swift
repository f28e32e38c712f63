import LatentPlot

/// Grey PNGs of pixel rows in [0, 1]: thumbnails, decoded images and interpolation strips.
enum GreyImage {
    /// `images` (each `side × side` values, laid out in `images.count / side²` rows) side by side,
    /// each pixel drawn as a `scale × scale` block.
    static func png(_ values: [Float], side: Int, count: Int, scale: Int) -> [UInt8] {
        let width = side * count * scale, height = side * scale
        var pixels = [UInt8](repeating: 0, count: width * height)
        for image in 0..<count {
            for y in 0..<side {
                for x in 0..<side {
                    let v = values[image * side * side + y * side + x]
                    let byte = UInt8(max(0, min(255, (v.isFinite ? v : 0) * 255 + 0.5)))
                    for dy in 0..<scale {
                        let row = (y * scale + dy) * width + (image * side + x) * scale
                        for dx in 0..<scale { pixels[row + dx] = byte }
                    }
                }
            }
        }
        // Level 1: these are made per request and tiny; the time goes to deflate otherwise.
        return PNG.encode(width: width, height: height, colorType: .grayscale, pixels: pixels, compressionLevel: 1)
    }
}
