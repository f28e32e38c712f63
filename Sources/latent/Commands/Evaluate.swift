import ArgumentParser
import Foundation
import Latent

/// `latent evaluate MODEL`: test figures of a saved model.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved model on the MNIST test images.",
        discussion: "Prints the test accuracy and writes metrics.json into --out if given.")

    @Argument(help: ArgumentHelp("A classifier model.safetensors written by `latent train classifier`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("Write metrics.json here.", valueName: "dir"))
    var out: String?

    func run() throws {
        compute.apply()
        let report = try EvaluateExperiment.run(model: model, data: dataOptions.source, out: out)
        print(summaryTable(report.summary))
    }
}
