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

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train vae`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Class the vector starts from.")
    var fromClass: Int?

    @Option(help: "Class the vector points to.")
    var toClass: Int?

    @Option(help: "A built-in attribute instead of two classes: thickness.")
    var attribute: Attribute?

    @Option(help: "Test-image indices to change, comma-separated.")
    var images: String?

    @Option(help: "How many test images when --images is not given.")
    var count: Int = 8

    @Option(help: "Strengths of the vector, comma-separated.")
    var scales: String = "-1,-0.5,0,0.5,1,1.5"

    @Option(help: ArgumentHelp("Output folder (default: runs/arithmetic-<time>).", valueName: "dir"))
    var out: String?

    func validate() throws {
        if attribute == nil && (fromClass == nil || toClass == nil) {
            throw ValidationError("choose an attribute: --from-class A --to-class B, or --attribute thickness.")
        }
        if attribute != nil && toClass != nil { throw ValidationError("--attribute and --to-class are alternatives; pass one.") }
        if strengths() == nil { throw ValidationError("--scales must be numbers separated by commas, got '\(scales)'.") }
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
    }

    func strengths() -> [Float]? {
        let parts = scales.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0?.isFinite ?? false }) else { return nil }
        return parts.map { $0! }
    }

    func run() throws {
        compute.apply()
        let vae = try LatentModelFile.load(model)
        let (train, test, _) = try dataOptions.load()
        try LatentModelFile.check(test, fits: vae, path: model)
        let codes = vae.encodeInBatches(train.inputs)
        let vector: AttributeVector, name: String
        if let attribute {
            // Ink = the sum of pixel values: thick strokes have more of it.
            let ink = (0..<train.count).map { i in train.inputs.rows(i..<i + 1).sum() }
            let order = ink.indices.sorted { ink[$0] < ink[$1] }
            let quarter = max(1, train.count / 4)
            vector = try AttributeVector(with: codes.gatherRows(Array(order.suffix(quarter))), without: codes.gatherRows(Array(order.prefix(quarter))))
            name = attribute.rawValue
        } else {
            guard let labels = train.labels else { throw CLIError("class attributes need labelled training data") }
            vector = try AttributeVector.classDifference(codes: codes, labels: labels, from: fromClass!, to: toClass!)
            name = "class \(fromClass!) → class \(toClass!)"
        }
        var chosen: [Int]
        if let images {
            chosen = []
            for part in images.split(separator: ",") {
                guard let i = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw CLIError("--images must be test-image indices separated by commas, got '\(images)'")
                }
                guard i >= 0 && i < test.count else { throw CLIError("--images \(i): \(LatentSpaceError.indexOutOfRange(i, count: test.count))") }
                chosen.append(i)
            }
        } else if let c = fromClass, let labels = test.labels {
            chosen = Array(labels.indices.filter { labels[$0] == c }.prefix(count))
        } else {
            chosen = Array(0..<min(count, test.count))
        }
        guard !chosen.isEmpty else { throw CLIError("no test images of class \(fromClass ?? -1) to change") }
        let s = strengths()!
        let moved = vector.apply(to: vae.encode(test.inputs.gatherRows(chosen)), scales: s)
        let dir = try RunDirectory.make(out, name: "arithmetic")
        try LatentModelFile.writeGrid(vae.decode(moved), columns: s.count, rowLabels: chosen.map { "#\($0)" }, to: dir + "/arithmetic.png")
        try LatentModelFile.writeMetrics(["command": "arithmetic", "model": model, "attribute": name, "scales": s.map(Double.init),
                                          "images": chosen, "vector_norm": Double(vector.norm)], to: dir)
        print(summaryTable([("model", "\(model): \(vae.config.summary)"), ("attribute", "\(name), |v| = \(String(format: "%.2f", vector.norm))"),
                            ("images", chosen.map(String.init).joined(separator: ", ")),
                            ("strengths", s.map { String(format: "%g", $0) }.joined(separator: ", ")),
                            ("output", dir + "/arithmetic.png")]))
    }
}
