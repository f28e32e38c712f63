import LatentTensor
import Testing

/// One finite-difference check per differentiable op (see `checkGradients`).
@Suite struct GradientTests {
    let a = randomTensor([3, 4], seed: 1)
    let b = randomTensor([3, 4], seed: 2)
    let row = randomTensor([4], seed: 3)
    let col = randomTensor([3, 1], seed: 4)
    let positive = randomTensor([3, 4], seed: 5, low: 0.5, high: 2)

    @Test func add() { checkGradients([a, b]) { $0[0] + $0[1] }; checkGradients([a, row]) { $0[0] + $0[1] } }
    @Test func sub() { checkGradients([a, col]) { $0[0] - $0[1] }; checkGradients([a]) { 2 - $0[0] } }
    @Test func mul() { checkGradients([a, b]) { $0[0] * $0[1] }; checkGradients([a, row]) { $0[0] * $0[1] * 3 } }
    @Test func div() { checkGradients([a, positive]) { $0[0] / $0[1] }; checkGradients([col, positive]) { $0[0] / $0[1] } }
    @Test func negate() { checkGradients([a]) { -$0[0] } }
    @Test func matmul() {
        let x = randomTensor([3, 5], seed: 6), w = randomTensor([5, 2], seed: 7)
        checkGradients([x, w]) { $0[0].matmul($0[1]) }
        checkGradients([x, randomTensor([2, 5], seed: 8)]) { $0[0].matmul($0[1], transposeOther: true) }
        checkGradients([randomTensor([5, 3], seed: 9), w]) { $0[0].matmul($0[1], transposeSelf: true) }
        checkGradients([randomTensor([5, 3], seed: 9), randomTensor([2, 5], seed: 8)]) {
            $0[0].matmul($0[1], transposeSelf: true, transposeOther: true)
        }
    }
    @Test func batchedMatmul() {
        checkGradients([randomTensor([2, 3, 4], seed: 10), randomTensor([2, 4, 2], seed: 11)]) { $0[0].batchedMatmul($0[1]) }
    }
    @Test func linear() {
        checkGradients([randomTensor([4, 5], seed: 12), randomTensor([3, 5], seed: 13), randomTensor([3], seed: 14)]) {
            Variable.linear($0[0], weight: $0[1], bias: $0[2])
        }
    }
    @Test func relu() { checkGradients([awayFromZero([3, 4], seed: 15)]) { $0[0].relu() } }
    @Test func leakyRelu() { checkGradients([awayFromZero([3, 4], seed: 16)]) { $0[0].leakyRelu(0.1) } }
    @Test func sigmoid() { checkGradients([a * 3]) { $0[0].sigmoid() } }
    @Test func tanh() { checkGradients([a * 2]) { $0[0].tanh() } }
    @Test func softplus() { checkGradients([a * 4]) { $0[0].softplus() } }
    @Test func exp() { checkGradients([a]) { $0[0].exp() } }
    @Test func log() { checkGradients([positive]) { $0[0].log() } }
    @Test func square() { checkGradients([a]) { $0[0].square() } }
    @Test func sqrt() { checkGradients([positive]) { $0[0].sqrt() } }
    @Test func abs() { checkGradients([awayFromZero([3, 4], seed: 17)]) { $0[0].abs() } }
    @Test func softmax() { checkGradients([a * 2]) { $0[0].softmax() } }
    @Test func logSoftmax() { checkGradients([a * 2]) { $0[0].logSoftmax() } }
    @Test func logSumExp() {
        checkGradients([a * 2]) { $0[0].logSumExp(axis: 1) }
        checkGradients([a * 2]) { $0[0].logSumExp(axis: 0, keepDims: true) }
        // Terms far beyond Float's exponent range stay finite: log(e^100 + e^100) = 100 + log 2.
        let big = Variable(Tensor(shape: [1, 2], scalars: [100, 100])).logSumExp(axis: 1)
        #expect(Swift.abs(big.value.scalars[0] - (100 + 0.6931472)) < 1e-4)
    }
    @Test func sumAndMean() {
        checkGradients([a]) { $0[0].sum() }
        checkGradients([a]) { $0[0].mean() }
        checkGradients([a]) { $0[0].sum(axis: 0) }
        checkGradients([a]) { $0[0].sum(axis: 1, keepDims: true) }
        checkGradients([randomTensor([2, 3, 4], seed: 18)]) { $0[0].mean(axis: 1) }
    }
    @Test func reshape() { checkGradients([a]) { $0[0].reshaped([4, 3]) * Variable(randomTensor([4, 3], seed: 19)) } }
    @Test func transpose() { checkGradients([a]) { $0[0].transposed() } }
    @Test func permute() { checkGradients([randomTensor([2, 3, 4], seed: 20)]) { $0[0].permuted([2, 0, 1]) } }
    @Test func concat() {
        checkGradients([a, b]) { Variable.concat([$0[0], $0[1]], axis: 0) }
        checkGradients([a, col]) { Variable.concat([$0[0], $0[1]], axis: 1) }
    }
    @Test func slice() { checkGradients([a]) { $0[0].slice(axis: 1, 1..<3) } }
    @Test func gather() { checkGradients([a]) { $0[0].gatherRows([2, 0, 2, 1]) } }
    @Test(arguments: [ConvolutionAlgorithm.im2col, .oneDNN]) func conv2d(route: ConvolutionAlgorithm) {
        let x = randomTensor([2, 2, 5, 5], seed: 21), w = randomTensor([3, 2, 3, 3], seed: 22), bias = randomTensor([3], seed: 23)
        checkGradients([x, w, bias]) { Variable.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 1, padding: 1, algorithm: route) }
        checkGradients([x, w, bias]) { Variable.conv2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, algorithm: route) }
        checkGradients([x, randomTensor([1, 2, 2, 2], seed: 24)]) {
            Variable.conv2d($0[0], weight: $0[1], bias: nil, stride: 2, algorithm: route)
        }
    }
    @Test(arguments: [ConvolutionAlgorithm.im2col, .oneDNN]) func convTranspose2d(route: ConvolutionAlgorithm) {
        let x = randomTensor([2, 3, 3, 3], seed: 25), w = randomTensor([3, 2, 3, 3], seed: 26), bias = randomTensor([2], seed: 27)
        checkGradients([x, w, bias]) {
            Variable.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: 2, padding: 1, outputPadding: 1, algorithm: route)
        }
        checkGradients([x, randomTensor([3, 1, 4, 4], seed: 28)]) {
            Variable.convTranspose2d($0[0], weight: $0[1], bias: nil, stride: 2, padding: 1, algorithm: route)
        }
    }
    @Test func batchNormTrainAndEval() {
        let x = randomTensor([4, 3, 2, 2], seed: 29), gamma = randomTensor([3], seed: 30, low: 0.5, high: 1.5)
        let beta = randomTensor([3], seed: 31)
        checkGradients([x, gamma, beta], tolerance: 3e-2) { v in
            var mean = Tensor(shape: [3]), variance = Tensor.ones([3])
            return Variable.batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance, training: true)
        }
        checkGradients([randomTensor([5, 3], seed: 32), gamma, beta]) { v in
            var mean = Tensor([0.1, -0.2, 0.3]), variance = Tensor([0.5, 1.5, 2])
            return Variable.batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance, training: false)
        }
    }
    /// Finite differences across a kink are meaningless, so the inputs keep every rectifier input
    /// at least 0.15 from zero: in training each channel standardises to ±0.3, ±0.7, ±1.1, ±1.5
    /// (shuffled, scaled and shifted per channel; β = 0.05); in evaluation x is solved from
    /// chosen rectifier inputs of the same sizes.
    @Test(arguments: [NormalizationActivation.relu, .leakyRelu(slope: 0.2)])
    func batchNormWithRectifier(activation: NormalizationActivation) {
        var rng = RandomGenerator(seed: 33)
        let levels: [Float] = [0.3, 0.7, 1.1, 1.5].flatMap { [$0, -$0, $0, -$0] }
        var values = [Float](repeating: 0, count: 4 * 3 * 4)
        for ch in 0..<3 {
            var order = Array(0..<16)
            for i in stride(from: 15, to: 0, by: -1) { order.swapAt(i, Int(rng.nextFloat() * Float(i + 1)) % (i + 1)) }
            for (k, slot) in order.enumerated() { values[(k / 4 * 3 + ch) * 4 + k % 4] = levels[slot] * Float(ch + 1) + Float(ch) }
        }
        let gamma = Tensor([0.8, 1.2, 1.0]), beta = Tensor(shape: [3], repeating: 0.05)
        checkGradients([Tensor(shape: [4, 3, 2, 2], scalars: values), gamma, beta], tolerance: 3e-2) { v in
            var mean = Tensor(shape: [3]), variance = Tensor.ones([3])
            return Variable.batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance,
                                      training: true, activation: activation)
        }
        let runningMean = Tensor([0.1, -0.2, 0.3]), runningVar = Tensor([0.5, 1.5, 2])
        let evalInputs = (0..<(4 * 3 * 4)).map { i -> Float in
            let ch = i / 4 % 3, pre = levels[i % 16] + 0.05 * Float(i % 3)
            return (pre - beta[ch]) * (runningVar[ch] + 1e-5).squareRoot() / gamma[ch] + runningMean[ch]
        }
        checkGradients([Tensor(shape: [4, 3, 2, 2], scalars: evalInputs), gamma, beta], tolerance: 3e-2) { v in
            var mean = runningMean, variance = runningVar
            return Variable.batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance,
                                      training: false, activation: activation)
        }
    }
    /// The fused rectifier gives the values and gradients, bit for bit, of the rectifier applied
    /// after the normalisation, over planes whose lengths use both the lane blocks and the tail.
    @Test(arguments: [NormalizationActivation.relu, .leakyRelu(slope: 0.2)])
    func batchNormRectifierFusionIsExact(activation: NormalizationActivation) {
        let x = randomTensor([6, 5, 9, 11], seed: 36), gamma = randomTensor([5], seed: 37, low: 0.5, high: 1.5)
        let beta = randomTensor([5], seed: 38), upstream = randomTensor([6, 5, 9, 11], seed: 39)
        func run(fused: Bool) -> [[Float]] {
            let v = [x, gamma, beta].map { Variable($0, requiresGrad: true) }
            var mean = Tensor(shape: [5]), variance = Tensor.ones([5])
            var y = Variable.batchNorm(v[0], gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance,
                                       training: true, activation: fused ? activation : .identity)
            if !fused {
                if case .leakyRelu(let slope) = activation { y = y.leakyRelu(slope) } else { y = y.relu() }
            }
            y.backward(upstream)
            return [y.value.scalars, mean.scalars, variance.scalars] + v.map { $0.grad!.scalars }
        }
        #expect(run(fused: true) == run(fused: false))
    }
    @Test func dropout() {
        // The same seed gives the same mask in every evaluation, so the op is a fixed linear map.
        checkGradients([a]) { v in
            var rng = RandomGenerator(seed: 5)
            return v[0].dropout(0.4, training: true, using: &rng)
        }
    }
    @Test func gradientReversal() {
        checkGradients([a], scale: -0.7) { $0[0].reversingGradient(scale: 0.7).square() }
        let x = Variable(a, requiresGrad: true)
        x.reversingGradient(scale: 0.5).sum().backward()
        #expect(x.grad! == Tensor(shape: [3, 4], repeating: -0.5))
    }
    @Test func losses() {
        let target = randomTensor([3, 4], seed: 33, low: 0, high: 1)
        checkGradients([a]) { $0[0].mseLoss(target) }
        checkGradients([a]) { $0[0].mseLoss(target, reduction: .batchMean) }
        checkGradients([a * 5]) { $0[0].binaryCrossEntropyWithLogits(target) }
        checkGradients([a * 5]) { $0[0].binaryCrossEntropyWithLogits(target, reduction: .sum) }
        checkGradients([a * 3]) { $0[0].softmaxCrossEntropy(labels: [0, 3, 2]) }
    }

    /// `isLeaf` is "holds no pullback": true for what `init` makes, for results recorded without a
    /// graph, and for results `backward()` has passed; false only for a result still in a graph.
    @Test func isLeaf() {
        let w = Variable(a, requiresGrad: true), x = Variable(b)
        #expect(w.isLeaf && x.isLeaf)
        #expect((x * 2).isLeaf)                                 // no parent requires gradients
        #expect(withoutGradients { (w * x).isLeaf })            // no graph recorded
        let product = w * x, loss = product.sum()
        #expect(!product.isLeaf && !loss.isLeaf)
        loss.backward()
        #expect(product.isLeaf && loss.isLeaf)                  // backward released their pullbacks
    }
}
