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

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String?

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be positive, got \(count).") }
    }

    func run() throws {
        compute.apply()
        let autoencoder = try Autoencoder.load(path: model)
        let (_, test, source) = try dataOptions.load()
        let figures = AutoencoderTraining.evaluate(autoencoder, test: test.inputs)
        let dir = try RunDirectory.make(out, name: "reconstruct")
        try AutoencoderPictures.write(autoencoder, test: test.inputs, to: dir, count: count)
        let object: [String: Any] = ["command": "reconstruct", "model": model, "data": source,
                                     "test_samples": test.count].merging(figures) { a, _ in a }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(String(decoding: data, as: UTF8.self), to: dir + "/metrics.json")
        print(summaryTable([
            ("model", autoencoder.config.summary),
            ("data", "\(source), \(test.count) test images"),
            ("test squared error", format(figures["test_squared_error"] ?? .nan) + " per image"),
            ("pictures", dir + "/reconstructions.png"),
        ]))
    }
}

/// `latent encode MODEL`: codes of images to `.npy`.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encode images with a trained autoencoder; writes codes.npy and labels.npy.")

    @Argument(help: ArgumentHelp("An autoencoder model.safetensors.", valueName: "model"))
    var model: String

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Which images: train or test.")
    var split: MNIST.Split = .test

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String?

    func run() throws {
        compute.apply()
        let autoencoder = try Autoencoder.load(path: model)
        let (train, test, source) = try dataOptions.load()
        let data = split == .train ? train : test
        let codes = autoencoder.encode(data.inputs)
        let dir = try RunDirectory.make(out, name: "encode")
        try NPY.write(codes, to: dir + "/codes.npy")
        if let labels = data.labels { try NPY.write(labels: labels, to: dir + "/labels.npy") }
        print(summaryTable([
            ("model", autoencoder.config.summary),
            ("data", "\(source), \(data.count) \(split.rawValue) images"),
            ("codes", "\(dir)/codes.npy \(codes.shape)"),
            ("labels", data.labels == nil ? "none" : "\(dir)/labels.npy"),
        ]))
    }
}

extension MNIST.Split: ExpressibleByArgument {}
