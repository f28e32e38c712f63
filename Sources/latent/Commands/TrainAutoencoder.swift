import ArgumentParser
import Foundation
import Latent

extension Autoencoder.Config.Kind: ExpressibleByArgument {}
extension Autoencoder.Config.Loss: ExpressibleByArgument {}
extension Autoencoder.Config.CodeActivation: ExpressibleByArgument {}

/// How a denoising autoencoder corrupts its input, as a flag.
enum NoiseKind: String, ExpressibleByArgument, CaseIterable {
    case none, gaussian, masking, saltPepper = "salt-pepper"
}

/// `latent train autoencoder`: the autoencoder family on MNIST.
struct TrainAutoencoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "Train an autoencoder on MNIST (deep, sparse, denoising, dropout, conv or linear).",
        discussion: """
            Each --kind sets defaults that the other flags override: deep 784-1000-500-250-30; \
            sparse 784-1000 with a sigmoid code and a KL sparsity penalty; denoising with 50 % \
            masking noise; dropout with 50 % dropout on the code; conv the conv-ae benchmark shape \
            with a 16-d code; linear 784-30 without nonlinearities (its subspace is PCA's). \
            Writes model.safetensors, checkpoint.safetensors, metrics.json (train loss and test \
            squared error per image per epoch), loss.png, reconstructions.png (test originals \
            above reconstructions; for denoising the corrupted inputs too) and filters.png.
            The deep-ae recipe: --kind deep --loss bce --schedule cosine --epochs 60.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var training: TrainingOptions

    @Option(help: "Kind: \(Autoencoder.Config.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Autoencoder.Config.Kind = .deep

    @Option(help: "Encoder widths from the input to the code, e.g. 784,1000,500,250,30 (the decoder mirrors them).")
    var layers: String?

    @Option(help: "Code width of the conv kind.")
    var code: Int?

    @Option(help: "Reconstruction loss: mse or bce (cross-entropy, summed over pixels).")
    var loss: Autoencoder.Config.Loss?

    @Option(help: "Hidden activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation: Activation?

    @Option(help: "Weight initialisation: \(Initializer.allCases.map(\.rawValue).joined(separator: ", ")).")
    var initializer: Initializer?

    @Option(help: "Code activation: linear, sigmoid, relu.")
    var codeActivation: Autoencoder.Config.CodeActivation?

    @Flag(help: "Tie the decoder's weights to the encoder's transposes.")
    var tied = false

    @Option(help: "Sparsity penalty weight (KL to --sparsity-target with a sigmoid code, else L1).")
    var sparsityWeight: Float?

    @Option(help: "Target mean activation of each code unit for the KL sparsity penalty.")
    var sparsityTarget: Float?

    @Option(help: "Input corruption: none, gaussian, masking, salt-pepper.")
    var noise: NoiseKind?

    @Option(help: "Corruption level: probability for masking and salt-pepper, σ for gaussian.")
    var noiseLevel: Float?

    @Option(help: "Dropout probability on the code.")
    var codeDropout: Float?

    @Flag(help: "Allow a code wider than the input without a sparsity penalty.")
    var allowOvercomplete = false

    @Option(help: ArgumentHelp("Output folder (default: runs/autoencoder-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if resume != nil && out != nil { throw ValidationError("--resume continues in its own folder; do not pass --out with it.") }
        if let layers, parseLayers(layers) == nil {
            throw ValidationError("--layers must be positive integers separated by commas or dashes, got '\(layers)'.")
        }
        do { _ = try modelConfig() } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    func parseLayers(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "-" }).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count >= 2, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

    /// The model the flags describe (kind defaults, then overrides).
    func modelConfig() throws -> Autoencoder.Config {
        var c = Autoencoder.Config(kind: kind)
        if let layers { c.layers = parseLayers(layers) ?? c.layers }
        if let code { c.codeSize = code }
        if let loss { c.loss = loss }
        if let activation { c.activation = activation }
        if let initializer { c.initializer = initializer }
        if let codeActivation { c.codeActivation = codeActivation }
        c.tiedWeights = tied
        if sparsityWeight != nil || sparsityTarget != nil {
            let weight = sparsityWeight ?? 1
            if c.codeActivation == .sigmoid {
                var target: Float = 0.05
                if case .kl(let t, _) = c.sparsity { target = t }
                c.sparsity = .kl(target: sparsityTarget ?? target, weight: weight)
            } else {
                c.sparsity = .l1(weight: weight)
            }
        }
        if let noise {
            let level = noiseLevel ?? (noise == .gaussian ? 0.3 : 0.5)
            switch noise {
            case .none: c.corruption = .none
            case .gaussian: c.corruption = .gaussian(std: level)
            case .masking: c.corruption = .masking(probability: level)
            case .saltPepper: c.corruption = .saltAndPepper(probability: level)
            }
        } else if let noiseLevel {
            switch c.corruption {
            case .none: break
            case .gaussian: c.corruption = .gaussian(std: noiseLevel)
            case .masking: c.corruption = .masking(probability: noiseLevel)
            case .saltAndPepper: c.corruption = .saltAndPepper(probability: noiseLevel)
            }
        }
        if let codeDropout { c.codeDropout = codeDropout }
        c.allowOvercomplete = allowOvercomplete
        c.seed = compute.seed
        try c.validate()
        return c
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: quiet)
        let settings: RunSettings<Autoencoder.Config>
        let dir: String
        if let resume {
            settings = try RunSettings.read(runDirectory: resume, command: "train autoencoder")
            dir = resume
        } else {
            settings = RunSettings(model: try modelConfig(), training: training.config(seed: compute.seed), data: dataOptions.source)
            dir = try RunDirectory.make(out, name: "autoencoder")
        }
        let (train, test, source) = try settings.data.load()
        progress.note("data: \(source): \(train.count) train, \(test.count) test")
        try settings.write(runDirectory: dir)
        let started = Date()
        let (model, trainer) = try AutoencoderTraining.run(model: settings.model, training: settings.training, train: train,
                                                           test: test, runDirectory: dir, resume: resume != nil,
                                                           onEvent: progress.update)
        let final = trainer.history.last ?? [:]
        try RunReport.writeMetrics(command: "train autoencoder", settings: settings, history: trainer.history,
                                   final: final.filter { $0.key.hasPrefix("test_") || $0.key.hasPrefix("code_") }
                                       .merging(["parameters": Double(model.parameterCount)]) { a, _ in a },
                                   to: dir)
        try RunReport.writeLossPlot(history: trainer.history, keys: ["train_loss", "test_loss"],
                                    title: "Autoencoder loss per image", to: dir + "/loss.png")
        try AutoencoderPictures.write(model, test: test.inputs, to: dir)
        var rows: [(String, String)] = [
            ("model", settings.model.summary + ", \(model.parameterCount) parameters"),
            ("epochs", "\(settings.training.epochs)"),
            ("final train loss", format(final["train_loss"] ?? .nan)),
            ("test squared error", format(final["test_squared_error"] ?? .nan) + " per image (sum over 784 pixels)"),
        ]
        if let noisy = final["test_squared_error_noisy"] { rows.append(("test error, noisy input", format(noisy))) }
        if let near = final["code_near_zero_fraction"] {
            rows.append(("code sparsity", String(format: "%.1f %% of code values < 0.05, mean activation %.3f", near * 100, final["code_mean_activation"] ?? .nan)))
        }
        rows += [("time", duration(Date().timeIntervalSince(started))), ("output", dir)]
        print(summaryTable(rows))
    }
}

/// The standard pictures of a trained autoencoder.
enum AutoencoderPictures {
    /// reconstructions.png (originals above reconstructions, and for denoising the corrupted
    /// inputs above their reconstructions) and filters.png (first-layer weights as 28×28 tiles).
    static func write(_ model: Autoencoder, test: Tensor, to dir: String, count: Int = 20) throws {
        let n = min(count, test.shape[0])
        let originals = test.rows(0..<n)
        var rows = [originals, model.reconstruct(originals)]
        if model.config.corruption != .none {
            var rng = RandomGenerator(seed: model.config.seed &+ 404)
            let noisy = model.config.corruption.apply(originals, using: &rng)
            rows += [noisy, model.reconstruct(noisy)]
        }
        let labels = rows.count == 2 ? ["input", "output"] : ["clean", "output", "noisy", "denoised"]
        let grid = ImageGrid(columns: n, padding: 2, scale: 2, rowLabels: labels)
        try grid.writePNG(Tensor.concat(rows), to: URL(fileURLWithPath: dir + "/reconstructions.png"))
        if let first = model.encoder.layers.lazy.compactMap({ $0 as? Linear }).first, first.inputSize == 784 {
            let filters = first.weight.value.rows(0..<min(100, first.outputSize))
            try ImageGrid.filters(filters, columns: 10).writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        } else if let conv = model.encoder.layers.lazy.compactMap({ $0 as? Conv2d }).first {
            let w = conv.weight.value
            try ImageGrid.filters(w, columns: 8, scale: 8, imageHeight: w.shape[2]).writePNG(to: URL(fileURLWithPath: dir + "/filters.png"))
        }
    }
}
