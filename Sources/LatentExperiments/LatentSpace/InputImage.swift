import Foundation
import LatentIO
import LatentModels
import LatentPlot
import LatentTensor

/// An image a user points at: a test-set index (`"17"`) or a PNG file, as one row `[1, pixels]`
/// with values in [0, 1], and a name for reports ("test image 17 (a 4)", or the file's path).
public struct InputImage {
    /// The pixels, `[1, size]`.
    public let pixels: Tensor
    /// What the image is, for people.
    public let name: String

    /// The image `spec` names: an index into `data` or a PNG of `size` pixels. `flag` is how the
    /// user passed it (`--from`), so errors name it.
    public init(_ spec: String, flag: String, data: Dataset, size: Int) throws {
        if let i = Int(spec) {
            guard i >= 0 && i < data.count else {
                throw ExperimentError("\(flag) \(i): \(LatentSpaceError.indexOutOfRange(i, count: data.count))")
            }
            pixels = data.inputs.rows(i..<i + 1)
            name = "test image \(i)\(data.labels.map { " (\($0[i] == 8 ? "an" : "a") \($0[i]))" } ?? "")"
            return
        }
        guard let bytes = FileManager.default.contents(atPath: spec) else {
            throw ExperimentError("\(flag) \(spec): neither an image index nor a readable PNG file")
        }
        pixels = try Self.grey(png: bytes, path: spec, size: size)
        name = spec
    }

    /// A PNG file's pixels as grey values in [0, 1] (colour averaged over red, green and blue),
    /// `[1, width × height]`; it must have `size` pixels.
    public static func grey(png bytes: Data, path: String, size: Int) throws -> Tensor {
        let png: PNGImage
        do { png = try PNG.decode([UInt8](bytes)) } catch { throw ExperimentError("\(path): \(error)") }
        guard png.width * png.height == size else {
            throw ExperimentError("\(path): the image is \(png.width)×\(png.height) = \(png.width * png.height) pixels, the model expects \(size)")
        }
        let channels = png.colorType.channels
        var values = [Float](repeating: 0, count: size)
        for i in values.indices {
            let first = i * channels
            let grey = channels >= 3
                ? (Float(png.pixels[first]) + Float(png.pixels[first + 1]) + Float(png.pixels[first + 2])) / 3
                : Float(png.pixels[first])
            values[i] = grey / 255
        }
        return Tensor(shape: [1, size], scalars: values)
    }
}
