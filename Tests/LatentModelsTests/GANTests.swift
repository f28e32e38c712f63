import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite struct GANTests {
    /// Eight Gaussians of standard deviation `std` on a circle of radius 2: the classic test of
    /// whether a GAN covers every mode or collapses onto a few.
    static let modes: [(Float, Float)] = (0..<8).map { k in
        let a = Float(k) * Float.pi / 4
        return (2 * cosf(a), 2 * sinf(a))
    }
    static let std: Float = 0.1

    static func ring(_ n: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        var x = Tensor(shape: [n, 2])
        x.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let (cx, cy) = modes[rng.nextInt(below: 8)]
                p[2 * i] = cx + std * rng.nextNormal()
                p[2 * i + 1] = cy + std * rng.nextNormal()
            }
        }
        return x
    }

    /// For each sample: the index of the nearest mode and the distance to it.
    static func nearestModes(_ samples: Tensor) -> [(Int, Float)] {
        let s = samples.scalars
        return (0..<samples.shape[0]).map { i in
            let d = modes.map { m in ((s[2 * i] - m.0) * (s[2 * i] - m.0) + (s[2 * i + 1] - m.1) * (s[2 * i + 1] - m.1)).squareRoot() }
            let k = d.indices.min { d[$0] < d[$1] }!
            return (k, d[k])
        }
    }

    /// Median distance from each row of `a` to its nearest row of `b`.
    static func medianNearestDistance(_ a: Tensor, _ b: Tensor) -> Float {
        let pa = a.scalars, pb = b.scalars
        var ds: [Float] = []
        for i in 0..<a.shape[0] {
            var best = Float.infinity
            for j in 0..<b.shape[0] {
                let dx = pa[2 * i] - pb[2 * j], dy = pa[2 * i + 1] - pb[2 * j + 1]
                best = Swift.min(best, dx * dx + dy * dy)
            }
            ds.append(best.squareRoot())
        }
        return ds.sorted()[ds.count / 2]
    }

    @Test func generatorLearnsAMixtureOfGaussiansAndCoversItsModes() throws {
        var config = GAN.Config(kind: .mlp, latentSize: 8)
        config.dataSize = 2
        config.generatorHidden = [64, 64]
        config.discriminatorHidden = config.generatorHidden
        config.outputActivation = .identity
        let gan = try GAN(config)
        var training = GANTrainingConfig()
        training.epochs = 20
        training.batchSize = 64
        training.learningRate = 2e-3
        let train = Dataset(inputs: Self.ring(4096, seed: 1))
        let heldOut = Self.ring(500, seed: 2)
        var noise = RandomGenerator(seed: 3)
        let codes = gan.generator.samplePrior(count: 1000, using: &noise)
        let before = try gan.generator.generate(codes)
        let step = try GANStep(gan: gan, config: training)
        let trainer = try TrainingLoop(epochs: training.epochs, batchSize: training.batchSize, seed: training.seed,
                                       runDirectory: nil, settings: training, dropLast: true)
        step.register(in: trainer)
        try trainer.run(train, step: step.callAsFunction)
        let after = try gan.generator.generate(codes)

        let nearest = Self.nearestModes(after)
        let near = nearest.filter { $0.1 < 5 * Self.std }
        var perMode = [Int](repeating: 0, count: 8)
        for (k, _) in near { perMode[k] += 1 }
        let covered = perMode.filter { $0 >= after.shape[0] * 3 / 100 }.count
        let dBefore = Self.medianNearestDistance(before, heldOut), dAfter = Self.medianNearestDistance(after, heldOut)
        let realToReal = Self.medianNearestDistance(Self.ring(1000, seed: 4), heldOut)
        print("mixture: covered \(covered)/8 \(perMode), near \(near.count)/1000, median NN distance to held-out data \(dBefore) → \(dAfter) (real: \(realToReal))")
        // The discriminator learned to tell the two apart early on (chance is 50 %).
        let firstEpoch = try #require(trainer.history.first { $0["epoch"] == 1 })
        #expect(firstEpoch["d_accuracy"]! > 0.6, "discriminator accuracy in epoch 1: \(firstEpoch["d_accuracy"]!)")
        #expect(covered >= 7, "modes covered: \(perMode)")
        #expect(near.count >= 700, "samples within 5σ of a mode: \(near.count) of 1000")
        #expect(dAfter < dBefore / 5 && dAfter < 4 * realToReal, "median distance to held-out data \(dBefore) → \(dAfter)")
    }

    @Test func lossesMatchTheirFormulas() throws {
        let zero = Variable(Tensor(shape: [4, 1]), requiresGrad: true)
        let log2 = Float(M_LN2)
        #expect(abs(GANLoss.discriminatorLoss(real: zero, fake: zero).value.scalar - 2 * log2) < 1e-6)
        #expect(abs(GANLoss.minimax.generatorLoss(fake: zero).value.scalar + log2) < 1e-6)
        #expect(abs(GANLoss.nonSaturating.generatorLoss(fake: zero).value.scalar - log2) < 1e-6)
        // One-sided smoothing: the real target 0.9 makes a confident real logit cost more than 0.
        let confident = Variable(Tensor(shape: [4, 1], repeating: 10))
        let smoothed = GANLoss.discriminatorLoss(real: confident, fake: Variable(Tensor(shape: [4, 1], repeating: -10)), realTarget: 0.9)
        #expect(smoothed.value.scalar > 0.9)
        // The point of the non-saturating loss: when D confidently rejects a fake (logit −8), the
        // minimax generator gradient nearly vanishes while the non-saturating one does not.
        for (loss, expectLarge) in [(GANLoss.minimax, false), (.nonSaturating, true)] {
            let fake = Variable(Tensor(shape: [1, 1], repeating: -8), requiresGrad: true)
            loss.generatorLoss(fake: fake).backward()
            let g = abs(fake.grad!.scalar)
            #expect(expectLarge ? g > 0.9 : g < 1e-3, "\(loss): |gradient| \(g)")
        }
    }

    @Test func dcganHasTheBenchmarkShapes() throws {
        let gan = try GAN(GAN.Config(kind: .dcgan))
        var rng = RandomGenerator(seed: 1)
        let x = gan.generator(Variable(gan.generator.samplePrior(count: 3, using: &rng)))
        #expect(x.shape == [3, 784])
        #expect(x.value.max() <= 1 && x.value.min() >= -1)
        #expect(gan.discriminator(x).shape == [3, 1])
        #expect(gan.discriminator.features(x).shape == [3, 6272])
        let shapes = Dictionary(uniqueKeysWithValues: gan.stateDict().map { ($0.0, $0.1.shape) })
        // PyTorch layouts and Sequential names: Linear [out, in], ConvTranspose2d [in, out, k, k], Conv2d [out, in, k, k].
        #expect(shapes["generator.0.weight"] == [6272, 64])
        #expect(shapes["generator.2.running_mean"] == [128])
        #expect(shapes["generator.4.weight"] == [128, 64, 4, 4])
        #expect(shapes["generator.5.running_mean"] == [64])
        #expect(shapes["generator.7.weight"] == [64, 1, 4, 4])
        #expect(shapes["discriminator.1.weight"] == [64, 1, 4, 4])
        #expect(shapes["discriminator.3.weight"] == [128, 64, 4, 4])
        #expect(shapes["discriminator.7.weight"] == [1, 6272])

        // Packing 2: the critic reads two images as two channels and gives one logit per pair
        // (MLP: one input of 2 × 784).
        var packed = GAN.Config(kind: .dcgan)
        packed.pack = 2
        let pair = try GAN(packed)
        let four = pair.generator(Variable(pair.generator.samplePrior(count: 4, using: &rng)))
        #expect(pair.discriminator(four).shape == [2, 1])
        #expect(pair.stateDict().first { $0.0 == "discriminator.1.weight" }?.1.shape == [64, 2, 4, 4])
        packed.kind = .mlp
        #expect(try GAN(packed).stateDict().first { $0.0 == "discriminator.1.weight" }?.1.shape == [512, 1568])
    }

    static func tinyRun(epochs: Int, dir: String?, resume: Bool = false) throws -> GANTraining.Run {
        var config = GAN.Config(kind: .mlp, latentSize: 4)
        config.dataSize = 2
        config.generatorHidden = [8]
        config.discriminatorHidden = [8]
        config.outputActivation = .identity
        var training = GANTrainingConfig()
        training.epochs = epochs
        training.batchSize = 16
        training.discriminatorSteps = 2
        training.generatorSteps = 2
        training.labelSmoothing = 0.1
        training.averageDecay = 0.999
        return try GANTraining.Run(model: config, training: training, runDirectory: dir, resume: resume)
    }

    @Test func resumedRunEndsBitIdenticalAndBadFilesAreClearErrors() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("latent-gan-\(UUID())").path
        for sub in ["a", "b"] { try FileManager.default.createDirectory(atPath: base + "/" + sub, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: base) }
        let data = Dataset(inputs: Self.ring(100, seed: 5))
        let full = try Self.tinyRun(epochs: 3, dir: base + "/a")
        try full.fit(data)
        // Interrupt after the first epoch's checkpoint, then resume in a fresh trainer.
        struct Stop: Error {}
        let first = try Self.tinyRun(epochs: 3, dir: base + "/b")
        #expect(throws: Stop.self) { try first.fit(data, afterEpoch: { if $0 == 1 { throw Stop() } }) }
        let resumed = try Self.tinyRun(epochs: 3, dir: base + "/b", resume: true)
        try resumed.fit(data)
        for ((name, a), (_, b)) in zip(full.gan.stateDict(), resumed.gan.stateDict()) {
            #expect(a == b, "\(name) differs after resume")
        }
        #expect(full.history.count == 4 && resumed.history.count == 4)
        // The generator's running average resumes too: both model files (which hold it) agree,
        // and it differs from the live weights it averages.
        let savedA = try SafeTensors.read(path: base + "/a/model.safetensors").tensors
        let savedB = try SafeTensors.read(path: base + "/b/model.safetensors").tensors
        #expect(savedA.count == savedB.count)
        for (x, y) in zip(savedA, savedB) { #expect(x.name == y.name && x.tensor == y.tensor, "\(x.name) differs in model.safetensors") }
        let live = Dictionary(uniqueKeysWithValues: full.gan.generator.namedParameters(prefix: "generator.").map { ($0.0, $0.1.value) })
        let averaged = Dictionary(uniqueKeysWithValues: savedA.map { ($0.name, $0.tensor) })
        #expect(!live.isEmpty && live.allSatisfy { averaged[$0.key] != nil && averaged[$0.key]!.shape == $0.value.shape })
        #expect(live.contains { averaged[$0.key] != $0.value }, "the model file holds the live generator, not its average")
        full.step.withAveragedGenerator {
            for (name, p) in full.gan.generator.namedParameters(prefix: "generator.") { #expect(p.value == averaged[name]) }
        }
        for (name, p) in full.gan.generator.namedParameters(prefix: "generator.") { #expect(p.value == live[name], "\(name) not restored") }

        // A latent size other than the checkpoint's.
        var other = GAN.Config(kind: .mlp, latentSize: 5)
        other.dataSize = 2
        other.generatorHidden = [8]
        other.discriminatorHidden = [8]
        other.outputActivation = .identity
        var training = GANTrainingConfig()
        training.epochs = 3
        #expect { try GANTraining.Run(model: other, training: training, runDirectory: base + "/b", resume: true) } throws: {
            "\($0)".contains("holds a different model") && "\($0)".contains("\"latentSize\":4") && "\($0)".contains("\"latentSize\":5")
        }
        let model = try GAN.load(path: base + "/b/model.safetensors")
        #expect(throws: GANError.latentSize(expected: 4, got: 5)) { try model.generator.generate(Tensor(shape: [3, 5])) }

        // A generator and a discriminator that do not belong together: the tensors of a 2-d MLP
        // GAN's generator next to an MNIST dcgan's discriminator, under the MLP config.
        let dcgan = try GAN(GAN.Config(kind: .dcgan))
        let state = try SafeTensors.read(path: base + "/b/model.safetensors")
        let mixed = state.tensors.filter { $0.name.hasPrefix("generator.") }.map { ($0.name, $0.tensor) }
            + dcgan.stateDict().filter { $0.0.hasPrefix("discriminator.") }
        try SafeTensors.write(tensors: mixed, metadata: state.metadata, to: base + "/mixed.safetensors")
        #expect { try GAN.load(path: base + "/mixed.safetensors") } throws: { error in
            let m = "\(error)"
            return m.contains("mixed.safetensors") && m.contains("the discriminator does not match the mlp GAN")
        }
    }
}
