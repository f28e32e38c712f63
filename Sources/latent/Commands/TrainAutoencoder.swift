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
struct TrainAutoencoder: TrainingCommand {
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
    @OptionGroup var output: RunOptions

    @Option(help: "Kind: \(Autoencoder.Config.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: Autoencoder.Config.Kind = .deep

    @Option(help: "Encoder widths from the input to the code, comma-separated, e.g. 784,1000,500,250,30 (the decoder mirrors them).")
    var layers: ListArgument<Int>?

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

    @Option(help: ArgumentHelp("Start from a DBN (`latent train dbn`): its stack unrolled into encoder and decoder (untied transposes), logistic units, cross-entropy; the DBN decides the network.", valueName: "dbn"))
    var initFrom: String?

    func validate() throws {
        if let layers, layers.values.count < 2 || !layers.allPositive {
            throw ValidationError("--layers must be at least two positive integers separated by commas, got '\(layers.defaultValueDescription)'.")
        }
        try FlagBounds.checkWidths("--layers", layers)
        try FlagBounds.check("--code", code, in: FlagBounds.width)
        if initFrom != nil {
            if layers != nil || code != nil || tied { throw ValidationError("with --init-from the DBN decides the network; drop --layers, --code and --tied.") }
            return
        }
        do { try FlagBounds.checkWeights(Autoencoder.self, try modelConfig()) } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    /// The model the flags describe (kind defaults, then overrides).
    func modelConfig() throws -> Autoencoder.Config {
        if let initFrom { return try DBN.load(path: initFrom).unrolledAutoencoder().config }
        var c = Autoencoder.Config(kind: kind)
        if let layers { c.layers = layers.values }
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
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try AutoencoderRunSettings.start(
            fresh: AutoencoderRunSettings(model: try modelConfig(), training: training.config(seed: compute.seed),
                                          data: dataOptions.source, initFrom: initFrom),
            out: output.out, resume: output.resume, name: "autoencoder",
            givenFlags: output.givenSettingFlags)
        let report = try AutoencoderExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }
}
