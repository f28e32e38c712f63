import Foundation
import Latent

/// Transfer from digits 0–4 to 5–9 with 10 labels per class, and zero-shot recognition of 7, 8
/// and 9 from a network that only saw 0–6 and the shipped attribute table.
struct TransferSection: DemoSection {
    let key = "transfer", title = "Reusing a network: transfer and zero-shot"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        var network = Classifier.Config(inputSize: 784, hidden: [128], classes: 10)
        network.seed = context.seed
        var training = TrainingConfig()
        training.batchSize = 64
        training.learningRate = 2e-3
        training.seed = context.seed
        var sourceTraining = training
        sourceTraining.epochs = context.quick ? 1 : 3
        // Ten images a class: small batches and a larger step, so a new last layer on frozen
        // features has converged within the steps every start gets.
        var targetTraining = training
        targetTraining.batchSize = 10
        targetTraining.learningRate = 1e-2
        var settings = TransferExperimentSettings(data: context.data, network: .mlp(network), sourceTraining: sourceTraining,
                                                  targetTraining: targetTraining)
        settings.labelsPerClass = [10]
        settings.targetSteps = context.quick ? 100 : 300
        let transfer = try TransferExperiment.run(settings, in: try context.start(settings, in: key), log: context.log)
        let scratch = transfer.results.accuracy(.scratch, labels: 10) ?? .nan
        let frozen = transfer.results.accuracy(.frozen, labels: 10) ?? .nan
        let fineTuned = transfer.results.accuracy(.fineTuned, labels: 10) ?? .nan

        // Zero-shot: features from a classifier that never saw a 7, 8 or 9.
        var seenNetwork = settings.sourceTraining
        seenNetwork.epochs = context.quick ? 1 : 3
        let seen = ClassifierRunSettings(model: .mlp(network), training: seenNetwork, data: context.data, classes: Array(0...6))
        let seenRun = try ClassifierExperiment.run(seen, in: try context.start(seen, in: "\(key)/seen-0-6"), log: context.log)
        let zeroShot = ZeroShotSettings(data: context.data, unseen: [7, 8, 9], side: .attributes(try EmbeddedData.digitAttributes()),
                                        features: .model(seenRun.folder.modelPath), model: ZeroShotModel.Config(method: .dap))
        let zsl = try ZeroShotExperiment.run(zeroShot, out: context.directory + "/\(key)/zeroshot", log: context.log)
        let e = zsl.results.evaluation
        let blocks: [HTMLReport.Block] = [
            .paragraph("Transfer: an MLP (784-128) trained on the digits 0–4 gives its hidden layer to a classifier of 5–9 that sees only 10 labelled images per class. Frozen: only the new last layer learns. Fine-tuned: everything learns, the reused layer at a tenth of the learning rate. Scratch: the same network from random weights. Every run takes \(settings.targetSteps) optimiser steps; accuracy on all held-out 5–9 test images. `latent transfer` runs the full table (10, 100 and 1,000 labels per class)."),
            .table(header: ["start", "test accuracy, 10 labels per class"],
                   rows: [["scratch", formatPercent(scratch)], ["frozen", formatPercent(frozen)], ["fine-tuned", formatPercent(fineTuned)]]),
            .image(path: "\(key)/transfer.png", caption: "Test accuracy on 5–9 by start, 10 labels per class", width: 560),
            .paragraph("Zero-shot: a classifier trained on 0–6 only gives its hidden features; direct attribute prediction (Lampert et al. 2009) learns each attribute of Data/digit-attributes.csv (seven segments, closed loops, diagonal, straight vertical stroke, top bar) from them, then names 7, 8 and 9 by their attribute patterns. Generalised zero-shot chooses among all ten digits (Xian et al. 2017)."),
            .keyValues([("unseen 7, 8, 9 (chance 33 %)", formatPercent(e.unseenAccuracy)),
                        ("generalised: seen / unseen / harmonic mean",
                         "\(formatPercent(e.generalizedSeen)) / \(formatPercent(e.generalizedUnseen)) / \(formatPercent(e.harmonicMean))")]),
            .image(path: "\(key)/zeroshot/unseen.png", caption: "Unseen test digits, one row per predicted class", width: nil),
        ]
        return (HTMLReport.Section(title, blocks: blocks),
                ["transfer_scratch_accuracy": .value(scratch), "transfer_frozen_accuracy": .value(frozen),
                 "transfer_fine_tuned_accuracy": .value(fineTuned), "zeroshot_unseen_accuracy": .value(e.unseenAccuracy),
                 "zeroshot_harmonic_mean": .value(e.harmonicMean)])
    }
}
