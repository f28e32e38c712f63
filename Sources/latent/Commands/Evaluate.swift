import ArgumentParser
import Foundation
import Latent

/// `latent evaluate MODEL`: test figures of a saved model.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a saved model on the MNIST test images.",
        discussion: "Prints the test accuracy and writes metrics.json into --out if given.")

    @Argument(help: ArgumentHelp("A model.safetensors written by `latent train`.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: ArgumentHelp("Write metrics.json here.", valueName: "dir"))
    var out: String?

    func run() throws {
        compute.apply()
        let classifier = try ModelRegistry.loadClassifier( model)
        let (_, test, source) = try dataOptions.load()
        let predictions = classifier.predict(test.inputs)
        let labels = test.labels ?? []
        let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
        var perClass: [String: Double] = [:]
        for c in 0..<classifier.classCount {
            let idx = labels.indices.filter { labels[$0] == c }
            if !idx.isEmpty { perClass["\(c)"] = Double(idx.filter { predictions[$0] == c }.count) / Double(idx.count) }
        }
        if let out {
            let dir = try RunDirectory.make(out, name: "evaluate")
            let object: [String: Any] = ["command": "evaluate", "model": model, "data": source,
                                         "test_samples": labels.count, "test_accuracy": accuracy, "per_class_accuracy": perClass]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
        }
        print(summaryTable([
            ("model", model),
            ("data", "\(source), \(labels.count) test images"),
            ("test accuracy", String(format: "%.2f %%", accuracy * 100)),
            ("per class", perClass.keys.sorted().map { "\($0): \(String(format: "%.1f", perClass[$0]! * 100))" }.joined(separator: "  ")),
        ]))
    }
}
