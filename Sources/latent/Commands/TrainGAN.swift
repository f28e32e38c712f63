import ArgumentParser
import Foundation
import Latent

extension GAN.Kind: ExpressibleByArgument {}
extension GANLoss: ExpressibleByArgument {}

/// `latent train gan`: an MLP GAN or the dcgan pair on MNIST, measured after every epoch.
struct TrainGAN: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Train a generative adversarial network on MNIST.",
        discussion: """
            Trains a generator against a discriminator (k discriminator steps, then m generator \
            steps; Adam 2e-4, β1 0.5). After every epoch it measures 10,000 samples against the \
            real test images: the Fréchet distance in the feature space of Latent's MNIST \
            classifier (FID's formula on a small MNIST network, not Inception) and the share of \
            each digit class. The classifier is trained once into DIR/classifier/ unless \
            --classifier names one. Writes into --out: model.safetensors (both networks), \
            checkpoint.safetensors (for --resume), metrics.json, samples/epoch-NNN.png (the same \
            fixed noise every epoch), progression.png (one row per epoch), loss.png, frechet.png.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var output: RunOptions

    // dcgan by default, as the tour trains: the MLP pair drops digits (its smallest digit share
    // falls toward zero), which a first run should not show.
    @Option(help: "Architecture: dcgan (the dcgan workload of BENCHMARKS.md) or mlp (faster, drops digits).")
    var kind: GAN.Kind = .dcgan

    @Option(help: "Width of the noise vector z (default: 64).")
    var latent: Int?

    @Option(help: "Passes over the training images.")
    var epochs: Int = 5

    @Option(help: "Examples per mini-batch.")
    var batchSize: Int = 128

    @Option(name: [.customLong("lr"), .customLong("learning-rate")], help: "Adam learning rate of both networks.")
    var learningRate: Float = 2e-4

    @Option(help: "Adam β1 of both networks.")
    var beta1: Float = 0.5

    @Option(help: "k: discriminator steps before each round of generator steps.")
    var dSteps: Int = 1

    @Option(help: "m: generator steps after each round of discriminator steps.")
    var gSteps: Int = 1

    @Option(help: "Generator loss: non-saturating (−log D(G(z))) or minimax (log(1 − D(G(z)))).")
    var loss: GANLoss = .nonSaturating

    @Option(help: "One-sided label smoothing: the real target becomes 1 − this (e.g. 0.1).")
    var labelSmoothing: Float = 0

    @Option(help: """
        Decay of a running average of the generator's weights (e.g. 0.999), which measurements, \
        pictures and model.safetensors then use; 0: none, the live generator.
        """)
    var averageDecay: Float = 0

    @Option(help: """
        Examples the discriminator judges at once (PacGAN): it sees this many real or this many \
        generated digits side by side, so samples that look alike are easier to catch \
        (default: 2 for dcgan, 1 for mlp).
        """)
    var pack: Int?

    /// The PacGAN pack in force: dcgan judges pairs unless told otherwise (measured: the
    /// smallest digit share after 5 epochs 4.9 % alone, 5.8 % in pairs; an MLP GAN gained nothing).
    var packSize: Int { pack ?? (kind == .dcgan ? 2 : 1) }

    @Option(help: "MLP generator hidden sizes, comma-separated.")
    var generatorHidden = ListArgument([256, 512])

    @Option(help: "MLP discriminator hidden sizes, comma-separated.")
    var discriminatorHidden = ListArgument([512, 256])

    @Option(help: ArgumentHelp("A classifier checkpoint (latent train classifier) whose features measure the samples; default: train one into DIR/classifier.", valueName: "path"))
    var classifier: String?

    @Option(help: "Samples measured after each epoch.")
    var evalSamples: Int = 10_000

    func validate() throws {
        try FlagBounds.check("--latent", latent, in: FlagBounds.width)
        try FlagBounds.checkWidths("--generator-hidden", generatorHidden)
        try FlagBounds.checkWidths("--discriminator-hidden", discriminatorHidden)
        try FlagBounds.check("--epochs", epochs, in: 1...InputLimits.epochs)
        try FlagBounds.check("--eval-samples", evalSamples, in: 2...100_000)
        if !generatorHidden.allPositive { throw ValidationError("--generator-hidden must be positive integers separated by commas, got '\(generatorHidden.defaultValueDescription)'.") }
        if !discriminatorHidden.allPositive { throw ValidationError("--discriminator-hidden must be positive integers separated by commas, got '\(discriminatorHidden.defaultValueDescription)'.") }
        if !(1...64).contains(packSize) { throw ValidationError("--pack must be between 1 and 64, got \(packSize).") }
        if batchSize % packSize != 0 { throw ValidationError("--batch-size \(batchSize) is not a multiple of --pack \(packSize).") }
        if evalSamples < 2 { throw ValidationError("--eval-samples must be at least 2, got \(evalSamples).") }
        do { try trainingConfig(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
        do { try FlagBounds.checkWeights(GAN.self, modelConfig(seed: 1)) } catch let error as ModelError { throw ValidationError(error.description + ".") }
    }

    /// The networks the flags describe.
    func modelConfig(seed: UInt64) -> GAN.Config {
        var model = GAN.Config(kind: kind, latentSize: latent ?? 64)
        model.generatorHidden = generatorHidden.values
        model.discriminatorHidden = discriminatorHidden.values
        model.pack = packSize == 1 ? nil : packSize
        model.seed = seed
        return model
    }

    /// The training the flags describe.
    func trainingConfig(seed: UInt64) -> GANTrainingConfig {
        var c = GANTrainingConfig()
        c.epochs = epochs
        c.batchSize = batchSize
        c.learningRate = learningRate
        c.beta1 = beta1
        c.discriminatorSteps = dSteps
        c.generatorSteps = gSteps
        c.loss = loss
        c.labelSmoothing = labelSmoothing
        c.averageDecay = averageDecay
        c.seed = seed
        return c
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try GANRunSettings.start(
            fresh: GANRunSettings(model: modelConfig(seed: compute.seed), training: trainingConfig(seed: compute.seed),
                                  data: dataOptions.source, classifier: classifier, evalSamples: evalSamples),
            out: output.out, resume: output.resume, name: "gan",
            givenFlags: output.givenSettingFlags)
        // A resumed run keeps its own settings; a --latent that contradicts them is a mistake, not an override.
        if let latent, latent != settings.model.latentSize {
            throw ExperimentError("\(folder.path): the run's generator takes \(settings.model.latentSize)-dimensional latent codes, --latent says \(latent)")
        }
        let report = try GANExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }
}
