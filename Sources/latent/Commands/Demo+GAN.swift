import Foundation
import Latent

/// A generative adversarial network: an MLP GAN on the shipped digits, measured with the
/// classifier of the earlier section.
struct GANSection: DemoSection {
    let key = "gan", title = "A generative adversarial network"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Any]) {
        let dir = try context.folder(key)
        // Reuse the classifier the tour already trained; train one only if it is missing.
        var classifierPath = context.directory + "/classifier/model.safetensors"
        if !FileManager.default.fileExists(atPath: classifierPath) {
            classifierPath = try GANMeasurement.classifier(nil, train: context.train, test: context.test,
                                                           directory: dir + "/classifier", seed: context.seed,
                                                           progress: context.progress)
        }
        let quality = try SampleQuality(classifier: try ClassifierTraining.load(path: classifierPath),
                                        realImages: context.test.inputs)
        var config = GAN.Config(kind: .mlp, latentSize: 64)
        config.seed = context.seed
        var training = GANTrainingConfig()
        // Batch 64 and one-sided label smoothing: on 8,000 images the discriminator otherwise
        // wins early and the generator drops digits (measured: 5e-4 with batch 128 collapsed).
        training.epochs = context.quick ? 2 : 20
        training.batchSize = 64
        training.labelSmoothing = 0.1
        // Two generator steps per discriminator step keep the game closer to even (the
        // discriminator's accuracy ~0.85 instead of ~0.95): Fréchet distance 70 instead of ~120
        // after 20 epochs, measured on these images.
        training.generatorSteps = 2
        training.seed = context.seed
        let evaluationSamples = context.quick ? 500 : 2000
        let pictures = try GANPictures(directory: dir)
        let trainer = try GANTraining.run(
            model: config, training: training, train: context.train, quality: quality,
            evaluationSamples: evaluationSamples, runDirectory: dir,
            afterEpoch: { epoch, trainer in
                // Pictures every few epochs keep the progression readable.
                if epoch == 0 || epoch == training.epochs || epoch % 5 == 0 { try pictures.record(epoch: epoch, trainer: trainer) }
                if let f = trainer.history.last { context.progress.note(GANMeasurement.line(f, epochs: training.epochs)) }
            },
            onEvent: { if $0.epochSummary == nil { context.progress.update($0) } })
        try RunReport.writeLossPlot(history: trainer.history, keys: ["d_loss", "g_loss"], title: "GAN losses per epoch", to: dir + "/loss.png")
        try GANMeasurement.writeFrechetPlot(trainer.history, to: dir + "/frechet.png")
        let first = trainer.history.first ?? [:], last = trainer.history.last ?? [:]
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("A generator (\(config.generatorHidden.map(String.init).joined(separator: "-")) ReLU, tanh output) learns to turn 64 Gaussian numbers into digits while a discriminator (LeakyReLU) learns to tell its digits from real ones; they take turns (one discriminator step, then two generator steps; Adam 2e-4 with β1 = 0.5, batch 64, the non-saturating generator loss, real targets smoothed to 0.9). The samples and figures come from a running average of the generator's weights (decay 0.999), which drifts less between digits than the generator itself. Pixels are scaled to [−1, 1]. After every epoch \(evaluationSamples) samples are compared with the real test digits in the feature space of the classifier above: the Fréchet distance between the two feature clouds (FID's formula on a small MNIST network, so not comparable to published FIDs) and the share of each digit among the samples, which exposes mode collapse."),
            .keyValues([
                ("Fréchet distance at initialisation", String(format: "%.2f", first["frechet_distance"] ?? .nan)),
                ("Fréchet distance after \(training.epochs) epochs", String(format: "%.2f", last["frechet_distance"] ?? .nan)),
                ("smallest digit share", String(format: "%.1f %%", (last["min_class_share"] ?? .nan) * 100)),
                ("discriminator accuracy real / fake (last epoch)", String(format: "%.2f / %.2f", last["d_accuracy_real"] ?? .nan, last["d_accuracy_fake"] ?? .nan)),
            ]),
            .image(path: "\(key)/progression.png", caption: "The same 16 noise vectors at initialisation and as training goes on (one row per recorded epoch)", width: nil),
            .image(path: "\(key)/samples/" + String(format: "epoch-%03d.png", training.epochs), caption: "64 samples after training", width: nil),
            .image(path: "\(key)/loss.png", caption: "Discriminator and generator losses", width: nil),
            .image(path: "\(key)/frechet.png", caption: "Fréchet distance per epoch (0 = initialisation)", width: nil),
            .table(header: ["digit"] + (0..<10).map(String.init),
                   rows: [["share of samples"] + (0..<10).map { String(format: "%.1f %%", (last["class_share_\($0)"] ?? 0) * 100) }]),
        ])
        return (section, ["epochs": trainer.history, "model": "model.safetensors",
                          "final_frechet_distance": last["frechet_distance"] ?? Double.nan,
                          "initial_frechet_distance": first["frechet_distance"] ?? Double.nan])
    }
}
