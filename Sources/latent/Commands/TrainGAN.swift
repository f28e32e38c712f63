import ArgumentParser
import Foundation
import Latent

extension GAN.Kind: ExpressibleByArgument {}
extension GANLoss: ExpressibleByArgument {}

/// `latent train gan`: an MLP GAN or the dcgan pair on MNIST, measured after every epoch.
struct TrainGAN: ParsableCommand {
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

    @Option(help: "Architecture: mlp or dcgan (the dcgan workload of BENCHMARKS.md).")
    var kind: GAN.Kind = .mlp

    @Option(help: "Width of the noise vector z (default 64).")
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
    var generatorHidden: String = "256,512"

    @Option(help: "MLP discriminator hidden sizes, comma-separated.")
    var discriminatorHidden: String = "512,256"

    @Option(help: ArgumentHelp("A classifier checkpoint (latent train classifier) whose features measure the samples; default: train one into DIR/classifier.", valueName: "path"))
    var classifier: String?

    @Option(help: "Samples measured after each epoch.")
    var evalSamples: Int = 10_000

    @Option(help: ArgumentHelp("Output folder (default: runs/gan-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint.", valueName: "dir"))
    var resume: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if let latent, latent < 1 { throw ValidationError("--latent must be positive, got \(latent).") }
        if sizes(generatorHidden) == nil { throw ValidationError("--generator-hidden must be positive integers separated by commas, got '\(generatorHidden)'.") }
        if sizes(discriminatorHidden) == nil { throw ValidationError("--discriminator-hidden must be positive integers separated by commas, got '\(discriminatorHidden)'.") }
        if !(1...64).contains(packSize) { throw ValidationError("--pack must be between 1 and 64, got \(packSize).") }
        if batchSize % packSize != 0 { throw ValidationError("--batch-size \(batchSize) is not a multiple of --pack \(packSize).") }
        if evalSamples < 2 { throw ValidationError("--eval-samples must be at least 2, got \(evalSamples).") }
        if resume != nil && out != nil { throw ValidationError("--resume continues in its own folder; do not pass --out with it.") }
        do { try trainingConfig(seed: 1).validate() } catch { throw ValidationError(error.description + ".") }
    }

    func sizes(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return parts.map { $0! }
    }

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
        let progress = ProgressLine(quiet: quiet)
        var settings: GANRunSettings
        let dir: String
        if let resume {
            // The run's own settings win: they are what the checkpoint was made with.
            settings = try GANRunSettings.read(runDirectory: resume, command: "train gan")
            if let latent, latent != settings.model.latentSize {
                throw CLIError("\(resume): the run's generator takes \(settings.model.latentSize)-dimensional latent codes, --latent says \(latent)")
            }
            dir = resume
        } else {
            var model = GAN.Config(kind: kind, latentSize: latent ?? 64)
            model.generatorHidden = sizes(generatorHidden) ?? []
            model.discriminatorHidden = sizes(discriminatorHidden) ?? []
            model.pack = packSize == 1 ? nil : packSize
            model.seed = compute.seed
            settings = GANRunSettings(model: model, training: trainingConfig(seed: compute.seed), data: dataOptions.source,
                                      classifier: classifier, evalSamples: evalSamples)
            dir = try RunDirectory.make(out, name: "gan")
        }
        let (train, test, source) = try settings.data.load()
        progress.note("data: \(source): \(train.count) train, \(test.count) test")
        let started = Date()
        let classifierPath = try GANMeasurement.classifier(settings.classifier, train: train, test: test,
                                                           directory: dir + "/classifier", seed: settings.model.seed,
                                                           progress: progress)
        settings.classifier = classifierPath
        try settings.write(runDirectory: dir)
        let quality = try SampleQuality(classifier: try Classifier.load(path: classifierPath), realImages: test.inputs)
        let pictures = try GANPictures(directory: dir)
        let trainer = try GANTraining.run(
            model: settings.model, training: settings.training, train: train, quality: quality,
            evaluationSamples: settings.evalSamples, runDirectory: dir, resume: resume != nil,
            afterEpoch: { epoch, trainer in
                try pictures.record(epoch: epoch, trainer: trainer)
                if let figures = trainer.history.last { progress.note(GANMeasurement.line(figures, epochs: trainer.step.config.epochs)) }
            },
            onEvent: { if $0.epochSummary == nil { progress.update($0) } })
        try RunReport.writeMetrics(command: "train gan", settings: settings, history: trainer.history,
                                   final: GANMeasurement.final(trainer), to: dir)
        try RunReport.writeLossPlot(history: trainer.history, keys: ["d_loss", "g_loss"], title: "GAN losses per epoch", to: dir + "/loss.png")
        try GANMeasurement.writeFrechetPlot(trainer.history, to: dir + "/frechet.png")
        let first = trainer.history.first?["frechet_distance"] ?? .nan, last = trainer.history.last?["frechet_distance"] ?? .nan
        print(summaryTable([
            ("model", trainer.gan.summary),
            ("parameters", "generator \(trainer.gan.generator.parameterCount), discriminator \(trainer.gan.discriminator.parameterCount)"),
            ("epochs", "\(settings.training.epochs) (k = \(settings.training.discriminatorSteps), m = \(settings.training.generatorSteps), \(settings.training.loss.rawValue) loss)"),
            ("Fréchet distance", String(format: "%.3f at initialisation → %.3f (%.1f× lower; classifier features)", first, last, first / last)),
            ("digit shares", GANMeasurement.shares(trainer.history.last ?? [:])),
            ("time", duration(Date().timeIntervalSince(started))),
            ("output", dir),
        ]))
    }
}

/// Everything needed to rebuild a GAN run: written to `run.json` in the run folder.
struct GANRunSettings: RunFile {
    var model: GAN.Config
    var training: GANTrainingConfig
    var data: MNISTSource
    /// The classifier whose features measure the samples.
    var classifier: String?
    var evalSamples: Int
}
