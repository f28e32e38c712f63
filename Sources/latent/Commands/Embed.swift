import ArgumentParser
import Foundation
import Latent

/// `latent embed`: PCA, SNE, t-SNE or UMAP of a matrix, of MNIST, or of a trained model's hidden
/// layer; writes coordinates, metrics and pictures.
struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Embed data in 2 or 3 dimensions with PCA, SNE, t-SNE or UMAP; writes coordinates, metrics.json and plots.",
        discussion: """
            Input is an .npy matrix [n, d] (--input X.npy, optional --labels y.npy) or MNIST \
            (--input mnist: the shipped 10,000 images, or --data DIR). With --model CHECKPOINT \
            --layer NAME the activations of that layer of a trained classifier are embedded \
            instead of the pixels. Writes embedding.npy, metrics.json, embedding.png/.svg (and \
            embedding-thumbnails.png for images), loss.png for SNE/t-SNE, pca.safetensors for PCA. UMAP \
            takes umap-learn's parameters (--n-neighbors, --min-dist, --spread, --metric, \
            --n-epochs) with its defaults.
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case pca, sne, tsne, umap

        /// Also "t-sne", as the method is usually written.
        init?(argument: String) {
            self.init(rawValue: argument == "t-sne" ? "tsne" : argument)
        }
    }

    @Option(help: "pca, sne, tsne (or t-sne) or umap.")
    var method: Method = .tsne

    @Option(help: ArgumentHelp("An .npy matrix [n, d], or 'mnist'.", valueName: "path|mnist"))
    var input: String = "mnist"

    @Option(help: ArgumentHelp("An .npy vector of n integer labels (colours the plots, gives k-NN accuracy).", valueName: "path"))
    var labels: String?

    @Option(help: ArgumentHelp("MNIST directory for --input mnist (default: the shipped 10k images).", valueName: "dir"))
    var data: String?

    @Option(help: "Use only the first N points.")
    var limit: Int?

    @Option(help: "Output dimensions (2 or 3; PCA: any up to d), scikit-learn's and umap-learn's n_components.")
    var nComponents: Int = 2

    /// The earlier name of --n-components, still accepted.
    @Option(name: .customLong("dim"), help: .hidden)
    var dimAlias: Int?

    /// The output dimensions in force (--dim, when given, for scripts written before the rename).
    var dim: Int { dimAlias ?? nComponents }

    @Option(help: "Perplexity: the effective number of neighbours of each point (SNE/t-SNE).")
    var perplexity: Double = 30

    @Option(help: "Repulsion backend: auto, exact, bh (Barnes-Hut) or fft.")
    var backend: String = "auto"

    @Option(help: "Barnes-Hut accuracy θ.")
    var theta: Float = 0.5

    @Option(help: "Iterations in all, the early-exaggeration ones included (scikit-learn's max_iter).")
    var iterations: Int = 750

    @Option(help: "Iterations of the early-exaggeration phase.")
    var earlyIterations: Int = 250

    @Option(help: "Exaggeration of the early phase.")
    var earlyExaggeration: Float = 12

    @Option(help: "Learning rate (t-SNE default: n / exaggeration, as openTSNE; UMAP: 1).")
    var learningRate: Double?

    @Option(help: "Initialisation: pca or random (t-SNE, default pca); spectral, random or pca (UMAP, default spectral).")
    var initialization: String?

    @Option(help: "UMAP: size of each point's neighbourhood, the point itself counted.")
    var nNeighbors: Int = 15

    @Option(help: "UMAP: smallest distance between embedded points.")
    var minDist: Double = 0.1

    @Option(help: "UMAP: scale of the embedded points.")
    var spread: Double = 1

    @Option(help: "UMAP: input distance, euclidean or cosine.")
    var metric: String = "euclidean"

    @Option(help: "UMAP: epochs of SGD (default: 500 up to 10,000 points, else 200).")
    var nEpochs: Int?

    @Option(help: "Reduce the input to this many principal components before SNE/t-SNE/UMAP (0 = off).")
    var pcaDims: Int = 50

    @Flag(help: "PCA: scale components to unit variance.")
    var whiten = false

    @Option(help: ArgumentHelp("A classifier checkpoint (model.safetensors) whose hidden activations to embed.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("Layer of --model whose output to embed ('0', '1', …: the Sequential's children).", valueName: "name"))
    var layer: String?

    @Option(help: ArgumentHelp("Output folder (default: runs/embed-<time>).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var compute: ComputeOptions

    func validate() throws {
        if let n = limit, n < 1 { throw ValidationError("--limit must be positive, got \(n).") }
        if TSNE.Backend(rawValue: backend) == nil { throw ValidationError("--backend must be auto, exact, bh or fft, got '\(backend)'.") }
        if let initialization {
            if method == .umap {
                if UMAP.Initialization(rawValue: initialization) == nil {
                    throw ValidationError("--initialization must be spectral, random or pca for UMAP, got '\(initialization)'.")
                }
            } else if TSNE.Initialization(rawValue: initialization) == nil {
                throw ValidationError("--initialization must be pca or random, got '\(initialization)'.")
            }
        }
        if UMAP.Metric(rawValue: metric) == nil { throw ValidationError("--metric must be euclidean or cosine, got '\(metric)'.") }
        // UMAP's numeric settings (n_neighbors ≥ 2 and below n, min_dist ≤ spread, …) are checked
        // by UMAP.fit, which names them in one line before anything is written.
        if dim < 1 { throw ValidationError("--n-components must be positive, got \(dim).") }
        if iterations < earlyIterations {
            throw ValidationError("--iterations \(iterations) counts the \(earlyIterations) early-exaggeration iterations too; give at least \(earlyIterations).")
        }
        if pcaDims < 0 { throw ValidationError("--pca-dims must be ≥ 0, got \(pcaDims).") }
        if (model == nil) != (layer == nil) { throw ValidationError("--model and --layer go together.") }
    }

    func run() throws {
        compute.apply()
        let report = try EmbeddingExperiment.run(EmbeddingSettings(input: embeddingInput, method: embeddingMethod),
                                                 in: try RunFolder(out, name: "embed"),
                                                 log: ProgressLine(quiet: quiet).log)
        print(summaryTable(report.summary))
    }

    /// The points the flags name.
    var embeddingInput: EmbeddingInput {
        EmbeddingInput(input: input, labels: labels, data: data, limit: limit, model: model, layer: layer)
    }

    /// The method and its settings the flags describe.
    var embeddingMethod: EmbeddingMethod {
        switch method {
        case .pca:
            var config = PCA.Config(components: dim, whiten: whiten)
            config.seed = compute.seed
            return .pca(config)
        case .sne, .tsne:
            // validate() has checked the backend and initialisation names.
            var config = TSNE.Config(dimensions: dim, perplexity: perplexity, method: method == .sne ? .sne : .tsne,
                                     backend: TSNE.Backend(rawValue: backend) ?? .auto)
            config.theta = theta
            config.iterations = iterations - earlyIterations  // the library counts the normal phase (openTSNE's n_iter)
            config.earlyIterations = earlyIterations
            config.earlyExaggeration = earlyExaggeration
            config.learningRate = learningRate
            config.initialization = initialization.flatMap(TSNE.Initialization.init(rawValue:)) ?? .pca
            config.seed = compute.seed
            return .neighbours(config, pcaDims: pcaDims)
        case .umap:
            return .umap(umapConfig, pcaDims: pcaDims)
        }
    }

    /// UMAP's settings from the flags (names checked by validate()).
    var umapConfig: UMAP.Config {
        var config = UMAP.Config(dimensions: dim, nNeighbors: nNeighbors, minDist: minDist, spread: spread,
                                 metric: UMAP.Metric(rawValue: metric) ?? .euclidean)
        config.nEpochs = nEpochs
        if let learningRate { config.learningRate = learningRate }
        config.initialization = initialization.flatMap(UMAP.Initialization.init(rawValue:)) ?? .spectral
        config.seed = compute.seed
        return config
    }
}
