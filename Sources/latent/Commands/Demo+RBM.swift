import Foundation
import Latent

/// RBMs in the tour: the strokes an RBM's hidden units learn by contrastive divergence, the
/// digits its Gibbs chains dream up, and what greedy layer-wise pretraining gives a classifier
/// that sees only 1,000 labels, against the same network started from random weights.
struct RBMSection: DemoSection {
    let key = "rbm", title = "Restricted Boltzmann machines and pretraining"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let q = context.quick
        var figures: [String: Metric] = [:]
        let data = RBMData(mnist: context.data, binarize: true)

        // One RBM, CD-1 with momentum and weight decay (Hinton's guide), on binarised digits.
        var training = RBMTrainingConfig()
        training.epochs = q ? 2 : 10
        training.batchSize = 50
        training.seed = context.seed
        let rbmSettings = RBMRunSettings(model: RBM.Config(visible: 784, hidden: q ? 64 : 256, seed: context.seed),
                                         training: training, data: data, ais: .init(runs: 100, steps: q ? 200 : 1000), sampleSteps: 1000)
        context.progress.note("  " + rbmSettings.model.summary)
        let rbm = try RBMExperiment.run(rbmSettings, in: try context.start(rbmSettings, in: "\(key)/rbm"), log: context.log)
        let r = rbm.results
        figures["rbm"] = ["hidden": .value(Double(rbmSettings.model.hidden)), "test_pseudo_likelihood": .value(r.testPseudoLikelihood ?? .nan),
                          "test_log_likelihood_ais": .value(r.testLogLikelihood ?? .nan),
                          "log_z_standard_error": .value(r.logPartitionStandardError ?? .nan), "epochs": .history(rbm.history)]

        // Pretraining against none: a DBN's stack plus softmax, and the same MLP from random
        // weights, fine-tuned alike on 1,000 labelled digits.
        var stackTraining = training
        stackTraining.epochs = q ? 1 : 5
        let layers = q ? [784, 64, 32] : [784, 256, 128]
        let dbnSettings = DBNRunSettings(model: DBN.Config(layers: layers, seed: context.seed), training: stackTraining, data: data)
        context.progress.note("  DBN " + dbnSettings.model.summary)
        let dbn = try DBNExperiment.run(dbnSettings, in: try context.start(dbnSettings, in: "\(key)/dbn"), log: context.log)
        var fineTuning = TrainingConfig()
        fineTuning.epochs = q ? 2 : 20
        fineTuning.batchSize = 50
        fineTuning.seed = context.seed
        let dbnPath = dbn.folder.modelPath
        var accuracies: [String: Double] = [:]
        for (name, random) in [("pretrained", false), ("random", true)] {
            let model = try ClassifierModelConfig.pretrained(dbnPath, inputSize: 784, classes: 10, freezeEncoder: false, random: random,
                                                             seed: context.seed)
            let settings = ClassifierRunSettings(model: model, training: fineTuning, data: context.data, labels: 1000)
            context.progress.note("  " + model.summary)
            let report = try ClassifierExperiment.run(settings, in: try context.start(settings, in: "\(key)/\(name)"), log: context.log)
            accuracies[name] = report.results.testAccuracy
            figures[name] = ["test_accuracy": .value(report.results.testAccuracy), "epochs": .history(report.history)]
        }
        let blocks: [HTMLReport.Block] = [
            .paragraph("An RBM with \(rbmSettings.model.hidden) binary hidden units trained by one-step contrastive divergence (momentum 0.5 then 0.9, weight decay) on binarised digits. Its hidden units become stroke detectors; its Gibbs chains, started from noise, wander into digit-like fantasies."),
            .keyValues([("test pseudo-likelihood", format(r.testPseudoLikelihood ?? .nan) + " (scikit-learn's score_samples)"),
                        ("test log-likelihood (AIS)", format(r.testLogLikelihood ?? .nan)
                            + String(format: " nats, log Z standard error %.2f", r.logPartitionStandardError ?? .nan)),
                        ("test reconstruction error", format(r.testReconstructionError ?? .nan) + " per image")]),
            .image(path: "\(key)/rbm/filters.png", caption: "Weights of the first 100 hidden units", width: nil),
            .image(path: "\(key)/rbm/samples.png", caption: "Fantasy particles: Gibbs chains from random pixels after 1, 10, 100 and 1,000 steps", width: nil),
            .paragraph("Greedy layer-wise pretraining: a \(layers.map(String.init).joined(separator: "-")) DBN trained one RBM at a time on all the images (no labels), unrolled into a sigmoid MLP with a softmax layer and fine-tuned on only 1,000 labelled digits, against the same network from random weights trained the same way."),
            .table(header: ["start", "test accuracy, 1,000 labels"],
                   rows: [["DBN-pretrained", formatPercent(accuracies["pretrained"] ?? .nan)],
                          ["random weights", formatPercent(accuracies["random"] ?? .nan)]]),
        ]
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }
}
