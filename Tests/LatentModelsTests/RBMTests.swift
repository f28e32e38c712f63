import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct RBMTests {
    /// The shipped MNIST test images, average-pooled to 14×14 and binarised (> 0.5): small enough
    /// for AIS and several epochs in a debug build, still digits.
    static let digits: Tensor? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let data = try? MNIST.dataset(directory: root.appendingPathComponent("Data/mnist").path, split: .test) else { return nil }
        return pooled(data.inputs.rows(0..<3000), side: 28, on: 0.5)
    }()

    /// Square images `[N, side²]` averaged over 2×2 blocks, a block on (1) when its mean exceeds
    /// `threshold`: `[N, (side/2)²]`.
    static func pooled(_ images: Tensor, side: Int, on threshold: Float) -> Tensor {
        let n = images.shape[0], half = side / 2
        let out = Tensor(shape: [n, half * half])
        let p = images.unsafeBaseAddress, q = out.unsafeBaseAddress
        for r in 0..<n {
            for y in 0..<half {
                for x in 0..<half {
                    var s: Float = 0
                    for dy in 0..<2 { for dx in 0..<2 { s += p[r * side * side + (2 * y + dy) * side + 2 * x + dx] } }
                    q[r * half * half + y * half + x] = s / 4 > threshold ? 1 : 0
                }
            }
        }
        return out
    }

    /// Train (first 2,500) and held-out (last 500) rows of `digits`.
    static func split() throws -> (train: Dataset, test: Dataset) {
        let d = try #require(digits)
        return (Dataset(inputs: d.rows(0..<2500)), Dataset(inputs: d.rows(2500..<3000)))
    }

    static func train(hidden: Int, _ training: RBMTrainingConfig, hiddenUnits: RBM.Config.HiddenUnits = .bernoulli) throws -> RBM {
        let (train, test) = try split()
        return try RBMTraining.run(model: RBM.Config(visible: 196, hidden: hidden, hiddenUnits: hiddenUnits), training: training,
                                   train: train, test: test, runDirectory: nil).0
    }

    @Test func exactPartitionFunctionMatchesTheSumOverAllStates() throws {
        // Z = Σ_v Σ_h exp(−E(v, h)) by brute force on 5 visible and 3 hidden units, against the
        // enumeration over hidden states and against Σ_v exp(−F(v)).
        var config = RBM.Config(visible: 5, hidden: 3)
        config.initialStd = 1
        let rbm = try RBM(config)
        var rng = RandomGenerator(seed: 3)
        rbm.hiddenBias.value = Tensor.normal([3], using: &rng)
        rbm.visibleBias.value = Tensor.normal([5], using: &rng)
        let w = rbm.weight.value.scalars, b = rbm.visibleBias.value.scalars, c = rbm.hiddenBias.value.scalars
        var total = 0.0
        var visibleStates: [Float] = []
        for vs in 0..<32 {
            let v = (0..<5).map { Float((vs >> $0) & 1) }
            visibleStates += v
            for hs in 0..<8 {
                let h = (0..<3).map { Float((hs >> $0) & 1) }
                var minusEnergy = 0.0
                for i in 0..<5 { minusEnergy += Double(b[i] * v[i]) }
                for j in 0..<3 { minusEnergy += Double(c[j] * h[j]); for i in 0..<5 { minusEnergy += Double(h[j] * w[j * 5 + i] * v[i]) } }
                total += exp(minusEnergy)
            }
        }
        let exact = try #require(rbm.exactLogPartition())
        #expect(Swift.abs(exact - log(total)) < 1e-5)
        let free = rbm.freeEnergy(Tensor(shape: [32, 5], scalars: visibleStates))
        #expect(Swift.abs(log(free.reduce(0) { $0 + exp(-$1) }) - log(total)) < 1e-5)
    }

    /// `digits` pooled again to 7×7 (a block is on when any of its four pixels is): 49 visible
    /// units keep AIS fast enough for a debug test.
    static let coarseDigits: Tensor? = digits.map { pooled($0, side: 14, on: 0.2) }

    @Test func annealedImportanceSamplingAgreesWithTheExactLogPartition() throws {
        // A trained RBM with 10 hidden units: 1,024 hidden states to enumerate.
        let d = try #require(Self.coarseDigits)
        let train = Dataset(inputs: d.rows(0..<2500)), test = Dataset(inputs: d.rows(2500..<3000))
        var training = RBMTrainingConfig()
        training.epochs = 3
        training.batchSize = 50
        let rbm = try RBMTraining.run(model: RBM.Config(visible: 49, hidden: 10), training: training, train: train, test: test,
                                      runDirectory: nil).0
        let exact = try #require(rbm.exactLogPartition())
        let estimate = try #require(RBMAnnealedImportanceSampling(runs: 50, steps: 1000, seed: 5).estimate(rbm, data: train.inputs))
        #expect(Swift.abs(estimate.logPartition - exact) <= 0.1, "AIS \(estimate.logPartition) ± \(estimate.standardError), exact \(exact)")
        #expect(estimate.standardError < 0.1)
        // The model is far from the base rates: log Z moved well away from log Z_A.
        #expect(Swift.abs(exact - estimate.baseLogPartition) > 1, "exact \(exact), base \(estimate.baseLogPartition)")
    }

    @Test func contrastiveDivergenceLowersHeldOutReconstructionError() throws {
        let (_, test) = try Self.split()
        var training = RBMTrainingConfig()
        training.epochs = 2
        training.batchSize = 20
        let before = try RBM(RBM.Config(visible: 196, hidden: 64)).reconstructionError(test.inputs)
        let after = try Self.train(hidden: 64, training).reconstructionError(test.inputs)
        // σ(0) = ½ everywhere before training: about 196/4 per image.
        #expect(after < 0.4 * before, "held-out reconstruction error \(before) → \(after)")
    }

    @Test func persistentContrastiveDivergenceImprovesHeldOutPseudoLikelihood() throws {
        let (_, test) = try Self.split()
        let training = RBMTrainingConfig.scikitLearn(learningRate: 0.05, batchSize: 20, epochs: 3, seed: 2)
        let untrained = try RBM(RBM.Config(visible: 196, hidden: 64))
        let before = try #require(untrained.pseudoLikelihood(test.inputs, seed: 1)).reduce(0, +) / 500
        let rbm = try Self.train(hidden: 64, training)
        let after = try #require(rbm.pseudoLikelihood(test.inputs, seed: 1)).reduce(0, +) / 500
        // Before: 196 · log σ(0) ≈ −135.9 per image.
        #expect(after > before + 50, "held-out pseudo-likelihood \(before) → \(after)")
    }

    @Test func sparsityTargetPullsMeanActivationTowardsIt() throws {
        let (_, test) = try Self.split()
        var training = RBMTrainingConfig()
        training.epochs = 2
        training.batchSize = 20
        let plain = try Self.train(hidden: 64, training).transform(test.inputs).mean()
        training.sparsityTarget = 0.05
        training.sparsityCost = 1
        let sparse = try Self.train(hidden: 64, training).transform(test.inputs).mean()
        #expect(sparse < plain && Swift.abs(sparse - 0.05) < Swift.abs(plain - 0.05), "mean activation \(plain) → \(sparse)")
    }

    @Test func unrolledStackReproducesTheStacksCodes() throws {
        let (train, test) = try Self.split()
        var training = RBMTrainingConfig()
        training.epochs = 1
        training.batchSize = 50
        let config = DBN.Config(layers: [196, 64, 32, 8], topHiddenUnits: .linear)
        let dbn = try DBNTraining.run(model: config, training: training, linearLearningRate: 0.001,
                                      train: train, test: test, runDirectory: nil).dbn
        let autoencoder = try dbn.unrolledAutoencoder()
        let codes = autoencoder.encode(test.inputs), stack = dbn.transform(test.inputs)
        #expect(codes.shape == [500, 8])
        #expect((codes - stack).map { Swift.abs($0) }.max() < 1e-5)
        // The decoder's first layer is the top RBM's transpose with its visible biases.
        let decoder = autoencoder.decoder.layers.compactMap { $0 as? Linear }
        #expect(decoder[0].weight.value == dbn.machines[2].weight.value.transposed())
        #expect(decoder[0].bias?.value == dbn.machines[2].visibleBias.value)
        // A stack with a linear top cannot become a logistic classifier.
        #expect(throws: ModelError.self) { try dbn.unrolledClassifier(classes: 10, seed: 1) }
        let binary = try DBN(DBN.Config(layers: [196, 64, 32]), machines: Array(dbn.machines.prefix(2)))
        let classifier = try binary.unrolledClassifier(classes: 10, seed: 1)
        let hidden = classifier.network.layers.prefix(4).reduce(Variable(test.inputs)) { $1($0) }.value
        #expect((hidden - binary.transform(test.inputs)).map { Swift.abs($0) }.max() < 1e-5)
    }

    @Test func modelFilesUsePyTorchNamesAndRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-rbm-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rbm = try RBM(RBM.Config(visible: 20, hidden: 7))
        try rbm.save(to: dir + "/rbm.safetensors")
        let file = try SafeTensors.read(path: dir + "/rbm.safetensors")
        #expect(Set(file.tensors.map(\.name)) == ["weight", "h_bias", "v_bias"])
        #expect(file.tensors.first { $0.name == "weight" }?.tensor.shape == [7, 20])
        let loaded = try #require(try ModelRegistry.load(dir + "/rbm.safetensors") as? RBM)
        #expect(loaded.weight.value == rbm.weight.value)
        let dbn = try DBN(DBN.Config(layers: [20, 7, 3]))
        try dbn.save(to: dir + "/dbn.safetensors")
        let names = Set(try SafeTensors.read(path: dir + "/dbn.safetensors").tensors.map(\.name))
        #expect(names == ["0.weight", "0.h_bias", "0.v_bias", "1.weight", "1.h_bias", "1.v_bias"])
        #expect(throws: CheckpointError.self) { try RBM.load(path: dir + "/dbn.safetensors") }
    }

    @Test func dataOutsideTheVisibleUnitsIsRefused() throws {
        let rbm = try RBM(RBM.Config(visible: 3, hidden: 2))
        #expect(throws: ModelError.self) { try rbm.checkData(Tensor(shape: [1, 3], scalars: [0, 1.5, 0]), name: "x") }
        #expect(throws: ModelError.self) { try rbm.checkData(Tensor(shape: [1, 3], scalars: [0, .nan, 0]), name: "x") }
        #expect(throws: ModelError.self) { try rbm.checkData(Tensor(shape: [1, 4], scalars: [0, 0, 0, 0]), name: "x") }
        let gaussian = try RBM(RBM.Config(visible: 3, hidden: 2, visibleUnits: .gaussian))
        try gaussian.checkData(Tensor(shape: [1, 3], scalars: [-2, 1.5, 0]), name: "x")
        #expect(throws: ModelError.self) { try gaussian.checkData(Tensor(shape: [1, 3], scalars: [0, .infinity, 0]), name: "x") }
    }
}
