import ArgumentParser
import Foundation
import Latent

/// `latent arithmetic MODEL`: attribute vectors as differences of mean codes, added to new images.
struct Arithmetic: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add an attribute vector (a difference of mean codes) to the codes of new images (a PNG).",
        discussion: """
            The attribute is mean(code of class --to-class) − mean(code of class --from-class) over \
            the training images, or with --attribute thickness the mean code of the 25 % inkiest \
            training images minus that of the 25 % faintest. It is added with each --scales \
            strength to test images (--images, default the first --count test images, of \
            --from-class when given). Writes arithmetic.png (one row per image, one column per \
            strength) and metrics.json.
            """)

    enum Attribute: String, ExpressibleByArgument, CaseIterable { case thickness }

    @Argument(help: ArgumentHelp("An autoencoder or VAE model.safetensors.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Class the vector starts from.")
    var fromClass: Int?

    @Option(help: "Class the vector points to.")
    var toClass: Int?

    @Option(help: "A built-in attribute instead of two classes: thickness.")
    var attribute: Attribute?

    @Option(parsing: .unconditional, help: "Test-image indices to change, comma-separated.")
    var images: ListArgument<Int>?

    @Option(help: "How many test images when --images is not given.")
    var count: Int = 8

    // Unconditional: the strengths usually start with a minus sign, which would otherwise read as a flag.
    @Option(parsing: .unconditional, help: "Strengths of the vector, comma-separated.")
    var scales = ListArgument<Float>([-1, -0.5, 0, 0.5, 1, 1.5])

    @Option(help: ArgumentHelp("Output folder (default: arithmetic-<time> beside the model).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if attribute == nil && (fromClass == nil || toClass == nil) {
            throw ValidationError("choose an attribute: --from-class A --to-class B, or --attribute thickness.")
        }
        if attribute != nil && toClass != nil { throw ValidationError("--attribute and --to-class are alternatives; pass one.") }
        if !scales.values.allSatisfy(\.isFinite) {
            throw ValidationError("--scales must be numbers separated by commas, got '\(scales.defaultValueDescription)'.")
        }
        try FlagBounds.check("--count", count, in: 1...1000)
    }

    func run() throws {
        compute.apply()
        let chosen: ArithmeticRequest.Attribute
        if let fromClass, let toClass { chosen = .classes(from: fromClass, to: toClass) } else { chosen = .thickness }
        let report = try ArithmeticExperiment.run(ArithmeticRequest(
            model: model, data: dataOptions.source, attribute: chosen, images: images?.values, imageClass: fromClass,
            count: count, scales: scales.values, out: out))
        print(summaryTable(report.summary))
    }
}
