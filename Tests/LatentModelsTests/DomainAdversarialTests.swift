import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// The DANN objective: where the reversal weight λ enters, which network each loss trains, the
/// shared batch statistics of the two domains, and the schedule of λ over the whole run.
@Suite struct DomainAdversarialTests {
    /// A DANN small enough for finite differences: 3×8×8 images, one 3×3 convolution of 4
    /// channels, a 6-unit label predictor for 3 classes and a 5-unit domain classifier.
    static func tinyModel(batchNorm: Bool) throws -> DomainAdversarialNetwork {
        var config = DomainAdversarialNetwork.Config(channels: 3, height: 8, width: 8, classes: 3, seed: 4)
        config.network.convolutions = [4]
        config.network.kernelSize = 3
        config.network.hidden = [6]
        config.network.batchNorm = batchNorm ? true : nil
        config.domainHidden = [5]
        config.inputMean = [0.1, 0.2, 0.3]
        return try DomainAdversarialNetwork(config)
    }

    static func images(_ n: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor.uniform([n, 192], low: 0, high: 1, using: &rng)
    }

    /// The step's gradient is ∂L_y/∂θ − λ ∂L_d/∂θ for the feature extractor, ∂L_y/∂θ for the
    /// label predictor and +∂L_d/∂θ for the domain classifier, each compared with central
    /// differences of the two losses. A reversal on the wrong side, a missing λ or λ applied to
    /// the domain classifier fails here.
    @Test(arguments: [false, true])
    func reversalTrainsTheDomainClassifierAndOpposesTheFeatures(batchNorm: Bool) throws {
        let model = try Self.tinyModel(batchNorm: batchNorm)
        let source = Self.images(6, seed: 1), target = Self.images(5, seed: 2), labels = [0, 1, 2, 2, 1, 0]
        let lambda: Float = 0.4
        model.reversal.lambda = lambda
        let (_, gradients) = valueAndGrad(model) {
            let (label, domain) = DomainAdaptation.adversarialLosses(model, source: source, labels: labels, target: target)
            return label + domain
        }
        func losses() -> (label: Float, domain: Float) {
            let (label, domain) = withoutGradients {
                DomainAdaptation.adversarialLosses(model, source: source, labels: labels, target: target)
            }
            return (label.value.scalar, domain.value.scalar)
        }
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters())
        // (parameter, weight of ∂L_y, weight of ∂L_d)
        let cases: [(String, Float, Float)] = [("network.features.0.weight", 1, -lambda), ("network.features.0.bias", 1, -lambda),
                                               ("network.classifier.0.weight", 1, 0), ("domain.1.weight", 0, 1),
                                               ("domain.3.bias", 0, 1)]
        let epsilon: Float = 1e-2
        for (name, labelWeight, domainWeight) in cases {
            let parameter = try #require(parameters[name], "\(name)")
            let gradient = try #require(gradients[name], "\(name)")
            for index in [0, parameter.value.count / 2, parameter.value.count - 1] {
                let original = parameter.value.scalars[index]
                func set(_ value: Float) { parameter.value.withUnsafeMutableBufferPointer { $0[index] = value } }
                set(original + epsilon)
                let plus = losses()
                set(original - epsilon)
                let minus = losses()
                set(original)
                let expected = labelWeight * (plus.label - minus.label) / (2 * epsilon)
                    + domainWeight * (plus.domain - minus.domain) / (2 * epsilon)
                let got = gradient.scalars[index]
                #expect(abs(got - expected) <= 2e-3 + 2e-2 * abs(expected), "\(name)[\(index)] batch norm \(batchNorm): \(got) vs \(expected)")
            }
        }
    }

    /// Both domains go through the feature extractor as one batch: with batch norm the source
    /// features depend on the target images in the batch (shared statistics); without it the
    /// joint pass gives each domain exactly its own features.
    @Test func bothDomainsShareOneBatch() throws {
        let source = Self.images(4, seed: 3), target = Self.images(4, seed: 4)
        for batchNorm in [false, true] {
            let model = try Self.tinyModel(batchNorm: batchNorm)
            let alone = withoutGradients { model.network.classifier(model.features(Variable(source))).softmaxCrossEntropy(labels: [0, 1, 2, 0]) }
            let (joint, _) = withoutGradients {
                DomainAdaptation.adversarialLosses(model, source: source, labels: [0, 1, 2, 0], target: target)
            }
            if batchNorm {
                #expect(abs(alone.value.scalar - joint.value.scalar) > 1e-4)
            } else {
                #expect(abs(alone.value.scalar - joint.value.scalar) < 1e-5)
            }
        }
    }

    /// λ follows 2/(1 + e^(−10p)) − 1 with p the progress over the whole run (not the epoch):
    /// each epoch's mean λ is the mean over that epoch's steps of the global schedule.
    @Test func reversalWeightRisesOverTheWholeRun() throws {
        #expect(DomainAdaptation.reversalWeight(progress: 0) == 0)
        #expect(abs(DomainAdaptation.reversalWeight(progress: 1) - Float(2 / (1 + exp(-10.0)) - 1)) < 1e-6)
        let model = try Self.tinyModel(batchNorm: true)
        let source = Dataset(inputs: Self.images(40, seed: 5), labels: (0..<40).map { $0 % 3 })
        let target = Dataset(inputs: Self.images(40, seed: 6), labels: (0..<40).map { $0 % 3 })
        var training = TrainingConfig()
        training.epochs = 2
        training.batchSize = 10
        let loop = try DomainAdaptation.fit(model, mode: .dann, training: training, source: source, target: target,
                                            sourceTest: source, targetTest: target, runDirectory: nil)
        #expect(loop.history.count == 2)
        for (epoch, figures) in loop.history.enumerated() {
            let steps = (epoch * 4)..<(epoch * 4 + 4)
            let expected = steps.map { Double(DomainAdaptation.reversalWeight(progress: Double($0) / 8)) }.reduce(0, +) / 4
            let got = try #require(figures["reversal_weight"])
            #expect(abs(got - expected) < 1e-6, "epoch \(epoch + 1): \(got) vs \(expected)")
        }
    }

    /// The DANN's network alone (what `--init-from` takes) subtracts the DANN's input mean: it
    /// and a conv classifier rebuilt from its config and weights classify raw images as the
    /// DANN does.
    @Test func theNetworkAloneKeepsTheInputCentring() throws {
        let model = try Self.tinyModel(batchNorm: true)
        model.eval()
        #expect(model.network.config.inputMean == [0.1, 0.2, 0.3])
        let x = Variable(Self.images(3, seed: 7))
        let rebuilt = try ConvClassifier(model.network.config)
        try rebuilt.load(Dictionary(model.network.stateDict(), uniquingKeysWith: { a, _ in a }))
        rebuilt.eval()
        #expect(withoutGradients { model(x).value.scalars == rebuilt(x).value.scalars })
        var uncentred = model.network.config
        uncentred.inputMean = nil
        let plain = try ConvClassifier(uncentred)
        try plain.load(Dictionary(model.network.stateDict(), uniquingKeysWith: { a, _ in a }))
        plain.eval()
        #expect(withoutGradients { model(x).value.scalars != plain(x).value.scalars })
    }
}
