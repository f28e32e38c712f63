import ArgumentParser
import Foundation
import Latent

/// `latent reconstruct MODEL`: test images through a trained autoencoder.
struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconstruct test images with a trained autoencoder; prints the squared error and writes a picture.")

    @Argument(help: ArgumentHelp("An autoencoder model.safetensors.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Images shown in reconstructions.png.")
    var count: Int = 20

    @Option(help: ArgumentHelp("Output folder (default: reconstruct-<time> beside the model).", valueName: "dir"))
    var out: String?

    func validate() throws {
        try FlagBounds.check("--count", count, in: FlagBounds.images)
    }

    func run() throws {
        compute.apply()
        let report = try ReconstructExperiment.run(model: model, data: dataOptions.source, count: count, out: out)
        print(summaryTable(report.summary))
    }
}

/// `latent encode MODEL`: codes of images to `.npy`.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode images with a trained autoencoder or VAE; writes codes.npy and labels.npy.")

    @Argument(help: ArgumentHelp("An autoencoder or VAE model.safetensors (a VAE gives its posterior means).", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Which images: train or test.")
    var split: MNIST.Split = .test

    @Option(help: ArgumentHelp("Output folder (default: encode-<time> beside the model).", valueName: "dir"))
    var out: String?

    func run() throws {
        compute.apply()
        let report = try EncodeExperiment.run(model: model, data: dataOptions.source, split: split, out: out)
        print(summaryTable(report.summary))
    }
}

extension MNIST.Split: ExpressibleByArgument {}
