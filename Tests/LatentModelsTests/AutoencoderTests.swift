import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite(.serialized) struct AutoencoderTests {
    /// MNIST from the repository's Data folder (the 10k test set shipped for the demo).
    static let mnist: Dataset? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? MNIST.dataset(directory: root.appendingPathComponent("Data/mnist").path, split: .test)
    }()

    static func temporary() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-ae-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func train(_ config: Autoencoder.Config, _ data: Dataset, test: Dataset, epochs: Int, lr: Float = 1e-3,
                      batch: Int = 64) throws -> Autoencoder {
        let dir = try temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var training = TrainingConfig()
        training.epochs = epochs
        training.batchSize = batch
        training.learningRate = lr
        return try AutoencoderTraining.run(model: config, training: training, train: data, test: test, runDirectory: dir).0
    }

    @Test func badConfigsAreRefusedWithReasons() {
        var c = Autoencoder.Config(kind: .deep)
        c.layers = [700, 30]
        #expect(throws: ModelError.self) { try c.validate() }
        c.layers = [784, 1000]
        #expect(throws: ModelError.self) { try c.validate() }      // over-complete, no penalty
        c.allowOvercomplete = true
        #expect((try? c.validate()) != nil)
        var s = Autoencoder.Config(kind: .sparse)
        #expect((try? s.validate()) != nil)
        s.codeActivation = .linear
        #expect(throws: ModelError.self) { try s.validate() }     // KL needs a sigmoid code
        var d = Autoencoder.Config(kind: .denoising)
        d.corruption = .masking(probability: 1.5)
        #expect(throws: ModelError.self) { try d.validate() }
    }

    @Test func shapesAndNamesOfEveryKind() throws {
        for kind in Autoencoder.Config.Kind.allCases {
            var c = Autoencoder.Config(kind: kind)
            if kind != .conv && kind != .sparse { c.layers = [784, 64, 8] }
            if kind == .linear { c.layers = [784, 8] }
            let model = try Autoencoder(c)
            let x = Variable(Tensor(shape: [3, 784], repeating: 0.5))
            #expect(model.encode(x).shape == [3, c.codeWidth], "\(kind)")
            #expect(model.decode(model.encode(x)).shape == [3, 784], "\(kind)")
            #expect(model.namedParameters().first?.0 == "encoder.\(kind == .conv ? 1 : 0).weight")
        }
        var tied = Autoencoder.Config(kind: .deep)
        tied.layers = [784, 64, 8]
        tied.tiedWeights = true
        let model = try Autoencoder(tied)
        // Tied: the decoder owns only biases.
        #expect(model.namedParameters().filter { $0.0.hasPrefix("decoder") }.allSatisfy { $0.0.hasSuffix("bias") })
    }

    /// The linear autoencoder's optimum spans the principal subspace: the decoder's column space
    /// must match the top-k eigenvectors of the data covariance.
    @Test func linearAutoencoderFindsThePCASubspace() throws {
        var rng = RandomGenerator(seed: 5)
        let n = 400, d = 10, k = 3
        // Data with three strong directions (std 3, 2, 1.5) and weak isotropic noise (0.1).
        let basis = Tensor.normal([k, d], using: &rng)
        let scores = Tensor.normal([n, k], using: &rng) * Tensor([3, 2, 1.5])
        let x = scores.matmul(basis) + Tensor.normal([n, d], std: 0.1, using: &rng) + 0.5
        var config = Autoencoder.Config(kind: .linear)
        config.inputSize = d
        config.layers = [d, k]
        let data = Dataset(inputs: x)
        let model = try Self.train(config, data, test: data, epochs: 150, lr: 1e-2, batch: 50)
        let decoderWeight = try #require(model.decoder.layers.first as? Linear).weight.value    // [d, k]
        let learned = orthonormalColumns(decoderWeight)
        let principal = topEigenvectors(covariance(x), k)
        // ‖Q₁ᵀQ₂‖²_F = Σ cos² of the principal angles; k means identical subspaces.
        let overlap = learned.matmul(principal, transposeSelf: true)
        let cos2 = (overlap * overlap).sum()
        #expect(cos2 > Float(k) - 0.01, "Σ cos² of principal angles \(cos2) (of \(k))")
    }

    /// Masking noise: a denoising autoencoder restores corrupted test digits better than a plain
    /// autoencoder of the same shape fed the same corrupted digits.
    @Test func denoisingBeatsPlainOnCorruptedInputs() throws {
        let all = try #require(Self.mnist)
        let (train, rest) = all.split(first: 3000)
        let test = rest.split(first: 500).first
        var plain = Autoencoder.Config(kind: .deep)
        plain.layers = [784, 256, 64]
        var denoising = plain
        denoising.kind = .denoising
        denoising.corruption = .masking(probability: 0.5)
        let p = try Self.train(plain, train, test: test, epochs: 8, lr: 3e-3)
        let dn = try Self.train(denoising, train, test: test, epochs: 8, lr: 3e-3)
        var rng = RandomGenerator(seed: 9)
        let noisy = Corruption.masking(probability: 0.5).apply(test.inputs, using: &rng)
        let plainError = Autoencoder.squaredErrorPerImage(p.reconstruct(noisy), test.inputs)
        let denoisingError = Autoencoder.squaredErrorPerImage(dn.reconstruct(noisy), test.inputs)
        #expect(denoisingError < plainError * 0.9, "denoising \(denoisingError) vs plain \(plainError)")
        // And it learned: far below the error of predicting the mean image.
        let mean = train.inputs.mean(axis: 0, keepDims: true)
        let baseline = Autoencoder.squaredErrorPerImage(Tensor.zipMap(test.inputs, mean) { _, m in m }, test.inputs)
        #expect(denoisingError < baseline * 0.7, "denoising \(denoisingError) vs mean image \(baseline)")
    }

    @Test func sparsePenaltyMakesCodesSparse() throws {
        let all = try #require(Self.mnist)
        let (train, rest) = all.split(first: 2000)
        let test = rest.split(first: 300).first
        var config = Autoencoder.Config(kind: .sparse)
        config.layers = [784, 200]
        config.sparsity = .kl(target: 0.05, weight: 3)
        let sparse = try Self.train(config, train, test: test, epochs: 6, lr: 3e-3)
        config.sparsity = .none
        config.allowOvercomplete = true
        let dense = try Self.train(config, train, test: test, epochs: 6, lr: 3e-3)
        let s = Autoencoder.sparsity(of: sparse.encode(test.inputs)), d = Autoencoder.sparsity(of: dense.encode(test.inputs))
        #expect(s.meanActivation < 0.15, "mean code activation \(s.meanActivation) with target 0.05")
        #expect(s.meanActivation < d.meanActivation / 2, "sparse \(s.meanActivation) vs unpenalised \(d.meanActivation)")
    }

    /// With 100 labels, a linear head on a pretrained (frozen) encoder beats the same head on a
    /// randomly initialised (frozen) encoder: the codes carry what the labels alone cannot teach.
    @Test func pretrainingHelpsWhenLabelsAreScarce() throws {
        let all = try #require(Self.mnist)
        let (train, rest) = all.split(first: 6000)
        let test = rest.split(first: 1000).first
        var config = Autoencoder.Config(kind: .deep)
        config.layers = [784, 256, 32]
        let autoencoder = try Self.train(config, train, test: test, epochs: 10, lr: 3e-3)
        var rng = RandomGenerator(seed: 3)
        let labelled = train.subset(Array(rng.permutation(train.count).prefix(100)))
        var training = TrainingConfig()
        training.epochs = 100
        training.batchSize = 20
        training.learningRate = 1e-2
        func accuracy(_ model: EncoderClassifier) throws -> Double {
            let dir = try Self.temporary()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = try ClassifierTraining.fit(model, training: training,
                                           train: labelled, test: test, runDirectory: dir)
            return model.accuracy(test.inputs, labels: test.labels!)
        }
        let pretrained = try accuracy(EncoderClassifier(pretrained: autoencoder, freezeEncoder: true))
        let random = try accuracy(EncoderClassifier(EncoderClassifier.Config(autoencoder: config, freezeEncoder: true)))
        #expect(pretrained > random + 0.08, "pretrained \(pretrained) vs random init \(random)")
        #expect(pretrained > 0.6, "100 labels on pretrained codes: \(pretrained)")
    }
}

/// Sample covariance of the rows of `x` (centred).
func covariance(_ x: Tensor) -> Tensor {
    let centred = x - x.mean(axis: 0, keepDims: true)
    return centred.matmul(centred, transposeSelf: true) / Float(x.shape[0] - 1)
}

/// The `k` leading eigenvectors of a symmetric matrix, as columns (power iteration with deflation).
func topEigenvectors(_ a: Tensor, _ k: Int) -> Tensor {
    var m = a
    let d = a.shape[0]
    var columns: [Tensor] = []
    var rng = RandomGenerator(seed: 1)
    for _ in 0..<k {
        var v = Tensor.normal([d, 1], using: &rng)
        for _ in 0..<500 {
            v = m.matmul(v)
            v = v / (v * v).sum().squareRoot()
        }
        let lambda = v.matmul(m.matmul(v), transposeSelf: true).scalar
        m = m - v.matmul(v, transposeOther: true) * lambda
        columns.append(v)
    }
    return Tensor.concat(columns, axis: 1)
}

/// An orthonormal basis (Gram–Schmidt) of the column space of `a`.
func orthonormalColumns(_ a: Tensor) -> Tensor {
    var columns: [Tensor] = []
    for j in 0..<a.shape[1] {
        var v = a.slice(axis: 1, j..<(j + 1))
        for q in columns { v = v - q * q.matmul(v, transposeSelf: true).scalar }
        columns.append(v / (v * v).sum().squareRoot())
    }
    return Tensor.concat(columns, axis: 1)
}
