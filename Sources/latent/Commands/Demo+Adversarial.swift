import Foundation
import Latent

/// Adversarial examples against the tour's classifier, and adversarial training against them.
struct AdversarialSection: DemoSection {
    let key = "adversarial", title = "Adversarial examples and adversarial training"

    func run(_ context: DemoContext) throws -> (HTMLReport.Section, [String: Metric]) {
        let dir = try context.folder(key)
        let labels = context.test.labels ?? []
        let radii: [Float] = [0, 0.05, 0.1, 0.15, 0.2, 0.25]
        // Robustness is measured on the first 1,000 test images (the whole split for a quick tour).
        let count = min(context.test.count, 1000)
        let inputs = context.test.inputs.rows(0..<count), answers = Array(labels[0..<count])

        func fgsmCurve(_ model: any LabelPredictor) throws -> [AttackResult] {
            try radii.map { eps in
                try AttackEvaluation.run(model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: eps)),
                                         inputs: inputs, labels: answers, seed: context.seed).result
            }
        }
        func pgd(_ model: any LabelPredictor, epsilon: Float) throws -> AttackResult {
            try AttackEvaluation.run(model, attack: try Attack(AttackConfig(method: .pgd, epsilon: epsilon, steps: 20)),
                                     inputs: inputs, labels: answers, seed: context.seed).result
        }

        // 1. The classifier section's MLP, attacked: the lecture's picture and the curve.
        let plainPath = context.directory + "/classifier/model.safetensors"
        let plain = try ModelRegistry.loadClassifier(plainPath)
        let attackSettings = AttackSettings(model: plainPath, data: context.data, attack: AttackConfig(method: .fgsm, epsilon: 0.25),
                                            epsilons: [0.1, 0.25], seed: context.seed)
        let attackReport = try AttackExperiment.run(attackSettings, out: dir + "/attack", log: context.log)
        let plainCurve = try fgsmCurve(plain)

        // 2. The same MLP trained on half clean, half FGSM examples (Goodfellow et al.).
        var robustSettings = MeasuringClassifier.settings(data: context.data, seed: context.seed)
        robustSettings.adversarial = AdversarialTraining(.fgsm, epsilon: 0.1)
        let robust = try ClassifierExperiment.run(robustSettings, in: try context.start(robustSettings, in: key + "/fgsm-trained"),
                                                  log: context.log)
        let robustCurve = try fgsmCurve(robust.model)

        // 3. A small convolutional classifier: PGD takes it apart too.
        var conv = ConvClassifier.Config()
        conv.convolutions = [16, 32]
        conv.hidden = [64]
        conv.seed = context.seed
        var convTraining = TrainingConfig()
        convTraining.epochs = context.quick ? 1 : 3
        convTraining.learningRate = 3e-3
        convTraining.seed = context.seed
        let convSettings = ClassifierRunSettings(model: .conv(conv), training: convTraining, data: context.data)
        let convReport = try ClassifierExperiment.run(convSettings, in: try context.start(convSettings, in: key + "/conv"),
                                                      log: context.log)

        let pgdRadius: Float = 0.1
        let rows: [(String, any LabelPredictor, [AttackResult])] = [("MLP", plain, plainCurve), ("MLP, FGSM-trained (ε = 0.1)", robust.model, robustCurve)]
        var table: [[String]] = []
        var figures: [String: Metric] = [:]
        for (name, model, curve) in rows {
            let strong = try pgd(model, epsilon: pgdRadius)
            func at(_ eps: Double) -> Double { curve.first { abs($0.epsilon - eps) < 1e-6 }?.adversarialAccuracy ?? .nan }
            table.append([name, percent(curve[0].cleanAccuracy), percent(at(0.1)), percent(at(0.25)),
                          percent(strong.adversarialAccuracy)])
            let slug = name.hasPrefix("MLP, FGSM") ? "fgsm_trained" : "plain"
            figures["\(slug)_clean_accuracy"] = .value(curve[0].cleanAccuracy)
            figures["\(slug)_fgsm_0.1_accuracy"] = .value(at(0.1))
            figures["\(slug)_pgd_0.1_accuracy"] = .value(strong.adversarialAccuracy)
        }
        let convPGD = try pgd(convReport.model, epsilon: pgdRadius)
        let convFGSM = try AttackEvaluation.run(convReport.model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: 0.1)),
                                                inputs: inputs, labels: answers, seed: context.seed).result
        let convFGSMLarge = try AttackEvaluation.run(convReport.model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: 0.25)),
                                                     inputs: inputs, labels: answers, seed: context.seed).result
        table.append(["conv 16-32, 64 hidden", percent(convPGD.cleanAccuracy), percent(convFGSM.adversarialAccuracy),
                      percent(convFGSMLarge.adversarialAccuracy), percent(convPGD.adversarialAccuracy)])
        figures["conv_clean_accuracy"] = .value(convPGD.cleanAccuracy)
        figures["conv_pgd_0.1_accuracy"] = .value(convPGD.adversarialAccuracy)
        figures["plain_fgsm_0.25_error"] = .value(attackReport.results.last?.adversarialError ?? .nan)

        try AdversarialPictures.curves([("MLP", plainCurve), ("MLP, FGSM-trained", robustCurve)],
                                       title: "Accuracy under FGSM, \(count) test digits", to: dir + "/fgsm-curves.png")
        let wrongConfidence = attackReport.results.last?.meanWrongConfidence ?? .nan
        let blocks: [HTMLReport.Block] = [
            .paragraph("Goodfellow et al. (2014): add ε times the sign of the loss gradient to an image and a network that was right becomes confidently wrong (the lecture's panda that becomes a gibbon). Here the classifier section's MLP is attacked on the test digits; FGSM at ε = 0.25 (a quarter of the pixel range) leaves it \(percent(attackReport.results.last?.adversarialAccuracy ?? .nan)) accuracy, and it gives its wrong answers \(percent(wrongConfidence)) confidence on average."),
            .image(path: "\(key)/attack/adversarial-examples.png",
                   caption: "Original (answer, confidence), the perturbation (grey: none, white +ε, black −ε), the adversarial digit", width: 330),
            .paragraph("Training on adversarial examples (half the loss on FGSM examples of each batch, made afresh from the model being trained) buys robustness to the attack it was trained on; PGD (20 projected steps from a random start, Madry et al. 2018) is the stronger test."),
            .image(path: "\(key)/fgsm-curves.png", caption: "Accuracy under FGSM against ε, before and after adversarial training", width: nil),
            .table(header: ["model", "clean", "FGSM ε = 0.1", "FGSM ε = 0.25", "PGD-20 ε = \(pgdRadius)"], rows: table),
        ]
        return (HTMLReport.Section(title, blocks: blocks), figures)
    }

    private func percent(_ x: Double) -> String { formatPercent(x, decimals: 1) }
}
