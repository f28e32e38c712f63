import ArgumentParser
import Foundation
import Latent

extension VAE.Config.Network: ExpressibleByArgument {}
extension VAE.Config.Likelihood: ExpressibleByArgument {}
extension VAE.Config.Prior: ExpressibleByArgument {}

/// `latent train vae`: a variational autoencoder on MNIST (default: the `vae` workload,
/// 784-400-(20)-400-784, Bernoulli decoder, 𝒩(0, I) prior, Adam 1e-3, batch 128).
struct TrainVAE: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Train a variational autoencoder on MNIST.",
        discussion: """
            Writes into --out: model.safetensors (weights under PyTorch names, config in metadata), \
            checkpoint.safetensors (for --resume), metrics.json (per epoch: reconstruction, KL and \
            negative ELBO on train and test; at the end the importance-weighted NLL and the active \
            units), loss.png, reconstructions.png, samples.png, and for a 2-d latent manifold.png \
            and codes.png. Use the model with `latent sample|interpolate|arithmetic|manifold|conditional`.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: RunOptions

    @Option(name: .customLong("latent"), help: "Latent dimension D.")
    var latentSize: Int = 20

    @Option(help: "Hidden layer sizes of the MLP encoder, comma-separated (the decoder mirrors them).")
    var hidden = ListArgument([400])

    @Option(help: "Weight β of the KL term (0: no pull toward the prior; > 1: β-VAE).")
    var beta: Float = 1

    @Option(help: "Epochs over which the KL weight rises linearly from 0 to β.")
    var warmup: Int = 0

    @Option(help: "Prior: normal (N(0, I)) or mog (a learnable mixture of Gaussians).")
    var prior: VAE.Config.Prior = .normal

    @Option(help: "Components of the mixture prior.")
    var components: Int = 10

    @Option(help: "Encoder (and mirrored decoder) network: mlp or conv.")
    var encoder: VAE.Config.Network = .mlp

    @Option(help: "Decoder distribution: bernoulli (cross-entropy) or gaussian (squared error).")
    var decoder: VAE.Config.Likelihood = .bernoulli

    @Option(help: "σ of the Gaussian decoder.")
    var gaussianStd: Float = 0.1

    @Option(help: "Samples per test image for the importance-weighted NLL (0 skips it).")
    var iwaeSamples: Int = 100

    @Option(help: "Estimate the importance-weighted NLL on at most this many test images.")
    var iwaeLimit: Int?

    func validate() throws {
        if !hidden.allPositive { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden.defaultValueDescription)'.") }
        try FlagBounds.checkWidths("--hidden", hidden)
        try FlagBounds.check("--latent", latentSize, in: FlagBounds.width)
        try FlagBounds.check("--components", components, in: 1...InputLimits.mixtureComponents)
        try FlagBounds.check("--iwae-samples", iwaeSamples, in: 0...InputLimits.importanceSamples)
        if prior == .mog {
            let rows = max(training.batchSize, iwaeSamples)
            let work = InputLimits.product(InputLimits.product(components, latentSize), rows)
            if work > InputLimits.mixtureWork {
                throw ValidationError("--components × --latent × \(rows == iwaeSamples ? "--iwae-samples" : "--batch-size") is \(work); at most \(InputLimits.mixtureWork) for a mixture prior.")
            }
        }
        if let n = iwaeLimit, n < 1 { throw ValidationError("--iwae-limit must be positive, got \(n).") }
        do { try modelConfig(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
        try FlagBounds.checkWeights(VAE.self, modelConfig(seed: 1))
    }

    /// The model the flags describe.
    func modelConfig(seed: UInt64) -> VAE.Config {
        var c = VAE.Config(inputSize: 784, hidden: hidden.values, latentSize: latentSize)
        c.network = encoder
        c.likelihood = decoder
        c.gaussianStd = gaussianStd
        c.beta = beta
        c.warmupEpochs = warmup
        c.prior = prior
        c.priorComponents = components
        c.seed = seed
        return c
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try VAERunSettings.start(
            fresh: VAERunSettings(model: modelConfig(seed: compute.seed), training: training.config(seed: compute.seed),
                                  data: dataOptions.source, iwaeSamples: iwaeSamples, iwaeLimit: iwaeLimit),
            out: output.out, resume: output.resume, name: "vae",
            givenFlags: output.givenSettingFlags)
        let report = try VAEExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }
}
