import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// Parameter groups with their own learning rate, and the trunk/head split transfer learning uses.
@Suite struct TransferTests {
    /// One SGD step on Σ outputs: every parameter moves by lr·gradient, the group by scale·lr·gradient.
    @Test func learningRateScalesApplyToTheirGroupOnly() throws {
        var rng = RandomGenerator(seed: 3)
        let net = Sequential { Linear(3, 4, rng: &rng); ReLU(); Linear(4, 2, rng: &rng) }
        let before = Dictionary(uniqueKeysWithValues: net.stateDict())
        let x = Tensor(shape: [5, 3], scalars: (0..<15).map { Float($0 % 7) / 7 })
        let (_, gradients) = valueAndGrad(net) { net(Variable(x)).sum() }
        let sgd = try SGD(learningRate: 0.5)
        sgd.learningRateScales = [("0", 0.1)]
        sgd.update(gradients)
        #expect(sgd.learningRate == 0.5)
        let grads = Dictionary(uniqueKeysWithValues: gradients.parameters.map { ($0.name, $0.gradient) })
        for (name, value) in net.stateDict() {
            let g = try #require(grads[name]), old = try #require(before[name])
            let rate: Float = name.hasPrefix("0.") ? 0.05 : 0.5
            let expected = old - g * rate
            let error = zip(value.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(error < 1e-6, "\(name)")
        }
        #expect(sgd.learningRateScale(for: "0.weight") == 0.1)
        #expect(sgd.learningRateScale(for: "00.weight") == 1)
    }

    @Test func classifiersNameTheirTrunkAndReuseIt() throws {
        let mlp = try Classifier(Classifier.Config(inputSize: 6, hidden: [5, 4], classes: 3))
        #expect(mlp.trunkPaths == ["0", "1", "2", "3"])
        var config = Classifier.Config(inputSize: 6, hidden: [5, 4], classes: 2)
        config.seed = 9
        let other = try Classifier(config)
        try other.loadTrunk(Dictionary(uniqueKeysWithValues: mlp.stateDict()))
        let x = Variable(Tensor(shape: [2, 6], scalars: (0..<12).map { Float($0) / 12 }))
        #expect(other.trunkFeatures(x).value == mlp.trunkFeatures(x).value)
        #expect(other.trunkFeatures(x).shape == [2, 4])
        // The head keeps its own shape and initialisation.
        #expect(other.namedParameters().first { $0.0 == "4.weight" }?.1.shape == [2, 4])
        other.freezeTrunk()
        #expect(other.trainableParameters().map(\.0) == ["4.weight", "4.bias"])
        other.unfreezeTrunk()
        #expect(other.trainableParameters().count == 6)

        var convConfig = ConvClassifier.Config()
        convConfig.height = 8
        convConfig.width = 8
        convConfig.convolutions = [2]
        convConfig.hidden = [6]
        let conv = try ConvClassifier(convConfig)
        #expect(conv.trunkPaths == ["features", "classifier.0", "classifier.1"])
        #expect(conv.features(Tensor(shape: [3, 64])).shape == [3, 6])
    }

    @Test func subsetsOfClassesAndLabelsPerClass() {
        let labels = (0..<40).map { $0 % 4 }
        let data = Dataset(inputs: Tensor(shape: [40, 1], scalars: (0..<40).map(Float.init)), labels: labels)
        let restricted = data.restricted(to: [3, 1])
        #expect(restricted.count == 20)
        #expect(Set(restricted.labels ?? []) == [0, 1])
        // Class 3 became 0, class 1 became 1.
        #expect(zip(restricted.inputs.scalars, restricted.labels ?? []).allSatisfy { Int($0) % 4 == ($1 == 0 ? 3 : 1) })
        let few = data.balancedSubset(perClass: 2, seed: 7)
        #expect(few.count == 8)
        #expect((0..<4).allSatisfy { c in (few.labels ?? []).filter { $0 == c }.count == 2 })
        #expect(data.balancedSubset(perClass: 2, seed: 7).inputs == few.inputs)
        #expect(data.balancedSubset(perClass: 2, seed: 8).inputs != few.inputs)
        #expect(data.labelSet == [0, 1, 2, 3])
    }
}
