import Foundation
import Latent

/// A generative adversarial network: the dcgan pair on the shipped digits, its discriminator
/// judging pairs of samples (PacGAN), measured with the classifier of the earlier section.
struct GANSection: DemoSection {
    let key = "gan", title = "A generative adversarial network"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        var config = GAN.Config(kind: .dcgan, latentSize: 64)
        config.pack = 2
        config.seed = context.seed
        var training = GANTrainingConfig()
        // Measured on these 8,000 images (seed 1): after 10 epochs (620 steps) the samples were
        // still speckled (Fréchet 19.1, smallest digit share 3.5 %, with the 8-epoch classifier
        // the tour had then); after 20, strokes (11.1, every digit ≥ 6.2 % with the measuring
        // recipe's 5-epoch classifier). The MLP GAN this section used before ended near 70 after
        // 20 epochs with two digits missing, with or without pairs.
        training.epochs = context.quick ? 2 : 20
        training.seed = context.seed
        // Measure with the classifier the tour already trained (the measuring recipe); without
        // it, the experiment trains one into gan/classifier.
        let tourClassifier = context.directory + "/classifier/model.safetensors"
        let settings = GANRunSettings(model: config, training: training, data: context.data,
                                      classifier: FileManager.default.fileExists(atPath: tourClassifier) ? tourClassifier : nil,
                                      evalSamples: context.quick ? 500 : 2000)
        // Pictures every few epochs keep the progression readable.
        let report = try GANExperiment.run(settings, in: try context.start(settings, in: key), picturesEvery: 4, log: context.log)
        let evaluationSamples = settings.evalSamples
        let first = report.history.first ?? [:], last = report.history.last ?? [:]
        let section = HTMLReport.Section(title, blocks: [
            .paragraph("A convolutional generator (64 Gaussian numbers → 128 maps of 7×7 → transposed convolutions with batch norm and ReLU → a tanh image) learns to make digits while a convolutional discriminator (LeakyReLU) learns to tell them from real ones; they take turns (one discriminator step, one generator step; Adam 2e-4 with β1 = 0.5, batch 128, the non-saturating generator loss). The discriminator judges two samples at once (PacGAN): two real or two generated digits side by side, so a generator whose digits look alike is easier to catch. Pixels are scaled to [−1, 1]. After every epoch \(evaluationSamples) samples are compared with the real test digits in the feature space of the classifier above: the Fréchet distance between the two feature clouds (FID's formula on a small MNIST network, so not comparable to published FIDs) and the share of each digit among the samples, which exposes mode collapse."),
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
        return (section, ["epochs": .history(report.history), "model": "model.safetensors",
                          "final_frechet_distance": .value(last["frechet_distance"] ?? .nan),
                          "initial_frechet_distance": .value(first["frechet_distance"] ?? .nan)])
    }
}
