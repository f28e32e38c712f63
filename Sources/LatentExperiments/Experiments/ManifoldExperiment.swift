import Foundation
import LatentIO
import LatentModels
import LatentPlot
import LatentTensor

/// What `latent manifold` is asked for.
public struct ManifoldRequest: Sendable {
    /// The model file (a codec with a prior: a VAE).
    public var model: String
    public var data: MNISTSource
    /// The two latent dimensions of the grid (nil: the model must be 2-d, or `grid` nil).
    public var dimensions: (Int, Int)?
    /// Images per side of the decoded grid; nil draws no grid, only the scatter of codes.
    public var grid: Int?
    /// Central probability mass of the prior the grid spans along each axis.
    public var coverage: Double
    /// Pixels per image pixel in manifold.png.
    public var scale: Int
    /// A classifier that reads every grid cell, to count the cells each class gets.
    public var classifier: String?
    public var out: String?

    public init(model: String, data: MNISTSource = MNISTSource(), dimensions: (Int, Int)? = nil, grid: Int? = 20,
                coverage: Double = 0.9, scale: Int = 1, classifier: String? = nil, out: String? = nil) {
        self.model = model
        self.data = data
        self.dimensions = dimensions
        self.grid = grid
        self.coverage = coverage
        self.scale = scale
        self.classifier = classifier
        self.out = out
    }
}

/// The figures of `latent manifold` (its `metrics.json`).
public struct ManifoldResults: Codable, Sendable {
    public var command = "manifold"
    public var model: String
    /// Images per side of the grid, 0 for none.
    public var grid: Int
    /// The grid's two dimensions (empty when a model of more than two had none chosen).
    public var dimensions: [Int]
    /// The scatter's axis names ("z0", "PC1", …).
    public var scatterAxes: [String]
    public var testSamples: Int
    public var codeMeanNorm: Double
    public var codeVariances: [Double]
    /// Per class ("0" … "9"): grid cells the classifier reads as it with ≥ 90 %, when one was given.
    public var gridCellsRecognisedPerClass: [String: Int]?
    public var gridClassifier: String?

    enum CodingKeys: String, CodingKey {
        case command, model, grid, dimensions, scatterAxes = "scatter_axes", testSamples = "test_samples",
             codeMeanNorm = "code_mean_norm", codeVariances = "code_variances",
             gridCellsRecognisedPerClass = "grid_cells_recognised_per_class", gridClassifier = "grid_classifier"
    }
}

/// What a manifold run drew.
public struct ManifoldReport {
    public let folder: RunFolder
    public let modelSummary: String
    public let results: ManifoldResults

    /// The summary people read.
    public var summary: [(String, String)] {
        var rows = [("model", "\(results.model): \(modelSummary)")]
        if results.grid > 0 { rows.append(("manifold", folder.file("manifold.png") + " (\(results.grid)×\(results.grid))")) }
        let axes = results.scatterAxes
        rows.append(("codes", folder.file("codes.png") + " (\(axes[0]), \(axes[1]))"))
        let d = results.codeVariances.count
        let shown = results.codeVariances.prefix(8).map { String(format: "%.2f", $0) }.joined(separator: ", ") + (d > 8 ? ", …" : "")
        rows.append(("code spread", String(format: "mean |z| %.2f, ", results.codeMeanNorm) + "variance per dimension \(shown)"))
        if let recognised = results.gridCellsRecognisedPerClass {
            let shown = recognised.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }.map { "\($0.key): \($0.value)" }
            rows.append(("digits in grid", shown.joined(separator: " ") + " (cells read with ≥ 90 %)"))
        }
        return rows
    }
}

/// A picture of a latent space: the decoded grid over the prior's quantiles of two dimensions
/// (`manifold.png`, Kingma and Welling's MNIST manifold), the test images' codes coloured by
/// digit (`codes.png`), how far the codes spread, and with a classifier which digits the grid
/// shows.
public enum ManifoldExperiment {
    /// The probability a classifier must give a grid cell to count it as its class.
    public static let confidence: Float = 0.9

    /// Draws what `request` asks for.
    public static func run(_ request: ManifoldRequest) throws -> ManifoldReport {
        let codec = try ModelRegistry.loadGenerativeCodec(request.model)
        let gridCodes = try request.grid.map { try self.gridCodes(codec, size: $0, request) }
        let (_, test, _) = try request.data.load()
        try ModelFit.check(test, fits: codec, path: request.model)
        let judge = try request.classifier.map { try ModelFit.judge($0, for: codec) }
        let folder = try RunFolder(request.out, besideModel: request.model, name: "manifold")
        var recognised: [String: Int]?
        if let gridCodes, let size = request.grid {
            let images = codec.decodeInBatches(gridCodes)
            try GridPicture.writeLatentGrid(images, codes: gridCodes, size: size, dimensions: request.dimensions ?? (0, 1),
                                            scale: request.scale, to: folder.file("manifold.png"))
            if let judge {
                let counts = LatentGrid.confidentCells(judge.probabilities(images), threshold: confidence)
                recognised = Dictionary(uniqueKeysWithValues: counts.enumerated().map { ("\($0.offset)", $0.element) })
            }
        }
        let codes = codec.encodeInBatches(test.inputs)
        let spread = CodeSpread(codes)
        let (points, axes) = try plane(codes, request)
        var scatter = ScatterPlot(points: points, labels: test.labels, title: "Codes of \(test.count) test images by digit")
        scatter.xLabel = axes.0
        scatter.yLabel = axes.1
        try scatter.writePNGAndSVG(to: URL(fileURLWithPath: folder.file("codes.png")))
        let results = ManifoldResults(
            model: request.model, grid: gridCodes == nil ? 0 : (request.grid ?? 0),
            dimensions: request.dimensions.map { [$0.0, $0.1] } ?? (codec.latentSize == 2 ? [0, 1] : []),
            scatterAxes: [axes.0, axes.1], testSamples: test.count, codeMeanNorm: spread.meanNorm,
            codeVariances: spread.variances, gridCellsRecognisedPerClass: recognised,
            gridClassifier: recognised == nil ? nil : request.classifier)
        try MetricsFile.write(results, to: folder.file("metrics.json"))
        return ManifoldReport(folder: folder, modelSummary: codec.summary, results: results)
    }

    /// The grid's codes, with the latent-space errors said in terms of the request.
    static func gridCodes(_ codec: any GenerativeCodec, size: Int, _ request: ManifoldRequest) throws -> Tensor {
        guard request.coverage > 0 && request.coverage < 1 else {
            throw ExperimentError("--coverage must be inside (0, 1), got \(request.coverage)")
        }
        do {
            return try LatentGrid.codes(codec, dimensions: request.dimensions, size: size,
                                        levels: (0.5 - request.coverage / 2)...(0.5 + request.coverage / 2))
        } catch LatentSpaceError.dimensionsRequired(let d) {
            throw ExperimentError("\(request.model): \(LatentSpaceError.dimensionsRequired(latentSize: d)): choose them with --dims (e.g. --dims 0,1), or pass --no-grid for the scatter of codes alone")
        } catch {
            throw ExperimentError("\(request.model): \(error)")
        }
    }

    /// The 2-d view of the codes, with a bad dimension said as one line naming the model.
    static func plane(_ codes: Tensor, _ request: ManifoldRequest) throws -> (Tensor, (String, String)) {
        do {
            let view = try LatentGrid.plane(codes, dimensions: request.dimensions)
            return (view.points, view.axes)
        } catch {
            throw ExperimentError("\(request.model): \(error)")
        }
    }
}
