import Foundation
import Latent

/// Opening a model file for the latent-space commands.
enum LatentModelFile {
    /// The generative model in `path`. Today a VAE; another kind (a classifier, an autoencoder
    /// without a prior) is an error that names the file and both kinds.
    static func load(_ path: String) throws -> VAE {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such model file") }
        return try VAE.load(path: path)
    }

    /// The generator in `path`: a VAE (its decoder) or a GAN (its generator), with a one-line
    /// description. Any other kind of model is an error that names the file and the kinds it takes.
    static func loadGenerator(_ path: String) throws -> (model: any LatentGenerator, summary: String) {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such model file") }
        let kind = try Checkpoint.read(path: path).kind
        switch kind {
        case VAE.kind:
            let vae = try VAE.load(path: path)
            return (vae, vae.config.summary)
        case GAN.kind:
            let gan = try GAN.load(path: path)
            return (gan, gan.summary)
        default:
            throw CLIError("\(path): holds a \(kind) model; this command needs a \(VAE.kind) or a \(GAN.kind)")
        }
    }

    /// Codes for `model` read from an .npy file, which must be `[n, latentSize]`.
    static func codes(_ path: String, for model: any LatentGenerator, modelPath: String) throws -> Tensor {
        let t = try NPY.read(path: path).tensor
        guard t.rank == 2, t.shape[0] > 0, t.shape[1] == model.latentSize else {
            throw CLIError("\(path): codes of shape \(t.shape), the model in \(modelPath) takes [n, \(model.latentSize)]")
        }
        guard t.scalars.allSatisfy(\.isFinite) else { throw CLIError("\(path): codes contain NaN or infinity") }
        return t
    }

    /// Checks `--latent` (when given) against the model's code width.
    static func check(latent: Int?, of model: any LatentGenerator, path: String) throws {
        if let latent, latent != model.latentSize {
            throw CLIError("\(path): the model takes \(model.latentSize)-dimensional latent codes, --latent says \(latent)")
        }
    }

    /// The classifier in `path`, which must read images of the size `vae` makes.
    static func classifier(_ path: String, for vae: VAE) throws -> Classifier {
        let c = try Classifier.load(path: path)
        guard c.config.inputSize == vae.config.inputSize else {
            throw CLIError("\(path): the classifier expects \(c.config.inputSize) inputs, the VAE makes \(vae.config.inputSize)")
        }
        return c
    }

    /// Checks that `data` fits `model`.
    static func check(_ data: Dataset, fits model: VAE, path: String) throws {
        guard data.inputs.shape[1] == model.config.inputSize else {
            throw CLIError("\(path): expects \(model.config.inputSize) inputs per image, the data has \(data.inputs.shape[1])")
        }
    }

    /// An image for the model: a test-set index (`"17"`) or a PNG file (grey or colour, turned to
    /// grey and scaled to [0, 1]) of the model's image size.
    static func image(_ spec: String, flag: String, data: Dataset, model: VAE) throws -> (Tensor, String) {
        if let i = Int(spec) {
            guard i >= 0 && i < data.count else {
                throw CLIError("\(flag) \(i): \(LatentSpaceError.indexOutOfRange(i, count: data.count))")
            }
            return (data.inputs.rows(i..<i + 1), "test image \(i)\(data.labels.map { " (a \($0[i]))" } ?? "")")
        }
        guard let bytes = FileManager.default.contents(atPath: spec) else {
            throw CLIError("\(flag) \(spec): neither an image index nor a readable PNG file")
        }
        let png: PNGImage
        do { png = try PNG.decode([UInt8](bytes)) } catch { throw CLIError("\(spec): \(error)") }
        guard png.width * png.height == model.config.inputSize else {
            throw CLIError("\(spec): the image is \(png.width)×\(png.height) = \(png.width * png.height) pixels, the model expects \(model.config.inputSize)")
        }
        let channels = png.colorType.channels
        var values = [Float](repeating: 0, count: png.width * png.height)
        for i in values.indices {
            let px = png.pixels[(i * channels)..<(i * channels + channels)]
            let grey = channels >= 3 ? (Float(px[px.startIndex]) + Float(px[px.startIndex + 1]) + Float(px[px.startIndex + 2])) / 3 : Float(px[px.startIndex])
            values[i] = grey / 255
        }
        return (Tensor(shape: [1, values.count], scalars: values), spec)
    }

    /// Writes a grid of images, atomically.
    static func writeGrid(_ images: Tensor, columns: Int, rowLabels: [String] = [], padding: Int = 2, scale: Int = 2,
                          to path: String) throws {
        try ImageGrid(columns: columns, padding: padding, scale: scale, rowLabels: rowLabels).writePNG(images, to: URL(fileURLWithPath: path))
    }

    /// Writes `metrics.json` of a latent-space command.
    static func writeMetrics(_ object: [String: Any], to dir: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
    }
}
