import Foundation
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite struct ModuleTests {
    @Test func parametersAreNamedLikePyTorch() throws {
        var rng = RandomGenerator(seed: 1)
        let net = Sequential {
            Linear(4, 3, rng: &rng); ReLU()
            BatchNorm(3)
            Linear(3, 2, rng: &rng)
        }
        #expect(net.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias"])
        #expect(net.namedBuffers().map(\.0) == ["2.running_mean", "2.running_var"])
        #expect(net.parameterCount == 12 + 3 + 3 + 3 + 6 + 2)
        let classifier = try Classifier(Classifier.Config(inputSize: 5, hidden: [4], classes: 3))
        #expect(classifier.stateDict().map(\.0) == ["0.weight", "0.bias", "2.weight", "2.bias"])
    }

    /// A `Sequential` runs a batch norm and the rectifier after it as one op: the output, the
    /// running statistics and every gradient are those of the layers run one by one.
    @Test func sequentialFusesBatchNormWithTheRectifierAfterIt() {
        for rectifier in [ReLU() as any Layer, LeakyReLU(0.2)] {
            func run(fused: Bool) -> [[Float]] {
                var rng = RandomGenerator(seed: 4)
                let net = Sequential { Conv2d(2, 4, kernelSize: 3, padding: 1, rng: &rng); BatchNorm(4); rectifier }
                let x = Variable(Tensor.normal([3, 2, 5, 5], using: &rng), requiresGrad: true)
                let y = fused ? net(x) : net.layers.reduce(x) { v, layer in layer(v) }
                y.backward(Tensor.normal(y.shape, using: &rng))
                return [y.value.scalars, x.grad!.scalars] + net.namedParameters().map { $0.1.grad!.scalars }
                    + net.namedBuffers().map { $0.1.value.scalars }
            }
            #expect(run(fused: true) == run(fused: false), "\(type(of: rectifier))")
        }
    }

    @Test func loadChecksNamesAndShapesAndIsAllOrNothing() {
        var rng = RandomGenerator(seed: 1)
        let net = Sequential { Linear(4, 3, rng: &rng); Linear(3, 2, rng: &rng) }
        var state = Dictionary(uniqueKeysWithValues: net.stateDict())
        let before = net.stateDict().map(\.1)
        state["0.bias"] = Tensor(shape: [3], repeating: 7)
        state["1.weight"] = Tensor(shape: [3, 2])
        #expect(throws: ModuleError.shapeMismatch("1.weight", expected: [2, 3], got: [3, 2])) { try net.load(state) }
        #expect(net.stateDict().map(\.1) == before)
        state["1.weight"] = Tensor(shape: [2, 3])
        state["extra"] = Tensor(scalar: 1)
        #expect(throws: ModuleError.unexpected("extra")) { try net.load(state) }
        state["extra"] = nil
        try? net.load(state)
        #expect(net.namedParameters()[1].1.value == Tensor(shape: [3], repeating: 7))
        state["0.weight"] = nil
        #expect(throws: ModuleError.missing("0.weight")) { try net.load(state) }
    }

    @Test func freezeTrainEvalAndDropout() {
        var rng = RandomGenerator(seed: 1)
        let encoder = Sequential { Linear(4, 3, rng: &rng) }
        let net = Sequential { encoder; Dropout(0.5, seed: 3) }
        encoder.freeze()
        #expect(net.trainableParameters().isEmpty)
        encoder.unfreeze()
        #expect(net.trainableParameters().count == 2)
        let x = Variable(Tensor.ones([8, 4]))
        net.eval()
        #expect(net(x).value == encoder(x).value)
        net.train()
        #expect(net(x).value.scalars.contains(0))
    }

    @Test func batchNormStatisticsAreRecomputedAsThePlainAverage() throws {
        var rng = RandomGenerator(seed: 3)
        let net = Sequential { Linear(3, 2, rng: &rng); BatchNorm(2) }
        net.eval()
        let norm = try #require(net.layers[1] as? BatchNorm)
        let batches = (0..<3).map { i in Tensor.normal([8, 3], mean: Float(i), std: 1 + Float(i), using: &rng) }
        net.recomputeBatchNormStatistics(batches: 3) { b in _ = net(Variable(batches[b])) }
        // The reference: the per-batch statistics of the Linear's output, averaged with equal weight.
        let linear = try #require(net.layers[0] as? Linear)
        var mean = [Double](repeating: 0, count: 2), variance = [Double](repeating: 0, count: 2)
        for x in batches {
            let y = withoutGradients { linear(Variable(x)).value }
            for c in 0..<2 {
                let column = (0..<8).map { Double(y[$0, c]) }
                let mu = column.reduce(0, +) / 8
                mean[c] += mu / 3
                variance[c] += column.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 7 / 3
            }
        }
        for c in 0..<2 {
            #expect(abs(Double(norm.runningMean.value[c]) - mean[c]) < 1e-4)
            #expect(abs(Double(norm.runningVar.value[c]) - variance[c]) < 1e-3)
        }
        #expect(!net.isTraining && norm.momentum == 0.1)
    }

    @Test func conv2dMatchesDirectLoop() {
        var rng = RandomGenerator(seed: 4)
        let conv = Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, rng: &rng)
        let x = Tensor.normal([2, 2, 6, 5], using: &rng)
        let y = conv(Variable(x)).value
        #expect(y.shape == [2, 3, 3, 3])
        let w = conv.weight.value, b = conv.bias!.value
        for n in 0..<2 { for o in 0..<3 { for oy in 0..<3 { for ox in 0..<3 {
            var s = b[o]
            for c in 0..<2 { for i in 0..<3 { for j in 0..<3 {
                let yy = oy * 2 - 1 + i, xx = ox * 2 - 1 + j
                if yy >= 0 && yy < 6 && xx >= 0 && xx < 5 { s += w[o, c, i, j] * x[n, c, yy, xx] }
            } } }
            #expect(Swift.abs(y[n, o, oy, ox] - s) < 1e-4)
        } } } }
        let up = ConvTranspose2d(3, 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, rng: &rng)
        #expect(up(Variable(y)).shape == [2, 1, 6, 6])
    }
}

@Suite struct OptimizerTests {
    /// A one-parameter quadratic whose Adam and SGD trajectories are easy to compute by hand.
    @Test func adamFirstStepsMatchTheFormula() throws {
        // 19 values: two eight-lane blocks of the vectorised kernel and a scalar tail.
        let start = (0..<19).map { Double($0) * 0.37 - 3 }
        let p = Variable(Tensor(start.map(Float.init)), requiresGrad: true)
        let adam = try Adam(learningRate: 0.1, weightDecay: 0.01)
        var expected = start, m = [Double](repeating: 0, count: 19), v = m
        for t in 1...3 {
            adam.update(valueAndGrad(parameters: [("p", p)]) { (p * p).sum() }.gradients)    // g = 2p
            for i in 0..<19 {
                let g = 2 * expected[i] + 0.01 * expected[i]
                m[i] = 0.9 * m[i] + 0.1 * g
                v[i] = 0.999 * v[i] + 0.001 * g * g
                let mh = m[i] / (1 - pow(0.9, Double(t))), vh = v[i] / (1 - pow(0.999, Double(t)))
                expected[i] -= 0.1 * mh / (vh.squareRoot() + 1e-8)
            }
        }
        for i in 0..<19 { #expect(Swift.abs(Double(p.value.scalars[i]) - expected[i]) < 1e-5, "element \(i)") }
    }

    @Test func sgdMomentumAndWeightDecay() throws {
        let p = Variable(Tensor([1.0]), requiresGrad: true)
        let sgd = try SGD(learningRate: 0.1, momentum: 0.5, weightDecay: 0.1)
        var x = 1.0, buf = 0.0
        for _ in 0..<3 {
            sgd.update(valueAndGrad(parameters: [("p", p)]) { (p * 3).sum() }.gradients)     // g = 3
            let g = 3 + 0.1 * x
            buf = 0.5 * buf + g
            x -= 0.1 * buf
        }
        #expect(Swift.abs(Double(p.value.scalar) - x) < 1e-5)
    }

    @Test func badHyperparametersAreRejectedByValue() {
        #expect(throws: OptimizerError.self) { try Adam(learningRate: -1) }
        #expect(throws: OptimizerError.self) { try Adam(beta1: 1) }
        #expect(throws: OptimizerError.self) { try SGD(learningRate: 0.1, momentum: 1.5) }
    }

    @Test func clippingScalesToTheMaxNorm() {
        let p = Variable(Tensor([0, 0]), requiresGrad: true)
        var gradients = Gradients(parameters: [.init(name: "p", parameter: p, gradient: Tensor([3, 4]))])
        let norm = gradients.clip(maxNorm: 1)
        #expect(Swift.abs(norm - 5) < 1e-6)
        let g = gradients["p"]!.scalars
        #expect(Swift.abs(g[0] - 0.6) < 1e-5 && Swift.abs(g[1] - 0.8) < 1e-5)
    }

    @Test func flatBufferLaysGradientsEndToEndAndWritesBack() {
        let a = Variable(Tensor([0, 0, 0]), requiresGrad: true), b = Variable(Tensor(shape: [2, 2]), requiresGrad: true)
        var gradients = Gradients(parameters: [.init(name: "a", parameter: a, gradient: Tensor([1, 2, 3])),
                                               .init(name: "b", parameter: b, gradient: Tensor(shape: [2, 2], scalars: [4, 5, 6, 7]))])
        var buffer = Tensor(shape: [0])
        gradients.withFlatBuffer(&buffer) { flat in
            #expect(Array(flat) == [1, 2, 3, 4, 5, 6, 7])
            for i in flat.indices { flat[i] *= 10 }      // what an all-reduce sum over ten workers would leave
        }
        #expect(gradients["a"]!.scalars == [10, 20, 30] && gradients["b"]!.shape == [2, 2] && gradients["b"]!.scalars == [40, 50, 60, 70])
        let storage = buffer.unsafeBaseAddress
        gradients.withFlatBuffer(&buffer) { _ in }
        #expect(buffer.unsafeBaseAddress == storage, "the buffer is reused, not reallocated")
    }

    @Test func tinyMLPOverfits64Samples() throws {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor.normal([64, 10], using: &rng)
        let labels = (0..<64).map { _ in rng.nextInt(below: 4) }
        let model = try Classifier({ var c = Classifier.Config(inputSize: 10, hidden: [64], classes: 4); c.seed = 2; return c }())
        let adam = try Adam(learningRate: 1e-2)
        var loss: Float = .infinity
        for _ in 0..<300 {
            loss = adam.minimize(model) { model(Variable(x)).softmaxCrossEntropy(labels: labels) }
        }
        #expect(loss < 0.01)
        #expect(model.accuracy(x, labels: labels) == 1)
    }
}
