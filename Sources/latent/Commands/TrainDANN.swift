import ArgumentParser
import Foundation
import Latent

/// `latent train dann`: domain-adversarial training from a labelled source to an unlabelled target.
struct TrainDANN: TrainingCommand {
    static let configuration = CommandConfiguration(
        commandName: "dann",
        abstract: "Domain-adversarial training (DANN): labelled source images, unlabelled target images.",
        discussion: """
            Both folders hold MNIST-style IDX files (grey n×h×w or colour n×h×w×c, gzipped or \
            not); grey images are replicated to the other domain's channels. --mode source-only \
            and target-only train the same network without adaptation: the baseline and the upper \
            bound. Writes model.safetensors, checkpoint.safetensors, metrics.json (target and \
            source test accuracy per epoch), accuracy.png and features-tsne.png into --out.
            """)

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var output: RunOptions

    @Option(help: ArgumentHelp("Labelled source domain: a folder of train-/t10k- images and labels.", valueName: "dir"))
    var source: String?

    @Option(help: ArgumentHelp("Target domain, same layout (its training labels are used only by --mode target-only).", valueName: "dir"))
    var target: String?

    @Option(help: "dann (adapt), source-only (baseline) or target-only (upper bound, uses target labels).")
    var mode: DomainAdaptationMode = .dann

    @Option(help: "Use at most this many source training images.")
    var sourceLimit: Int?

    @Option(help: "Use at most this many target training images.")
    var targetLimit: Int?

    @Option(help: "Use at most this many test images of each domain.")
    var testLimit: Int?

    @Option(help: ArgumentHelp("Output channels of each convolution block of the feature extractor.", valueName: "channels"))
    var convChannels = ListArgument([32, 48])

    @Option(help: "Square kernel of the feature extractor's convolutions.")
    var kernelSize = 5

    @Option(help: ArgumentHelp("Hidden layers of the label predictor.", valueName: "sizes"))
    var hidden = ListArgument([100, 100])

    @Option(help: ArgumentHelp("Hidden layers of the domain classifier.", valueName: "sizes"))
    var domainHidden = ListArgument([100])

    @Flag(inversion: .prefixedNo, help: "Batch normalisation after each convolution, with statistics shared by both domains' images.")
    var batchNorm = false

    @Option(help: "Dropout probability in the label predictor's hidden layers.")
    var dropout: Float = 0

    func validate() throws {
        if output.resume == nil && (source == nil || target == nil) { throw ValidationError("give --source DIR and --target DIR (or --resume DIR).") }
        for (flag, n) in [("--source-limit", sourceLimit), ("--target-limit", targetLimit), ("--test-limit", testLimit)] {
            if let n, n < 1 { throw ValidationError("\(flag) must be positive, got \(n).") }
        }
        if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1), got \(dropout).") }
        for (flag, list) in [("--conv-channels", convChannels), ("--hidden", hidden), ("--domain-hidden", domainHidden)] where !list.allPositive {
            throw ValidationError("\(flag) must be positive integers separated by commas, got '\(list.defaultValueDescription)'.")
        }
    }

    func run() throws {
        compute.apply()
        let progress = ProgressLine(quiet: output.quiet)
        let (settings, folder) = try DomainAdaptationSettings.start(fresh: try freshSettings(), out: output.out,
                                                                    resume: output.resume, name: "dann")
        let report = try DomainAdaptationExperiment.run(settings, in: folder, resume: output.resume != nil, log: progress.log)
        print(summaryTable(report.summary))
    }

    /// The networks the flags describe (their input shape comes from the images).
    func modelConfig() -> DomainAdversarialNetwork.Config {
        var model = DomainAdversarialNetwork.Config(batchNorm: batchNorm, seed: compute.seed)
        model.network.convolutions = convChannels.values
        model.network.kernelSize = kernelSize
        model.network.hidden = hidden.values
        model.domainHidden = domainHidden.values
        model.network.dropout = dropout
        return model
    }

    /// The settings of a fresh run, after everything that can be checked before a folder exists:
    /// both domains load and fit one network.
    func freshSettings() throws -> DomainAdaptationSettings {
        guard let source, let target else { throw ValidationError("give --source DIR and --target DIR") }
        let model = modelConfig()
        let settings = DomainAdaptationSettings(
            mode: mode, model: model, training: training.config(seed: compute.seed),
            source: ImageFolderSource(directory: source, trainLimit: sourceLimit, testLimit: testLimit),
            target: ImageFolderSource(directory: target, trainLimit: targetLimit, testLimit: testLimit))
        let (domain, _) = try DomainAdaptationExperiment.loadDomains(settings)
        do { try DomainAdaptationExperiment.fitted(model, to: domain.0).validate() } catch { throw ValidationError("\(error)") }
        return settings
    }
}

extension DomainAdaptationMode: ExpressibleByArgument {}
