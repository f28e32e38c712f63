import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// Gram matrices, the texture losses, the feature networks and a short synthesis.
@Suite struct TextureTests {
    @Test func gramMatrixIsNormalisedByChannelsAndPositions() {
        // Two channels over three positions: F = [[1, 2, 3], [0, 1, −1]].
        let f = Variable(Tensor(shape: [1, 2, 1, 3], scalars: [1, 2, 3, 0, 1, -1]))
        let g = TextureLoss.gram(f).value
        // F Fᵀ = [[14, −1], [−1, 2]], divided by C·M = 6.
        #expect(g.shape == [2, 2])
        let expected: [Float] = [14, -1, -1, 2].map { $0 / 6 }
        #expect(zip(g.scalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }

    @Test func styleContentAndTotalVariationMatchAHandComputation() {
        let gram = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        let target = Tensor(shape: [2, 2], scalars: [0, 2, 1, 1])
        // (1)² + 0 + (2)² + (3)² = 14.
        #expect(TextureLoss.styleTerm(gram, target: target).value.scalar == 14)
        let maps = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        // Differences 1, 0, −1, 2 → mean of squares 6/4.
        #expect(TextureLoss.content(maps, target: Tensor(shape: [1, 1, 2, 2], scalars: [0, 2, 4, 2])).value.scalar == 1.5)
        // Vertical differences (3−1, 4−2) → mean 4; horizontal (2−1, 4−3) → mean 1.
        #expect(TextureLoss.totalVariation(maps).value.scalar == 5)
    }

    @Test func objectiveIsZeroAtTheStyleImageAndWeighsItsParts() throws {
        let network = try RandomFeatureNetwork(.init(channels: [8, 8], kernelSize: 3, seed: 2))
        var rng = RandomGenerator(seed: 1)
        let style = Tensor.uniform([1, 3, 12, 12], low: 0, high: 1, using: &rng)
        let content = Tensor.uniform([1, 3, 12, 12], low: 0, high: 1, using: &rng)
        let objective = TextureObjective(network: network, style: style, styleLayers: [0, 1], styleWeight: 3,
                                         content: content, contentLayer: 1, contentWeight: 2, tvWeight: 0.5)
        let atStyle = withoutGradients { objective.evaluate(Variable(style)) }
        #expect(atStyle.style == 0)
        #expect(atStyle.content > 0 && atStyle.tv > 0)
        let total = atStyle.total.value.scalar
        #expect(Swift.abs(total - (2 * atStyle.content + 0.5 * atStyle.tv)) <= 1e-6 * Swift.max(1, total))
        let atContent = withoutGradients { objective.evaluate(Variable(content)) }
        #expect(atContent.content == 0 && atContent.style > 0)
        // The style loss by hand from the layers' Gram matrices.
        let maps = withoutGradients { network.features(Variable(content)) }
        let targets = withoutGradients { network.features(Variable(style)) }
        var byHand: Float = 0
        for l in 0..<2 {
            let d = TextureLoss.gram(maps[l]).value - TextureLoss.gram(targets[l]).value
            byHand += d.scalars.reduce(0) { $0 + $1 * $1 }
        }
        #expect(Swift.abs(atContent.style - byHand) <= 1e-5 * byHand)
    }

    @Test func randomNetworkIsSeededSavesUnderPyTorchNamesAndReloads() throws {
        let a = try RandomFeatureNetwork(.init(channels: [4, 6], kernelSize: 3, seed: 7))
        let b = try RandomFeatureNetwork(.init(channels: [4, 6], kernelSize: 3, seed: 7))
        let c = try RandomFeatureNetwork(.init(channels: [4, 6], kernelSize: 3, seed: 8))
        #expect(a.scales[1].weight.value == b.scales[1].weight.value)
        #expect(a.scales[1].weight.value != c.scales[1].weight.value)
        #expect(a.stateDict().map(\.0) == ["scales.0.weight", "scales.0.bias", "scales.1.weight", "scales.1.bias"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("texture-net-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.save(to: path)
        let loaded = try RandomFeatureNetwork.load(path: path)
        #expect(loaded.config == a.config && loaded.scales[0].bias?.value == a.scales[0].bias?.value)
        #expect(loaded.namedParameters().allSatisfy { !$0.1.requiresGrad })
        // Maps keep each level's size: 16 → 16, 8.
        let maps = withoutGradients { a.features(Variable(Tensor(shape: [1, 3, 16, 16], repeating: 0.3))) }
        #expect(maps.map(\.shape) == [[1, 4, 16, 16], [1, 6, 8, 8]])
        #expect(throws: ModelError.self) { try RandomFeatureNetwork(.init(channels: [4], kernelSize: 4)) }
        #expect(throws: ModelError.self) { try RandomFeatureNetwork(.init(channels: [])) }
    }

    @Test func convolutionalLayersOfATrainedModelBecomeFeatures() throws {
        let autoencoder = try Autoencoder(Autoencoder.Config(kind: .conv))
        let features = try #require(ConvolutionalFeatures(model: autoencoder, kind: Autoencoder.kind, path: "ae"))
        #expect(features.layerNames == ["encoder.1", "encoder.3"])
        let maps = withoutGradients { features.features(Variable(Tensor(shape: [1, 3, 20, 24], repeating: 0.5))) }
        // Two stride-2 convolutions with 32 and 64 filters, each followed by its ReLU.
        #expect(maps.map { $0.shape } == [[1, 32, 10, 12], [1, 64, 5, 6]])
        #expect(maps.allSatisfy { $0.value.min() >= 0 })
        // The image enters as its luminance: a grey image and an RGB image of the same
        // luminance give the same maps.
        let grey = Tensor(shape: [1, 3, 8, 8], repeating: 0.5)
        var coloured = Tensor(shape: [1, 3, 8, 8])
        for y in 0..<8 { for x in 0..<8 { coloured[0, 0, y, x] = 1; coloured[0, 1, y, x] = (0.5 - 0.299 - 0.114 * 0.2) / 0.587; coloured[0, 2, y, x] = 0.2 } }
        let a = withoutGradients { features.features(Variable(grey)).last!.value }
        let b = withoutGradients { features.features(Variable(coloured)).last!.value }
        #expect(zip(a.scalars, b.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-4 })
        // An MLP has no convolutions.
        let mlp = try Classifier(Classifier.Config(inputSize: 784, hidden: [16], classes: 10))
        #expect(ConvolutionalFeatures(model: mlp, kind: Classifier.kind, path: "mlp") == nil)
    }

    /// Synthesises a 32 × 32 texture with the given optimiser and returns initial / final style loss.
    static func synthesise(_ optimizer: PixelOptimizer, steps: Int) throws -> (ratio: Float, curve: [PixelStep]) {
        let network = try RandomFeatureNetwork(.init(channels: [16, 16, 16], kernelSize: 3, seed: 1))
        // A striped colour texture: stripes of period 6 with a colour gradient.
        var style = Tensor(shape: [1, 3, 32, 32])
        for y in 0..<32 { for x in 0..<32 {
            let stripe: Float = (x + y) % 6 < 3 ? 0.9 : 0.2
            style[0, 0, y, x] = stripe; style[0, 1, y, x] = stripe * 0.5; style[0, 2, y, x] = 1 - stripe
        } }
        let objective = TextureObjective(network: network, style: style, styleLayers: [0, 1, 2])
        var rng = RandomGenerator(seed: 3)
        let start = Tensor.uniform([1, 3, 32, 32], low: 0.25, high: 0.75, using: &rng)
        let optimization = PixelOptimization(objective: objective, start: start)
        let initial = withoutGradients { objective.evaluate(Variable(optimization.image)).style }
        let curve = try optimization.run(steps: steps, optimizer: optimizer, learningRate: 0.1)
        let final = withoutGradients { objective.evaluate(Variable(optimization.image)).style }
        #expect(optimization.image.min() > 0 && optimization.image.max() < 1)
        return (initial / final, curve)
    }

    @Test func lbfgsSynthesisLowersTheStyleLossAHundredfold() throws {
        let (ratio, curve) = try Self.synthesise(.lbfgs, steps: 60)
        #expect(ratio >= 100, "style loss fell \(ratio)× in \(curve.count) steps")
    }

    @Test func adamSynthesisLowersTheStyleLossAHundredfold() throws {
        let (ratio, curve) = try Self.synthesise(.adam, steps: 300)
        #expect(ratio >= 100, "style loss fell \(ratio)× in \(curve.count) steps")
    }
}
