import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// Attacks (FGSM, PGD, targeted, restarts), adversarial training and the convolutional classifier.
@Suite struct AdversarialTests {
    /// A linear two-class model on 4 inputs whose weights are set by hand.
    static func linearModel(_ w0: [Float], _ w1: [Float]) throws -> Classifier {
        let model = try Classifier(Classifier.Config(inputSize: 4, hidden: [], classes: 2))
        try model.load(["0.weight": Tensor(shape: [2, 4], scalars: w0 + w1), "0.bias": Tensor(shape: [2])])
        model.eval()
        return model
    }

    /// Pixel-like data in [0, 1]: three classes, each brighter in its own pair of the 6 features.
    static func images(_ n: Int, seed: UInt64) -> Dataset {
        var rng = RandomGenerator(seed: seed)
        let labels = (0..<n).map { _ in rng.nextInt(below: 3) }
        var x = Tensor.uniform([n, 6], low: 0, high: 0.4, using: &rng)
        x.withUnsafeMutableBufferPointer { p in
            for (i, l) in labels.enumerated() {
                p[i * 6 + 2 * l] += 0.5
                p[i * 6 + 2 * l + 1] += 0.5
            }
        }
        return Dataset(inputs: x, labels: labels)
    }

    @Test func fgsmStepsEpsilonAlongTheSignOfTheLossGradient() throws {
        // For label 0, d CE / dx = p1 · (w1 − w0): FGSM moves each input by ε · sign(w1 − w0),
        // clipped to [0, 1]; a zero component does not move.
        let model = try Self.linearModel([1, -1, 0.5, 0], [-1, 1, 0.5, 0.25])
        let x = Tensor(shape: [1, 4], scalars: [0.5, 0.5, 0.5, 0.95])
        var rng = RandomGenerator(seed: 1)
        let attack = try Attack(AttackConfig(method: .fgsm, epsilon: 0.1))
        let adversarial = attack.perturb(model, inputs: x, labels: [0], rng: &rng)
        let expected: [Float] = [0.4, 0.6, 0.5, 1.0]
        for (a, e) in zip(adversarial.scalars, expected) { #expect(Swift.abs(a - e) < 1e-6, "\(adversarial.scalars)") }
        // The targeted attack towards class 1 descends the loss on class 1: the same direction here.
        let targeted = try Attack(AttackConfig(method: .fgsm, epsilon: 0.1, target: 1))
        #expect(targeted.perturb(model, inputs: x, labels: [0], rng: &rng).scalars == adversarial.scalars)
    }

    @Test func pgdStaysInTheBallAndTheRangeAndBeatsFGSM() throws {
        var config = Classifier.Config(inputSize: 6, hidden: [32], classes: 3)
        config.seed = 3
        let model = try Classifier(config)
        let data = Self.images(200, seed: 2)
        _ = try ClassifierTraining.fit(model, training: Self.training(epochs: 5), train: data, test: Self.images(100, seed: 4),
                                       runDirectory: nil)
        let test = Self.images(300, seed: 5)
        let labels = try #require(test.labels)
        let eps: Float = 0.2
        let pgd = try Attack(AttackConfig(method: .pgd, epsilon: eps, steps: 20, stepSize: 0.02, restarts: 2))
        var rng = RandomGenerator(seed: 9)
        let moved = pgd.perturb(model, inputs: test.inputs, labels: labels, rng: &rng)
        for (a, b) in zip(moved.scalars, test.inputs.scalars) {
            #expect(Swift.abs(a - b) <= eps + 1e-6 && a >= 0 && a <= 1)
        }
        let clean = model.accuracy(test.inputs, labels: labels)
        let (fgsm, _) = try AttackEvaluation.run(model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: eps)),
                                                 inputs: test.inputs, labels: labels, seed: 1)
        let (strong, _) = try AttackEvaluation.run(model, attack: pgd, inputs: test.inputs, labels: labels, seed: 1)
        #expect(clean > 0.9, "clean accuracy \(clean)")
        #expect(fgsm.cleanAccuracy == clean)
        #expect(fgsm.adversarialAccuracy < clean - 0.1, "FGSM \(fgsm.adversarialAccuracy) vs clean \(clean)")
        #expect(strong.adversarialAccuracy <= fgsm.adversarialAccuracy, "PGD \(strong.adversarialAccuracy), FGSM \(fgsm.adversarialAccuracy)")
        #expect(strong.largestChange <= Double(eps) + 1e-6)
        // Same seed, same adversarial examples.
        let (again, _) = try AttackEvaluation.run(model, attack: pgd, inputs: test.inputs, labels: labels, seed: 1)
        #expect(again.adversarialAccuracy == strong.adversarialAccuracy)
    }

    @Test func targetedPGDReachesItsTarget() throws {
        let model = try Classifier(Classifier.Config(inputSize: 6, hidden: [32], classes: 3))
        _ = try ClassifierTraining.fit(model, training: Self.training(epochs: 5), train: Self.images(200, seed: 2),
                                       test: Self.images(50, seed: 4), runDirectory: nil)
        let test = Self.images(200, seed: 6)
        let labels = try #require(test.labels)
        let small = try Attack(AttackConfig(method: .pgd, epsilon: 0.05, steps: 10, target: 2))
        let large = try Attack(AttackConfig(method: .pgd, epsilon: 0.5, steps: 20, target: 2))
        let (weak, _) = try AttackEvaluation.run(model, attack: small, inputs: test.inputs, labels: labels, seed: 1)
        let (strong, _) = try AttackEvaluation.run(model, attack: large, inputs: test.inputs, labels: labels, seed: 1)
        let strongRate = try #require(strong.targetRate), weakRate = try #require(weak.targetRate)
        #expect(strongRate > 0.95, "target rate \(strongRate)")
        #expect(weakRate < strongRate)
    }

    @Test func attackSettingsOutsideTheirRangeAreRefused() throws {
        for config in [AttackConfig(method: .fgsm, epsilon: .nan), AttackConfig(method: .fgsm, epsilon: -0.1),
                       AttackConfig(method: .pgd, epsilon: 0.1, steps: 0), AttackConfig(method: .pgd, epsilon: 0.1, restarts: 0),
                       AttackConfig(method: .pgd, epsilon: 0.1, stepSize: .infinity)] {
            #expect(throws: ModelError.self, "\(config)") { try Attack(config) }
        }
        #expect(throws: ModelError.self) { try AttackConfig(method: .fgsm, epsilon: 0.1, target: 10).validate(classes: 10) }
        let model = try Self.linearModel([1, 0, 0, 0], [0, 1, 0, 0])
        #expect(throws: ModelError.self) {
            try AttackEvaluation.run(model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: 0.1)),
                                     inputs: Tensor(shape: [2, 5]), labels: [0, 1], seed: 1)
        }
        #expect(throws: ModelError.self) {
            try AttackEvaluation.run(model, attack: try Attack(AttackConfig(method: .fgsm, epsilon: 0.1)),
                                     inputs: Tensor(shape: [2, 4]), labels: [0, 2], seed: 1)
        }
    }

    static func training(epochs: Int) -> TrainingConfig {
        var training = TrainingConfig()
        training.epochs = epochs
        training.batchSize = 20
        training.learningRate = 1e-2
        return training
    }

    @Test func adversarialTrainingResumesExactly() throws {
        // The attacks' random starts are part of the checkpoint: a run resumed from its epoch-1
        // checkpoint ends with the bits of the uninterrupted run.
        let train = Self.images(120, seed: 21), test = Self.images(40, seed: 22)
        let recipe = AdversarialTraining(.fgsmRandomStart, epsilon: 0.2)
        var training = Self.training(epochs: 2)
        training.seed = 5
        let full = try TrainingLoopTests.temporary("adv-full"), resumed = try TrainingLoopTests.temporary("adv-resumed")
        defer { try? FileManager.default.removeItem(atPath: full); try? FileManager.default.removeItem(atPath: resumed) }
        let a = try Classifier(Classifier.Config(inputSize: 6, hidden: [16], classes: 3))
        _ = try ClassifierTraining.fit(a, training: training, train: train, test: test, runDirectory: full, adversarial: recipe) { event in
            // After epoch 1's checkpoint: keep a copy, as a run killed during epoch 2 would leave.
            if event.epoch == 1, event.epochSummary != nil {
                try? FileManager.default.copyItem(atPath: full + "/checkpoint.safetensors", toPath: resumed + "/checkpoint.safetensors")
            }
        }
        let b = try Classifier(Classifier.Config(inputSize: 6, hidden: [16], classes: 3))
        let loop = try ClassifierTraining.fit(b, training: training, train: train, test: test, runDirectory: resumed, resume: true,
                                              adversarial: recipe)
        #expect(loop.history.count == 2)
        for ((name, x), (_, y)) in zip(a.stateDict(), b.stateDict()) { #expect(x == y, "\(name) differs after resume") }
    }

    @Test func convClassifierHasPyTorchNamesAndBoundedConfigs() throws {
        var config = ConvClassifier.Config()
        config.convolutions = [4, 8]
        config.hidden = [16]
        let model = try ConvClassifier(config)
        #expect(Set(model.stateDict().map(\.0)) == ["features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
                                                    "classifier.0.weight", "classifier.0.bias", "classifier.2.weight", "classifier.2.bias"])
        #expect(model.stateDict().first { $0.0 == "classifier.0.weight" }?.1.shape == [16, 8 * 7 * 7])
        let logits = model(Variable(Tensor.uniform([3, 784], using: &config.seedGenerator)))
        #expect(logits.shape == [3, 10])
        for bad in [{ (c: inout ConvClassifier.Config) in c.convolutions = [1_000_000] },
                    { $0.height = 0 }, { $0.kernelSize = 0 }, { $0.convolutions = [4, 4, 4, 4, 4, 4] },
                    { $0.hidden = [100_000, 100_000] }, { $0.classes = 1 }, { $0.channels = 1 << 30 }] {
            var c = ConvClassifier.Config()
            bad(&c)
            #expect(throws: ModelError.self, "\(c)") { try ConvClassifier(c) }
        }
    }

    @Test func convClassifierLearnsOnHeldOutImages() throws {
        // Vertical against horizontal bars at random positions, 12×12: a task for convolutions.
        func bars(_ n: Int, seed: UInt64) -> Dataset {
            var rng = RandomGenerator(seed: seed)
            var x = Tensor.uniform([n, 144], low: 0, high: 0.3, using: &rng)
            var labels: [Int] = []
            x.withUnsafeMutableBufferPointer { p in
                for i in 0..<n {
                    let label = rng.nextInt(below: 2), at = 1 + rng.nextInt(below: 10)
                    labels.append(label)
                    for k in 0..<12 { p[i * 144 + (label == 0 ? k * 12 + at : at * 12 + k)] = 1 }
                }
            }
            return Dataset(inputs: x, labels: labels)
        }
        var config = ConvClassifier.Config()
        config.height = 12
        config.width = 12
        config.convolutions = [4]
        config.hidden = [8]
        config.classes = 2
        let model = try ConvClassifier(config)
        var training = Self.training(epochs: 5)
        training.learningRate = 5e-3
        let test = bars(200, seed: 2)
        _ = try ClassifierTraining.fit(model, training: training, train: bars(300, seed: 1), test: test, runDirectory: nil)
        let accuracy = model.accuracy(test.inputs, labels: test.labels ?? [])
        #expect(accuracy > 0.95, "held-out accuracy \(accuracy)")
    }
}

extension ConvClassifier.Config {
    /// A generator seeded from the config, for test inputs.
    fileprivate var seedGenerator: RandomGenerator {
        get { RandomGenerator(seed: seed) }
        set {}
    }
}
