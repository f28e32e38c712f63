import Foundation
import Latent

/// The measuring side of GAN commands: the classifier, per-epoch lines and plots.
enum GANMeasurement {
    /// The classifier checkpoint to measure with: `given` if set (checked to load), else one
    /// trained now into `directory` (5 epochs of the default 784-256-10 MLP) and reused on resume.
    static func classifier(_ given: String?, train: Dataset, test: Dataset, directory: String, seed: UInt64,
                           progress: ProgressLine) throws -> String {
        if let given {
            _ = try Classifier.load(path: given)
            return given
        }
        let path = directory + "/model.safetensors"
        if FileManager.default.fileExists(atPath: path) { return path }
        progress.note("training the measuring classifier (784-256-10, 5 epochs) into \(directory)")
        let dir = try RunDirectory.make(directory, name: "classifier")
        var config = Classifier.Config(inputSize: 784, hidden: [256], classes: 10)
        config.seed = seed
        var training = TrainingConfig()
        training.epochs = 5
        training.seed = seed
        let (model, _) = try ClassifierTraining.run(model: config, training: training, train: train, test: test, runDirectory: dir)
        progress.note(String(format: "classifier test accuracy %.2f %%", model.accuracy(test.inputs, labels: test.labels ?? []) * 100))
        return path
    }

    /// One line per epoch for people.
    static func line(_ f: [String: Double], epochs: Int) -> String {
        let epoch = Int(f["epoch"] ?? 0)
        var parts = [epoch == 0 ? "initialisation" : "epoch \(epoch)/\(epochs)"]
        if let d = f["d_loss"], let g = f["g_loss"] { parts.append(String(format: "d_loss %.4f  g_loss %.4f", d, g)) }
        if let r = f["d_accuracy_real"], let k = f["d_accuracy_fake"] { parts.append(String(format: "D acc real %.3f fake %.3f", r, k)) }
        if let fd = f["frechet_distance"] { parts.append(String(format: "Fréchet %.3f", fd)) }
        if let m = f["min_class_share"] { parts.append(String(format: "min class share %.1f %%", m * 100)) }
        if let t = f["train_seconds"] { parts.append("[\(duration(t))]") }
        return parts.joined(separator: "  ")
    }

    /// "0: 9.8  1: 11.2 …" from an epoch's class shares.
    static func shares(_ f: [String: Double]) -> String {
        (0..<10).compactMap { k in f["class_share_\(k)"].map { String(format: "%d: %.1f", k, $0 * 100) } }.joined(separator: "  ") + " %"
    }

    /// Final figures for metrics.json.
    static func final(_ trainer: GANTraining.Run) -> [String: Double] {
        var f: [String: Double] = ["generator_parameters": Double(trainer.gan.generator.parameterCount),
                                   "discriminator_parameters": Double(trainer.gan.discriminator.parameterCount)]
        if let first = trainer.history.first?["frechet_distance"], let last = trainer.history.last?["frechet_distance"] {
            f["initial_frechet_distance"] = first
            f["final_frechet_distance"] = last
            f["frechet_improvement"] = first / last
        }
        if let m = trainer.history.last?["min_class_share"] { f["final_min_class_share"] = m }
        return f
    }

    /// Fréchet distance per epoch (epoch 0 = initialisation), logarithmic axis.
    static func writeFrechetPlot(_ history: [[String: Double]], to path: String) throws {
        let points = history.compactMap { h in h["frechet_distance"].map { (h["epoch"] ?? 0, $0) } }
        guard !points.isEmpty else { return }
        var plot = LinePlot(title: "Fréchet distance (features of Latent's MNIST classifier)", xLabel: "epoch",
                            yLabel: "distance", logY: true)
        plot.add("Fréchet distance", x: points.map(\.0), y: points.map(\.1), showMarkers: true)
        try AtomicFile.write(plot.png(), to: path)
    }
}

/// Progress pictures of a GAN run: a grid of the fixed-noise samples per epoch and a tiled
/// progression with one row per epoch (its rows are kept as .npy so a resumed run continues it).
struct GANPictures {
    let directory: String
    /// Samples per progression row.
    let rowLength = 16

    init(directory: String) throws {
        self.directory = directory
        _ = try RunDirectory.make(directory + "/samples", name: "samples")
    }

    func record(epoch: Int, trainer: GANTraining.Run) throws {
        let images = GAN.toImages(try trainer.gan.generator.generate(trainer.step.fixedNoise))
        let name = String(format: "epoch-%03d", epoch)
        let columns = Int(Double(images.shape[0]).squareRoot().rounded(.up))
        try AtomicFile.write(ImageGrid(columns: columns, padding: 2, scale: 2).png(images), to: "\(directory)/samples/\(name).png")
        let row = images.rows(0..<min(rowLength, images.shape[0]))
        try NPY.write(row, to: "\(directory)/samples/\(name).npy")
        // Rebuild the progression from every row saved so far (epoch 0 = initialisation).
        var rows: [Tensor] = [], labels: [String] = []
        for e in 0...epoch {
            let path = String(format: "%@/samples/epoch-%03d.npy", directory, e)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            rows.append(try NPY.read(path: path).tensor)
            labels.append(e == 0 ? "init" : "\(e)")
        }
        let grid = ImageGrid(columns: row.shape[0], padding: 2, scale: 2, rowLabels: labels)
        try AtomicFile.write(grid.png(Tensor.concat(rows, axis: 0)), to: directory + "/progression.png")
    }
}
