import ArgumentParser
import Foundation
import Latent

/// `latent conditional MODEL`: class-conditional Gaussians in latent space, sampled and checked by
/// a classifier (`ClassConditionalAgreement`).
struct Conditional: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit a Gaussian per class to the codes (naive Bayes and full covariance), sample each class, check with a classifier.",
        discussion: """
            The Gaussians are fitted to the codes of the training images. For every class, \
            --count codes are drawn from each sampler and decoded; a classifier (--classifier PATH, \
            or one trained here on the same training images) says how often it sees the requested \
            class. Writes conditional-full.png and conditional-diagonal.png (one row per class), \
            class-C.png for --class C, and metrics.json with the agreement per class and sampler.
            """)

    @Argument(help: ArgumentHelp("A VAE or autoencoder model.safetensors (the Gaussians are fitted to its codes).", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(name: .customLong("class"), help: "Also write a larger grid of this class's samples.")
    var chosenClass: Int?

    @Option(help: "Samples per class and sampler.")
    var count: Int = 100

    @Option(help: ArgumentHelp("A classifier model.safetensors (default: train the measuring classifier, 784-256-10 for 5 epochs).", valueName: "path"))
    var classifier: String?

    @Option(help: ArgumentHelp("Output folder (default: conditional-<time> beside the model).", valueName: "dir"))
    var out: String?

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try FlagBounds.check("--count", count, in: FlagBounds.images)
    }

    func run() throws {
        compute.apply()
        let report = try ConditionalExperiment.run(
            ConditionalRequest(model: model, data: dataOptions.source, chosenClass: chosenClass, count: count,
                               classifier: classifier, seed: compute.seed, out: out),
            log: ProgressLine(quiet: quiet).log)
        print(summaryTable(report.summary))
    }
}
