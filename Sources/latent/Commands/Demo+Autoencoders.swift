import Foundation
import Latent

/// Autoencoders in the tour: a deep autoencoder's 30-number codes against the best linear
/// projection of the same size, a denoising autoencoder filling in masked pixels, and the
/// filters a sparse over-complete code learns.
struct AutoencoderSection: DemoSection {
    let key = "autoencoders", title = "Autoencoders: codes that reconstruct"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let q = context.quick
        var blocks: [HTMLReport.Block] = []
        var figures: [String: Metric] = [:]

        // A deep autoencoder, as in Hinton & Salakhutdinov (2006), trained on cross-entropy.
        var deep = Autoencoder.Config(kind: .deep)
        if q { deep.layers = [784, 128, 30] }
        deep.initializer = .heUniform
        deep.seed = context.seed
        let deepRun = try train(deep, epochs: q ? 2 : 20, schedule: .cosine, context, in: "deep")
        let deepError = deepRun.results.testSquaredError ?? .nan
        figures["deep"] = ["layers": .integers(deep.layers), "test_squared_error": .value(deepError), "epochs": .history(deepRun.history)]
        blocks += [
            .paragraph("A deep autoencoder \(deep.layers.map(String.init).joined(separator: "-")) (ReLU, He initialisation, linear 30-number code, sigmoid output) learns to squeeze each digit into \(deep.codeWidth) numbers and back, trained with Adam and cosine decay on cross-entropy."),
            .keyValues([("test squared error per image", format(deepError) + " (sum over 784 pixels)"),
                        ("parameters", "\(deepRun.results.parameters)")]),
            .image(path: "\(key)/deep/reconstructions.png", caption: "Test digits (top) and their reconstructions from \(deep.codeWidth) numbers (bottom)", width: nil),
            .image(path: "\(key)/deep/loss.png", caption: "Training and test loss per epoch", width: nil),
        ]

        // Denoising: masking noise on half the pixels; the loss compares with the clean digit.
        var denoising = Autoencoder.Config(kind: .denoising)
        denoising.layers = q ? [784, 64, 32] : [784, 512, 64]
        denoising.seed = context.seed
        var plain = denoising
        plain.kind = .deep
        plain.corruption = .none
        let dn = try train(denoising, epochs: q ? 2 : 12, schedule: .constant, context, in: "denoising", lr: 3e-3)
        let pl = try train(plain, epochs: q ? 2 : 12, schedule: .constant, context, in: "plain", lr: 3e-3)
        // Both models see the same corrupted test digits, so their errors compare.
        var rng = RandomGenerator(seed: context.seed &+ 17)
        let noisy = denoising.corruption.apply(context.test.inputs, using: &rng)
        let dnError = Autoencoder.squaredErrorPerImage(dn.model.reconstruct(noisy), context.test.inputs)
        let plError = Autoencoder.squaredErrorPerImage(pl.model.reconstruct(noisy), context.test.inputs)
        figures["denoising"] = ["noisy_input_error_denoising": .value(dnError), "noisy_input_error_plain": .value(plError),
                                "epochs": .history(dn.history)]
        blocks += [
            .paragraph("A denoising autoencoder \(denoising.layers.map(String.init).joined(separator: "-")) sees digits with half their pixels set to zero and learns to restore the clean digit. Fed the same corrupted test digits, a plain autoencoder of the same shape reproduces the damage."),
            .table(header: ["model", "squared error vs the clean digit, masked input"],
                   rows: [["denoising autoencoder", format(dnError)], ["plain autoencoder", format(plError)]]),
            .image(path: "\(key)/denoising/reconstructions.png", caption: "Clean, reconstructed, masked, and restored test digits", width: nil),
        ]

        // A sparse over-complete code: more units than pixels' worth of structure, few active.
        var sparse = Autoencoder.Config(kind: .sparse)
        sparse.layers = q ? [784, 64] : [784, 400]
        sparse.sparsity = .kl(target: 0.05, weight: 3)
        sparse.seed = context.seed
        let sp = try train(sparse, epochs: q ? 2 : 10, schedule: .constant, context, in: "sparse", lr: 3e-3)
        // The experiment measured the code on the test images after the last epoch.
        let meanActivation = sp.results.codeMeanActivation ?? .nan, nearZero = sp.results.codeNearZeroFraction ?? .nan
        figures["sparse"] = ["code_mean_activation": .value(meanActivation), "code_near_zero_fraction": .value(nearZero),
                             "epochs": .history(sp.history)]
        blocks += [
            .paragraph("A sparse autoencoder with \(sparse.codeWidth) sigmoid code units and a KL penalty pulling each unit's mean activation toward 0.05: each digit is described by a few active units, and each unit's input weights become a stroke detector."),
            .keyValues([("mean code activation", String(format: "%.3f (target 0.05)", meanActivation)),
                        ("code values below 0.05", String(format: "%.1f %%", nearZero * 100))]),
            .image(path: "\(key)/sparse/filters.png", caption: "Input weights of the first 100 code units (each normalised to its own range)", width: nil),
        ]
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }

    /// `config` trained by `AutoencoderExperiment` on the tour's data into `autoencoders/name`.
    private func train(_ config: Autoencoder.Config, epochs: Int, schedule: LearningRateSchedule, _ context: DemoContext,
                       in name: String, lr: Float = 1e-3) throws -> AutoencoderReport {
        var training = TrainingConfig()
        training.epochs = epochs
        training.schedule = schedule
        training.learningRate = lr
        training.seed = context.seed
        context.progress.note("  \(config.summary)")
        let settings = AutoencoderRunSettings(model: config, training: training, data: context.data)
        return try AutoencoderExperiment.run(settings, in: try context.start(settings, in: "\(key)/\(name)"), log: context.log)
    }
}
