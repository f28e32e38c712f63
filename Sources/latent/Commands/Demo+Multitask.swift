import Foundation
import Latent

/// Multi-task learning on MultiMNIST: one network per digit against hard and soft sharing.
struct MultitaskSection: DemoSection {
    let key = "multitask", title = "Multi-task learning: MultiMNIST"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        var training = TrainingConfig()
        training.epochs = context.quick ? 2 : 5
        training.batchSize = 128
        training.seed = context.seed
        let tasks: [LearningTask] = [.left, .right]
        var reports: [MultiTaskReport] = []
        for sharing in [MultiTaskSharing.single, .hard, .soft] {
            let model = MultiTaskNetwork.Config(inputSize: MultiTaskSettings.inputSize(tasks: tasks, canvas: 36), tasks: tasks,
                                                sharing: sharing, hidden: [256, 256], seed: context.seed)
            let settings = MultiTaskSettings(model: model, training: training, loss: MultiTaskLoss(), data: context.data)
            reports.append(try MultiTaskExperiment.run(settings, in: try context.start(settings, in: "\(key)/\(sharing.rawValue)"),
                                                       log: context.log))
        }
        let table = MultiTaskExperiment.comparison(reports)
        func mean(_ report: MultiTaskReport) -> Double { tasks.map { report.results.test[$0.rawValue] ?? .nan }.reduce(0, +) / 2 }
        let single = reports[0], hard = reports[1], soft = reports[2]
        let blocks: [HTMLReport.Block] = [
            .paragraph("MultiMNIST (Sabour et al. 2017; Sener & Koltun 2018): two digits of different classes on a 36×36 canvas, one shifted to the top left, the other to the bottom right, overlaid; reading the left digit and reading the right digit are two tasks. Built from the tour's \(context.train.count) training and \(context.test.count) test digits with the seed. One network per task (single), one trunk with a head per task (hard sharing), and a tower per task tied by an L2 penalty between corresponding layers (soft sharing, Duong et al. 2015): the same 256-256 layers, Adam, \(training.epochs) epochs."),
            .image(path: "\(key)/hard/examples.png", caption: "MultiMNIST test images", width: nil),
            .table(header: table.header, rows: table.rows),
            .keyValues([("hard sharing against single", String(format: "%+.1f points mean accuracy with %.0f %% of the parameters", (mean(hard) - mean(single)) * 100,
                                                                 Double(hard.results.parameters) / Double(single.results.parameters) * 100))]),
        ]
        return (HTMLReport.Section(title, blocks: blocks),
                ["single_mean_accuracy": .value(mean(single)), "hard_mean_accuracy": .value(mean(hard)), "soft_mean_accuracy": .value(mean(soft)),
                 "single_parameters": .value(Double(single.results.parameters)), "hard_parameters": .value(Double(hard.results.parameters)),
                 "soft_parameters": .value(Double(soft.results.parameters))])
    }
}
