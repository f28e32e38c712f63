import ArgumentParser
import Foundation
import Latent

/// `latent embed`: PCA, SNE or t-SNE of a matrix, of MNIST, or of a trained model's hidden
/// layer; writes coordinates, metrics and pictures.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed data in 2 or 3 dimensions with PCA, SNE or t-SNE; writes coordinates, metrics.json and plots.",
        discussion: """
            Input is an .npy matrix [n, d] (--input X.npy, optional --labels y.npy) or MNIST \
            (--input mnist: the shipped 10,000 images, or --data DIR). With --model CHECKPOINT \
            --layer NAME the activations of that layer of a trained classifier are embedded \
            instead of the pixels. Writes embedding.npy, metrics.json, embedding.png/.svg (and \
            thumbnails.png for images), loss.png for SNE/t-SNE, pca.safetensors for PCA.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case pca, sne, tsne }

    @Option(help: "pca, sne or tsne.")
    var method: Method = .tsne

    @Option(help: ArgumentHelp("An .npy matrix [n, d], or 'mnist'.", valueName: "path|mnist"))
    var input: String = "mnist"

    @Option(help: ArgumentHelp("An .npy vector of n integer labels (colours the plots, gives k-NN accuracy).", valueName: "path"))
    var labels: String?

    @Option(help: ArgumentHelp("MNIST directory for --input mnist (default: the shipped 10k images).", valueName: "dir"))
    var data: String?

    @Option(help: "Use only the first N points.")
    var limit: Int?

    @Option(help: "Output dimensions (2 or 3; PCA: any up to d).")
    var dim: Int = 2

    @Option(help: "Perplexity: the effective number of neighbours of each point (SNE/t-SNE).")
    var perplexity: Double = 30

    @Option(help: "Repulsion backend: auto, exact, bh (Barnes-Hut) or fft.")
    var backend: String = "auto"

    @Option(help: "Barnes-Hut accuracy θ.")
    var theta: Float = 0.5

    @Option(help: "Iterations of the normal phase.")
    var iterations: Int = 500

    @Option(help: "Iterations of the early-exaggeration phase.")
    var earlyIterations: Int = 250

    @Option(help: "Exaggeration of the early phase.")
    var earlyExaggeration: Float = 12

    @Option(help: "Learning rate (default: n / exaggeration, as openTSNE).")
    var learningRate: Double?

    @Option(help: "Initialisation: pca or random.")
    var initialization: String = "pca"

    @Option(help: "Reduce the input to this many principal components before SNE/t-SNE (0 = off).")
    var pcaDims: Int = 50

    @Flag(help: "PCA: scale components to unit variance.")
    var whiten = false

    @Option(help: ArgumentHelp("A classifier checkpoint (model.safetensors) whose hidden activations to embed.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("Layer of --model whose output to embed ('0', '1', …: the Sequential's children).", valueName: "name"))
    var layer: String?

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let n = limit, n < 1 { throw ValidationError("--limit must be positive, got \(n).") }
        if TSNE.Backend(rawValue: backend) == nil { throw ValidationError("--backend must be auto, exact, bh or fft, got '\(backend)'.") }
        if TSNE.Initialization(rawValue: initialization) == nil { throw ValidationError("--initialization must be pca or random, got '\(initialization)'.") }
        if dim < 1 { throw ValidationError("--dim must be positive, got \(dim).") }
        if pcaDims < 0 { throw ValidationError("--pca-dims must be ≥ 0, got \(pcaDims).") }
        if (model == nil) != (layer == nil) { throw ValidationError("--model and --layer go together.") }
    }

    func run() throws {
        compute.apply()
        let started = Date()
        let progress = ProgressLine(quiet: quiet)
        var (x, labels, images, source) = try loadInput()
        if let model, let layer {
            x = try ModelActivations.of(checkpoint: model, layer: layer, inputs: x)
            source += ", activations of layer \(layer) of \(model) (\(x.shape[1]) units)"
        }
        progress.note("data: \(source): \(x.shape[0]) points × \(x.shape[1])")
        let dir = try RunDirectory.make(out, name: "embed-\(method.rawValue)")
        var metrics: [String: Any] = ["method": method.rawValue, "points": x.shape[0], "features": x.shape[1],
                                      "dimensions": dim, "source": source, "threads": Threads.count, "seed": compute.seed]
        var summary: [(String, String)] = [("method", method.rawValue), ("points", "\(x.shape[0]) × \(x.shape[1])")]
        let y: Tensor
        switch method {
        case .pca:
            let pca = try PCA.fit(x, config: .init(components: dim, whiten: whiten))
            y = try pca.transform(x)
            try pca.save(to: dir + "/pca.safetensors")
            metrics["explained_variance_ratio"] = pca.explainedVarianceRatio
            metrics["explained_variance"] = pca.explainedVariance
            metrics["solver"] = pca.solverUsed.rawValue
            summary.append(("explained variance", pca.explainedVarianceRatio.map { String(format: "%.4f", $0) }.joined(separator: " ")))
        case .sne, .tsne:
            var features = x
            if pcaDims > 0 && x.shape[1] > pcaDims && x.shape[0] > pcaDims {
                features = try PCA.fit(x, config: .init(components: pcaDims)).transform(x)
                metrics["pca_dims"] = pcaDims
            }
            var config = TSNE.Config(dimensions: dim, perplexity: perplexity, method: method == .sne ? .sne : .tsne,
                                     backend: TSNE.Backend(rawValue: backend) ?? .auto)
            config.theta = theta
            config.iterations = iterations
            config.earlyIterations = earlyIterations
            config.earlyExaggeration = earlyExaggeration
            config.learningRate = learningRate
            config.initialization = TSNE.Initialization(rawValue: initialization) ?? .pca
            config.seed = compute.seed
            let embedding = try TSNE.fit(features, config: config) { p in
                progress.note(String(format: "iteration %4d  KL %.4f  (%@)  [%@]", p.iteration, p.kl, p.phase, duration(p.seconds)))
            }
            y = embedding.coordinates
            metrics["kl"] = embedding.kl
            metrics["backend"] = embedding.backendKind.rawValue
            metrics["affinity_seconds"] = embedding.affinitySeconds
            metrics["optimize_seconds"] = embedding.optimizeSeconds
            metrics["history"] = embedding.history.map { ["iteration": $0.iteration, "kl": $0.kl] }
            metrics["settings"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config))
            summary.append(("backend", embedding.backendKind.rawValue))
            summary.append(("KL", String(format: "%.4f", embedding.kl)))
            var loss = LinePlot(title: "\(method == .sne ? "SNE" : "t-SNE") objective", xLabel: "iteration", yLabel: "KL(P‖Q)")
            loss.add("KL", x: embedding.history.map { Double($0.iteration) }, y: embedding.history.map(\.kl), showMarkers: true)
            try loss.writePNG(to: URL(fileURLWithPath: dir + "/loss.png"))
            if x.shape[0] <= 5000 {
                let (t, c) = try EmbeddingQuality.trustworthinessAndContinuity(data: features, embedding: y, k: min(10, (x.shape[0] - 2) / 3))
                metrics["trustworthiness"] = t
                metrics["continuity"] = c
                summary.append(("trustworthiness", String(format: "%.4f (continuity %.4f)", t, c)))
            }
        }
        try NPY.write(y, to: dir + "/embedding.npy")
        if let labels {
            try NPY.write(labels: labels, to: dir + "/labels.npy")
            if x.shape[0] > 10 {
                let accuracy = try EmbeddingQuality.knnAccuracy(y, labels: labels, k: 10)
                metrics["knn10_accuracy"] = accuracy
                summary.append(("10-NN accuracy", String(format: "%.2f %%", accuracy * 100)))
            }
        }
        if y.shape[1] >= 2 {
            try EmbeddingPictures.write(y, labels: labels, images: images, title: "\(method.rawValue.uppercased()) of \(source.split(separator: ",").first ?? "")",
                                        to: dir)
        }
        metrics["seconds"] = Date().timeIntervalSince(started)
        let data = try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
        summary.append(("time", duration(Date().timeIntervalSince(started))))
        summary.append(("output", dir))
        print(summaryTable(summary))
    }

    /// The matrix, its labels, images for thumbnails (MNIST) and a description of the source.
    private func loadInput() throws -> (Tensor, [Int]?, Tensor?, String) {
        var x: Tensor, labels: [Int]?, images: Tensor?, source: String
        if input == "mnist" {
            let dir = try data ?? EmbeddedData.mnistDirectory()
            let split: MNIST.Split = data == nil ? .test : .train
            let loaded = try MNIST.load(directory: dir, split: split)
            (x, labels, images, source) = (loaded.images, loaded.labels, loaded.images, "MNIST \(split.rawValue) (\(dir))")
        } else {
            let array = try NPY.read(path: input)
            guard array.tensor.rank == 2 else { throw CLIError("\(input): expected a matrix [n, d], got shape \(array.shape)") }
            x = array.tensor
            source = input
            if x.shape[1] == 784 { images = x }
        }
        if let path = self.labels {
            let read = try NPY.readIntegers(path: path)
            guard read.values.count == x.shape[0] else {
                throw CLIError("\(path): \(read.values.count) labels for \(x.shape[0]) points in \(input)")
            }
            labels = read.values
        }
        if let n = limit, n < x.shape[0] {
            x = x.rows(0..<n)
            images = images?.rows(0..<n)
            labels = labels.map { Array($0.prefix(n)) }
        }
        return (x, labels, images, source)
    }
}

/// The hidden activations of a trained model.
enum ModelActivations {
    /// Output of child `layer` ("0", "1", …) of a classifier checkpoint for `inputs`, in batches.
    static func of(checkpoint: String, layer: String, inputs: Tensor) throws -> Tensor {
        let model = try Classifier.load(path: checkpoint)
        let names = model.children.map(\.0)
        guard let index = names.firstIndex(of: layer) else {
            throw CLIError("\(checkpoint): no layer '\(layer)'; layers are \(names.joined(separator: ", "))")
        }
        guard inputs.shape[1] == model.config.inputSize else {
            throw CLIError("\(checkpoint): the model takes \(model.config.inputSize) inputs, the data has \(inputs.shape[1])")
        }
        model.eval()
        var parts: [Tensor] = []
        withoutGradients {
            for start in stride(from: 0, to: inputs.shape[0], by: 1000) {
                let batch = inputs.rows(start..<min(start + 1000, inputs.shape[0]))
                parts.append(model.network.activations(Variable(batch))[index].value)
            }
        }
        let joined = Tensor.concat(parts, axis: 0)
        return joined.reshaped([inputs.shape[0], -1])
    }
}

/// Scatter plots of an embedding: dots coloured by label (PNG and SVG) and, for 28×28 images,
/// thumbnails.
enum EmbeddingPictures {
    static func write(_ y: Tensor, labels: [Int]?, images: Tensor?, title: String, to dir: String, name: String = "embedding") throws {
        var plot = ScatterPlot(points: y, labels: labels, title: title)
        plot.showAxes = false
        try plot.writePNG(to: URL(fileURLWithPath: "\(dir)/\(name).png"))
        try plot.writeSVG(to: URL(fileURLWithPath: "\(dir)/\(name).svg"))
        if let images, images.shape[0] == y.shape[0], images.count == y.shape[0] * 784 {
            var thumbs = ScatterPlot(points: y, labels: labels, title: title, width: 1100, height: 900)
            thumbs.showAxes = false
            thumbs.thumbnails = .init(images: images, side: 28)
            try thumbs.writePNG(to: URL(fileURLWithPath: "\(dir)/\(name)-thumbnails.png"))
        }
    }
}
