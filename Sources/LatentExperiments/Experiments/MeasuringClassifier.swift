import Foundation
import LatentModels
import LatentNN

/// The classifier whose features and predictions measure generated digits (the Fréchet distance
/// and the class shares of a GAN, what the demo's other sections read): one recipe, so figures
/// measured by `latent train gan` and by the demo come from the same kind of network.
public enum MeasuringClassifier {
    /// Hidden layer sizes of the recipe.
    public static let hidden = [256]
    /// Epochs of the recipe (Adam 1e-3, batch 128: `TrainingConfig`'s defaults).
    public static let epochs = 5

    /// The recipe: an MLP 784-256-10 trained for 5 epochs on `data`, seeded with `seed`.
    public static func settings(data: MNISTSource, seed: UInt64) -> ClassifierRunSettings {
        var model = Classifier.Config(inputSize: 784, hidden: hidden, classes: 10)
        model.seed = seed
        var training = TrainingConfig()
        training.epochs = epochs
        training.seed = seed
        return ClassifierRunSettings(model: .mlp(model), training: training, data: data)
    }

    /// The classifier file to measure with: `given` if set (checked to hold a classifier), else
    /// the recipe trained on `data` into `folder` (made only then). A run of the recipe already
    /// there is continued from its checkpoint (or, finished, reused as it is), so a resumed GAN
    /// run does not train a second classifier.
    public static func path(given: String?, trainingInto folder: @autoclosure () throws -> RunFolder,
                            data: MNISTSource, seed: UInt64, log: ExperimentLog = .silent) throws -> String {
        if let given {
            _ = try Classifier.load(path: given)
            return given
        }
        let folder = try folder()
        let settings = settings(data: data, seed: seed)
        let resume = FileManager.default.fileExists(atPath: folder.file("checkpoint.safetensors"))
        if !resume {
            let shape = ([784] + hidden + [10]).map(String.init).joined(separator: "-")
            log.note("training the measuring classifier (\(shape), \(epochs) epochs) into \(folder.path)")
            try settings.write(to: folder)
        }
        // Its own progress and data lines would interleave with the caller's; only the result is told.
        let report = try ClassifierExperiment.run(settings, in: folder, resume: resume)
        if !resume { log.note("classifier test accuracy \(formatPercent(report.results.testAccuracy))") }
        return folder.modelPath
    }
}
