import ArgumentParser
import Foundation
import Latent

extension VAE.Config.Network: ExpressibleByArgument {}
extension VAE.Config.Likelihood: ExpressibleByArgument {}
extension VAE.Config.Prior: ExpressibleByArgument {}

/// `latent train vae`: a variational autoencoder on MNIST (default: the `vae` workload,
/// 784-400-(20)-400-784, Bernoulli decoder, 𝒩(0, I) prior, Adam 1e-3, batch 128).
struct TrainVAE: ParsableCommand {
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

    @Option(name: .customLong("latent"), help: "Latent dimension D.")
    var latentSize: Int = 20

    @Option(help: "Hidden layer sizes of the MLP encoder, comma-separated (the decoder mirrors them).")
    var hidden: String = "400"

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

    @Option(help: ArgumentHelp("Output folder (default: runs/vae-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if hiddenSizes() == nil { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'.") }
        if iwaeSamples < 0 { throw ValidationError("--iwae-samples must be ≥ 0, got \(iwaeSamples).") }
        if let n = iwaeLimit, n < 1 { throw ValidationError("--iwae-limit must be positive, got \(n).") }
        if resume != nil && out != nil { throw ValidationError("--resume continues in its own folder; do not pass --out with it.") }
        do { try modelConfig(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
    }

    func hiddenSizes() -> [Int]? {
        let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

    func modelConfig(seed: UInt64) -> VAE.Config {
        var c = VAE.Config(inputSize: 784, hidden: hiddenSizes() ?? [400], latentSize: latentSize)
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
        let progress = ProgressLine(quiet: quiet)
        var settings = VAERunSettings(model: modelConfig(seed: compute.seed), training: training.config(seed: compute.seed),
                                      data: dataOptions.source, iwaeSamples: iwaeSamples, iwaeLimit: iwaeLimit)
        let dir: String
        if let resume {
            settings = try VAERunSettings.read(runDirectory: resume, command: "train vae")
            dir = resume
        } else {
            dir = try RunDirectory.make(out, name: "vae")
        }
        let (train, test, source) = try settings.data.load()
        progress.note("data: \(source): \(train.count) train, \(test.count) test")
        try settings.write(runDirectory: dir)
        let started = Date()
        let (model, trainer) = try VAETraining.run(model: settings.model, training: settings.training, train: train, test: test,
                                                   runDirectory: dir, resume: resume != nil, onEvent: progress.update)
        let trainSeconds = Date().timeIntervalSince(started)
        let last = trainer.history.last ?? [:]
        var final: [String: Double] = ["train_samples": Double(train.count), "test_samples": Double(test.count),
                                       "parameters": Double(model.parameterCount), "train_seconds": trainSeconds,
                                       "seconds_per_epoch": trainSeconds / Double(max(trainer.history.count, 1))]
        for key in ["test_negative_elbo", "test_reconstruction", "test_kl"] { final[key] = last[key] }
        let active = model.activeUnits(test.inputs)
        final["active_units"] = Double(active.count)
        if settings.iwaeSamples > 0 {
            let n = min(settings.iwaeLimit ?? test.count, test.count)
            progress.note("importance-weighted NLL: \(settings.iwaeSamples) samples × \(n) test images…")
            final["iwae_nll"] = model.importanceWeightedNLL(test.inputs.rows(0..<n), samples: settings.iwaeSamples)
            final["iwae_samples"] = Double(settings.iwaeSamples)
            final["iwae_images"] = Double(n)
        }
        try RunReport.writeMetrics(command: "train vae", settings: settings, history: trainer.history, final: final, to: dir)
        try VAEPictures.write(model: model, history: trainer.history, test: test, seed: compute.seed, to: dir)
        var rows: [(String, String)] = [
            ("model", "\(settings.model.summary), \(model.parameterCount) parameters"),
            ("epochs", "\(settings.training.epochs)"),
            ("test −ELBO", String(format: "%.2f nats (reconstruction %.2f + KL %.2f)", last["test_negative_elbo"] ?? .nan,
                                  last["test_reconstruction"] ?? .nan, last["test_kl"] ?? .nan)),
        ]
        if let nll = final["iwae_nll"] {
            rows.append(("test NLL (IWAE)", String(format: "%.2f nats, k = %d, %d images", nll, settings.iwaeSamples, Int(final["iwae_images"] ?? 0))))
        }
        rows += [("active units", "\(active.count) of \(settings.model.latentSize)"),
                 ("time", "\(duration(trainSeconds)) training, \(String(format: "%.2f", final["seconds_per_epoch"] ?? 0)) s/epoch"),
                 ("output", dir)]
        print(summaryTable(rows))
    }
}

/// Everything needed to rebuild a VAE run: written to `run.json` in the run folder.
struct VAERunSettings: RunFile {
    var model: VAE.Config
    var training: TrainingConfig
    var data: MNISTSource
    var iwaeSamples: Int
    var iwaeLimit: Int?
}

/// The standard pictures of a trained VAE.
enum VAEPictures {
    static func write(model: VAE, history: [[String: Double]], test: Dataset, seed: UInt64, to dir: String) throws {
        var plot = LinePlot(title: "VAE: negative ELBO per image (nats)", xLabel: "epoch", yLabel: "nats")
        for key in ["train_negative_elbo", "test_negative_elbo", "test_reconstruction", "test_kl"] {
            let points = history.compactMap { h in h[key].map { (h["epoch"] ?? 0, $0) } }
            plot.series.append(.init(name: key.replacingOccurrences(of: "_", with: " "), x: points.map(\.0), y: points.map(\.1),
                                     showMarkers: points.count < 30))
        }
        try AtomicFile.write(plot.png(), to: dir + "/loss.png")
        let originals = test.inputs.rows(0..<min(16, test.count))
        let reconstructions = model.decode(model.encode(originals))
        try AtomicFile.write(ImageGrid.comparison(top: originals, bottom: reconstructions).png(), to: dir + "/reconstructions.png")
        var rng = RandomGenerator(seed: seed)
        try LatentModelFile.writeGrid(model.sample(count: 64, using: &rng), columns: 8, to: dir + "/samples.png")
        if model.latentSize == 2 {
            try LatentModelFile.writeGrid(model.decode(try LatentGrid.codes(model, size: 20)), columns: 20, scale: 1, to: dir + "/manifold.png")
            let n = min(test.count, 5000)
            let codes = model.encodeInBatches(test.inputs.rows(0..<n))
            var scatter = ScatterPlot(points: codes, labels: test.labels.map { Array($0[0..<n]) }, title: "Test codes by digit")
            scatter.xLabel = "z0"
            scatter.yLabel = "z1"
            try scatter.writePNG(to: URL(fileURLWithPath: dir + "/codes.png"))
        }
    }
}
