import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentPlot
import LatentTensor

/// Where the optimised image starts.
public enum TextureStart: String, Codable, CaseIterable, Sendable {
    /// Uniform noise in [0.25, 0.75], seeded.
    case noise
    /// The content image (style transfer only).
    case content
}

/// What `latent texture` (no content image) and `latent style` (with one) are asked for.
public struct TextureRequest: Codable, Sendable {
    /// The style (texture) image: PNG or JPEG.
    public var style: String
    /// The content image for style transfer; nil synthesises a texture.
    public var content: String?
    /// Longest side, in pixels, the images are resized to; a texture is `size × size`.
    public var size: Int = 256
    public var steps: Int = 100
    public var optimizer: PixelOptimizer = .lbfgs
    /// Adam's step size, in logit units of the pixels. 0.1: a 256 × 256 gravel texture reached a
    /// 100× lower style loss after 149 steps (with 0.05, only 89× after 300).
    public var learningRate: Float = 0.1
    /// "random" (random multi-scale filters, seeded), or a model file: a texture network saved
    /// by an earlier run, or any Latent model with convolutional layers.
    public var network: String = "random"
    /// Feature layers whose Gram matrices are matched (nil: all).
    public var styleLayers: [Int]?
    /// The content layer (nil: the network's default).
    public var contentLayer: Int?
    public var styleWeight: Float = 1
    public var contentWeight: Float = 1
    public var tvWeight: Float = 0
    /// Where the image starts (nil: noise for a texture, the content image for style transfer).
    public var start: TextureStart?
    public var seed: UInt64 = 1
    /// Intermediate images kept for the progress strip.
    public var snapshots: Int = 5
    /// The run folder (nil: `runs/<command>-<time>`).
    public var out: String?

    public init(style: String, content: String? = nil) {
        self.style = style
        self.content = content
    }

    /// "texture" or "style".
    public var command: String { content == nil ? "texture" : "style" }
}

/// The figures of a texture or style run (its `metrics.json`).
public struct TextureResults: Codable, Sendable {
    public var command: String
    public var request: TextureRequest
    public var network: String
    public var layers: [String]
    public var width: Int, height: Int
    /// Losses of the starting image and of the written (8-bit) result, unweighted.
    public var initialStyleLoss: Float, finalStyleLoss: Float
    /// initial / final style loss.
    public var styleLossRatio: Float
    public var initialContentLoss: Float?, finalContentLoss: Float?
    public var steps: Int, evaluations: Int
    public var seconds: Double, secondsPerStep: Double, secondsPerEvaluation: Double
    public var curve: [PixelStep]

    enum CodingKeys: String, CodingKey {
        case command, request, network, layers, width, height
        case initialStyleLoss = "initial_style_loss", finalStyleLoss = "final_style_loss", styleLossRatio = "style_loss_ratio"
        case initialContentLoss = "initial_content_loss", finalContentLoss = "final_content_loss"
        case steps, evaluations, seconds, secondsPerStep = "seconds_per_step", secondsPerEvaluation = "seconds_per_evaluation"
        case curve
    }
}

/// What a texture or style run wrote.
public struct TextureReport {
    public let folder: RunFolder
    public let results: TextureResults
    public let image: ColorImage

    /// The summary people read.
    public var summary: [(String, String)] {
        var rows: [(String, String)] = [
            ("network", results.network),
            ("image", "\(results.width)×\(results.height), \(results.steps) \(results.request.optimizer.rawValue) steps (\(results.evaluations) evaluations)"),
            ("style loss", String(format: "%.4g → %.4g (%.0f× lower)", results.initialStyleLoss, results.finalStyleLoss, results.styleLossRatio)),
        ]
        if let a = results.initialContentLoss, let b = results.finalContentLoss {
            rows.append(("content loss", String(format: "%.4g → %.4g", a, b)))
        }
        rows.append(("time", String(format: "%@ (%.3f s/step)", formatDuration(results.seconds), results.secondsPerStep)))
        rows.append(("output", folder.file("image.png") + ", progress.png, loss.png, metrics.json"))
        return rows
    }
}

/// Texture synthesis and style transfer by optimising pixels (Gatys et al.): see
/// `TextureObjective` and `PixelOptimization`.
public enum TextureExperiment {
    /// Images smaller than this on either side are refused: too small to hold a texture.
    public static let minimumImageSide = 8
    /// `size` must lie in this range.
    public static let sizes = 16...2048

    /// The feature network `name` names: "random" (random filters from `seed`), a texture
    /// network file, or any Latent model with convolutional layers. Errors name the file.
    public static func network(_ name: String, seed: UInt64) throws -> any TextureFeatures {
        if name == "random" { return try RandomFeatureNetwork(RandomFeatureNetwork.Config(seed: seed)) }
        let file = try ModelFile(path: name)
        if file.kind == RandomFeatureNetwork.kind { return try file.build(RandomFeatureNetwork.self) }
        let model = try ModelRegistry.load(name)
        guard let features = ConvolutionalFeatures(model: model, kind: file.kind, path: name) else {
            throw ExperimentError("\(name): \(Checkpoint.withArticle(file.kind)) (\(model.summary)) has no convolutional layers; texture features need a model with Conv2d layers, or --network random")
        }
        return features
    }

    /// An image read and resized so its longest side is `size`; errors name the file.
    static func load(_ path: String, size: Int, role: String) throws -> ColorImage {
        let image = try ColorImage.read(path)
        guard image.width >= minimumImageSide && image.height >= minimumImageSide else {
            throw ExperimentError("\(path): the \(role) image is \(image.width)×\(image.height) pixels; it needs at least \(minimumImageSide) on each side")
        }
        return image.resized(longestSide: size)
    }

    /// Checks every flag value; throws a one-line error for the first bad one.
    static func validate(_ r: TextureRequest) throws {
        guard sizes.contains(r.size) else { throw ExperimentError("--size must be in \(sizes.lowerBound)...\(sizes.upperBound), got \(r.size)") }
        guard (1...100_000).contains(r.steps) else { throw ExperimentError("--steps must be in 1...100000, got \(r.steps)") }
        guard r.learningRate.isFinite && r.learningRate > 0 else { throw ExperimentError("--lr must be a positive number, got \(r.learningRate)") }
        for (flag, value) in [("--style-weight", r.styleWeight), ("--content-weight", r.contentWeight), ("--tv-weight", r.tvWeight)] {
            guard value.isFinite && value >= 0 else { throw ExperimentError("\(flag) must be a finite number ≥ 0, got \(value)") }
        }
        guard r.styleWeight > 0 else { throw ExperimentError("--style-weight must be positive, got \(r.styleWeight)") }
        guard r.snapshots >= 0 && r.snapshots <= 20 else { throw ExperimentError("snapshots must be in 0...20, got \(r.snapshots)") }
        if r.content == nil && r.start == .content { throw ExperimentError("--init content needs --content") }
    }

    /// Runs what `request` asks for and writes its run folder. Every check (flags, images,
    /// network, layers) comes before the folder is made.
    public static func run(_ request: TextureRequest, log: ExperimentLog = .silent) throws -> TextureReport {
        try validate(request)
        let style = try load(request.style, size: request.size, role: "style")
        let content = try request.content.map { try load($0, size: request.size, role: "content") }
        let network = try self.network(request.network, seed: request.seed)
        let layerCount = network.layerNames.count
        let styleLayers = request.styleLayers ?? Array(0..<layerCount)
        for l in styleLayers + (request.contentLayer.map { [$0] } ?? []) where !(0..<layerCount).contains(l) {
            throw ExperimentError("layer \(l) does not exist: the network has \(layerCount) feature layers (0...\(layerCount - 1): \(network.layerNames.joined(separator: ", ")))")
        }
        guard !styleLayers.isEmpty else { throw ExperimentError("--layers needs at least one layer") }
        let (width, height) = content.map { ($0.width, $0.height) } ?? (request.size, request.size)
        let smallest = Swift.min(width, height, style.width, style.height)
        guard smallest >= Swift.max(network.minimumSide, 2) else {
            throw ExperimentError("images of \(smallest) pixels on a side are too small for this network (it needs \(Swift.max(network.minimumSide, 2))); raise --size")
        }
        func batch(_ image: ColorImage) -> Tensor { image.pixels.reshaped([1, 3, image.height, image.width]) }
        let objective = TextureObjective(network: network, style: batch(style), styleLayers: styleLayers,
                                         styleWeight: request.styleWeight, content: content.map(batch),
                                         contentLayer: request.contentLayer, contentWeight: request.contentWeight,
                                         tvWeight: request.tvWeight)
        let start: Tensor
        if let content, (request.start ?? .content) == .content {
            start = batch(content)
        } else {
            var rng = RandomGenerator(seed: request.seed ^ 0x7e47)
            start = Tensor.uniform([1, 3, height, width], low: 0.25, high: 0.75, using: &rng)
        }

        let folder = try RunFolder(request.out, name: request.command)
        let optimization = PixelOptimization(objective: objective, start: start)
        let initial = withoutGradients { objective.evaluate(Variable(optimization.image)) }
        let every = Swift.max(1, request.steps / Swift.max(request.snapshots, 1))
        var snapshots: [ColorImage] = [style] + (content.map { [$0] } ?? []) + [ColorImage(pixels: start.reshaped([3, height, width]))]
        var captions = ["style"] + (content == nil ? [] : ["content"]) + ["start"]
        log.note("\(request.command): \(width)×\(height), \(network.summary); \(request.optimizer.rawValue), \(request.steps) steps")
        let curve = try optimization.run(steps: request.steps, optimizer: request.optimizer, learningRate: request.learningRate) { step in
            if request.snapshots > 0 && step.step % every == 0 && step.step < request.steps {
                snapshots.append(ColorImage(pixels: optimization.image.reshaped([3, height, width])))
                captions.append("step \(step.step)")
            }
            if step.step % Swift.max(1, request.steps / 10) == 0 || step.step == 1 {
                log.note(String(format: "step %d/%d  loss %.4g  style %.4g%@  [%@]", step.step, request.steps, step.total, step.style,
                                content == nil ? "" : String(format: "  content %.4g", step.content), formatDuration(step.seconds)))
            }
        }
        // The figures of the image as written: 8-bit pixels.
        let result = ColorImage(pixels: optimization.image.reshaped([3, height, width]))
        let written = ColorImage(png: result.pngImage)
        let final = withoutGradients { objective.evaluate(Variable(batch(written))) }
        snapshots.append(written)
        captions.append("result")
        try written.writePNG(to: folder.file("image.png"))
        try NPY.write(batch(written), to: folder.file("image.npy"))
        try writeProgress(snapshots.map { $0.height == height ? $0 : $0.resized(longestSide: Swift.max(width, height)) },
                          captions: captions, title: "\(request.command == "texture" ? "Texture synthesis" : "Style transfer"), step by step",
                          to: folder.file("progress.png"))
        if let random = network as? RandomFeatureNetwork { try random.save(to: folder.file("network.safetensors")) }
        var plot = LinePlot(title: "\(request.command == "texture" ? "Texture synthesis" : "Style transfer") (\(request.optimizer.rawValue))",
                            xLabel: "step", yLabel: "loss", logY: true)
        plot.add("style loss", x: curve.map { Double($0.step) }, y: curve.map { Double($0.style) })
        if content != nil { plot.add("content loss", x: curve.map { Double($0.step) }, y: curve.map { Double($0.content) }) }
        try plot.writePNGAndSVG(to: URL(fileURLWithPath: folder.file("loss.png")))

        let seconds = curve.last?.seconds ?? 0
        let evaluations = curve.reduce(0) { $0 + $1.evaluations }
        let results = TextureResults(
            command: request.command, request: request, network: network.summary,
            layers: styleLayers.map { network.layerNames[$0] }, width: width, height: height,
            initialStyleLoss: initial.style, finalStyleLoss: final.style, styleLossRatio: initial.style / final.style,
            initialContentLoss: content == nil ? nil : initial.content, finalContentLoss: content == nil ? nil : final.content,
            steps: curve.count, evaluations: evaluations, seconds: seconds,
            secondsPerStep: seconds / Double(Swift.max(curve.count, 1)),
            secondsPerEvaluation: seconds / Double(Swift.max(evaluations, 1)), curve: curve)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return TextureReport(folder: folder, results: results, image: written)
    }
}

extension TextureExperiment {
    /// The inputs and snapshots side by side, each under its caption ("style", "step 20", …):
    /// images of other sizes are centred on white cells as large as the largest.
    static func writeProgress(_ images: [ColorImage], captions: [String], title: String, to path: String) throws {
        let h = images.map(\.height).max() ?? 1, w = images.map(\.width).max() ?? 1
        var cells = [Float](repeating: 1, count: images.count * 3 * h * w)
        for (k, image) in images.enumerated() {
            let y0 = (h - image.height) / 2, x0 = (w - image.width) / 2
            image.pixels.withUnsafeBufferPointer { src in
                for c in 0..<3 {
                    for y in 0..<image.height {
                        for x in 0..<image.width {
                            cells[((k * 3 + c) * h + y0 + y) * w + x0 + x] = src[(c * image.height + y) * image.width + x]
                        }
                    }
                }
            }
        }
        let grid = ImageGrid(columns: images.count, padding: 4, scale: 1, title: title, captions: captions)
        try grid.writePNG(Tensor(shape: [images.count, 3, h, w], scalars: cells), to: URL(fileURLWithPath: path))
    }
}
