import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite struct TrainingLoopTests {
    struct Stop: Error {}

    /// Two separable blobs: enough for a classifier to learn something in a few steps.
    static func blobs(_ n: Int, seed: UInt64, shift: Float = 0) -> Dataset {
        var rng = RandomGenerator(seed: seed)
        let labels = (0..<n).map { _ in rng.nextInt(below: 3) }
        var x = Tensor.normal([n, 6], using: &rng)
        x.withUnsafeMutableBufferPointer { p in
            for (i, l) in labels.enumerated() {
                p[i * 6 + l] += 3
                for j in 0..<6 { p[i * 6 + j] += shift }
            }
        }
        return Dataset(inputs: x, labels: labels)
    }

    static func temporary(_ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-\(name)-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A classifier run with dropout (module random streams must be restored) and a cosine schedule.
    static func makeRun(_ dir: String) throws -> (Classifier, TrainingLoop, Optimizer) {
        var config = Classifier.Config(inputSize: 6, hidden: [16], classes: 3)
        config.dropout = 0.2
        let model = try Classifier(config)
        var training = TrainingConfig()
        training.epochs = 3
        training.batchSize = 16
        training.schedule = .cosine
        let loop = try TrainingLoop(epochs: 3, batchSize: 16, seed: 1, runDirectory: dir, settings: training)
        let optimizer = try training.makeOptimizer()
        loop.register(model)
        loop.register(optimizer, schedule: .cosine)
        return (model, loop, optimizer)
    }

    static func classifierStep(_ model: Classifier, _ optimizer: Optimizer) -> (TrainingStep) -> StepReport {
        { step in
            ["train_loss": Double(optimizer.minimize(model) {
                model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
            })]
        }
    }

    @Test func resumedRunEndsBitIdenticalToUninterruptedRun() throws {
        let data = Self.blobs(200, seed: 1)
        let base = try Self.temporary("resume")
        defer { try? FileManager.default.removeItem(atPath: base) }
        for sub in ["a", "b"] { try FileManager.default.createDirectory(atPath: base + "/" + sub, withIntermediateDirectories: true) }

        let (full, fullLoop, fullOptimizer) = try Self.makeRun(base + "/a")
        try fullLoop.run(data, step: Self.classifierStep(full, fullOptimizer))

        // Interrupted after epoch 1 (the failure comes after that epoch's checkpoint).
        let (first, firstLoop, firstOptimizer) = try Self.makeRun(base + "/b")
        #expect(throws: Stop.self) {
            try firstLoop.run(data, step: Self.classifierStep(first, firstOptimizer),
                              evaluate: { epoch in if epoch == 2 { throw Stop() }; return [:] })
        }
        // A fresh process would rebuild the model from scratch and resume from the folder.
        let (resumed, resumedLoop, resumedOptimizer) = try Self.makeRun(base + "/b")
        try resumedLoop.resume()
        #expect(resumedLoop.history.count == 1)
        try resumedLoop.run(data, step: Self.classifierStep(resumed, resumedOptimizer))
        for ((name, a), (_, b)) in zip(full.stateDict(), resumed.stateDict()) {
            #expect(a == b, "\(name) differs after resume")
        }
        #expect(fullLoop.history.map { $0["train_loss"] } == resumedLoop.history.map { $0["train_loss"] })
        #expect(fullOptimizer.slots == resumedOptimizer.slots && fullOptimizer.stepCount == resumedOptimizer.stepCount)
    }

    @Test func nonFiniteLossStopsWithEpochAndBatch() throws {
        let data = Self.blobs(64, seed: 2)
        let dir = try Self.temporary("nan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (model, loop, optimizer) = try Self.makeRun(dir)
        var calls = 0
        do {
            try loop.run(data) { step in
                calls += 1
                let loss = optimizer.minimize(model) {
                    let l = model(Variable(step.batch.inputs)).softmaxCrossEntropy(labels: step.batch.labels)
                    return calls == 6 ? l * Float.nan : l
                }
                return ["train_loss": Double(loss)]
            }
            Issue.record("training should have stopped")
        } catch let TrainingError.nonFinite(epoch, batch, _) {
            #expect(epoch == 2 && batch == 2)   // 4 batches per epoch: the 6th call is epoch 2, batch 2
        }
        // The checkpoint of epoch 1 is still there and loads.
        let (_, again, _) = try Self.makeRun(dir)
        try again.resume()
        #expect(again.history.count == 1)
    }

    @Test func corruptCheckpointsAreRefusedBeforeTheyAreUsed() throws {
        let data = Self.blobs(64, seed: 7)
        let dir = try Self.temporary("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (model, loop, optimizer) = try Self.makeRun(dir)
        #expect(throws: Stop.self) {
            try loop.run(data, step: Self.classifierStep(model, optimizer), afterEpoch: { _ in throw Stop() })
        }
        let path = dir + "/checkpoint.safetensors"
        let good = try SafeTensors.read(path: path)
        // An optimiser moment of the wrong shape: Adam would index it by the weight's size.
        let shrunk = good.tensors.map { ($0.name, $0.name == "optimizer/0.weight/m" ? Tensor(shape: [1]) : $0.tensor) }
        try SafeTensors.write(tensors: shrunk, metadata: good.metadata, to: path)
        #expect { try Self.makeRun(dir).1.resume() } throws: { error in
            let m = "\(error)"
            return m.contains("checkpoint.safetensors") && m.contains("0.weight/m") && m.contains("[1]")
        }
        // A loop state that claims an impossible number of finished epochs.
        var metadata = good.metadata
        metadata["latent.loop"] = metadata["latent.loop"]?.replacingOccurrences(of: "\"completedEpochs\":1", with: "\"completedEpochs\":-5")
        #expect(metadata["latent.loop"]?.contains("-5") == true)
        try SafeTensors.write(tensors: good.tensors.map { ($0.name, $0.tensor) }, metadata: metadata, to: path)
        #expect { try Self.makeRun(dir).1.resume() } throws: { "\($0)".contains("-5 epochs of 3") }
    }

    @Test func classifierLearnsHeldOutBlobs() throws {
        let train = Self.blobs(600, seed: 3), test = Self.blobs(300, seed: 4)
        let dir = try Self.temporary("cls")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var training = TrainingConfig()
        training.epochs = 5
        training.batchSize = 32
        training.learningRate = 1e-2
        let (model, loop) = try ClassifierTraining.run(model: Classifier.Config(inputSize: 6, hidden: [16], classes: 3),
                                                       training: training, train: train, test: test, runDirectory: dir)
        // Means 3 apart on separate axes: the Bayes rule is right about 97 % of the time
        // (each wrong class wins with probability Φ(−3/√2) ≈ 1.7 %); chance is 33 %.
        #expect(model.accuracy(test.inputs, labels: test.labels!) > 0.92)
        #expect(loop.history.count == 5)
        let loaded = try Classifier.load(path: dir + "/model.safetensors")
        #expect(loaded.predict(test.inputs) == model.predict(test.inputs))
    }

    /// A trunk and a head with an optimiser each, fed from two datasets per step: labelled
    /// source blobs for the classification loss, and a smaller unlabelled set (shifted blobs)
    /// whose features are pulled toward the source's mean feature (a crude domain alignment).
    /// The second dataset is shorter than the first, so it must cycle within an epoch.
    final class TwoPartModel: Module {
        let trunk: Linear, head: Linear
        init(seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            trunk = Linear(6, 16, rng: &rng)
            head = Linear(16, 3, rng: &rng)
        }
    }

    static func twoOptimizerRun(_ dir: String, resume: Bool = false) throws -> (TwoPartModel, TrainingLoop, Adam, SGD) {
        let model = TwoPartModel(seed: 5)
        let loop = try TrainingLoop(epochs: 3, batchSize: 32, seed: 9, runDirectory: dir, settings: "two-optimisers")
        let trunkOptimizer = try Adam(learningRate: 3e-3)
        let headOptimizer = try SGD(learningRate: 0.05, momentum: 0.9)
        loop.register(model)
        loop.register(trunkOptimizer, as: "optimizer.trunk")
        loop.register(headOptimizer, as: "optimizer.head", schedule: .cosine)
        if resume { try loop.resume() }
        return (model, loop, trunkOptimizer, headOptimizer)
    }

    static func twoDatasetStep(_ model: TwoPartModel, _ trunkOptimizer: Adam, _ headOptimizer: SGD,
                               seen: @escaping (Int) -> Void = { _ in }) -> (TrainingStep) -> StepReport {
        { step in
            let source = step.batches[0], target = step.batches[1]
            seen(target.indices.count)
            let (loss, gradients) = valueAndGrad(model) {
                let features = model.trunk(Variable(source.inputs)).relu()
                let targetFeatures = model.trunk(Variable(target.inputs)).relu()
                let classification = model.head(features).softmaxCrossEntropy(labels: source.labels)
                let gap = features.mean(axis: 0) - targetFeatures.mean(axis: 0)
                return classification + (gap * gap).sum() * 0.1
            }
            trunkOptimizer.update(Gradients(parameters: gradients.parameters.filter { $0.name.hasPrefix("trunk.") }))
            headOptimizer.update(Gradients(parameters: gradients.parameters.filter { $0.name.hasPrefix("head.") }))
            return ["train_loss": Double(loss)]
        }
    }

    @Test func twoOptimizersAndTwoDatasetsThroughTheDriverResumeExactly() throws {
        let source = Self.blobs(320, seed: 11), target = Self.blobs(96, seed: 12, shift: 0.5)
        let heldOut = Self.blobs(300, seed: 13, shift: 0.5)
        let base = try Self.temporary("two")
        defer { try? FileManager.default.removeItem(atPath: base) }
        for sub in ["a", "b"] { try FileManager.default.createDirectory(atPath: base + "/" + sub, withIntermediateDirectories: true) }

        let (full, fullLoop, fullTrunk, fullHead) = try Self.twoOptimizerRun(base + "/a")
        var targetRows = 0
        try fullLoop.run([source, target], step: Self.twoDatasetStep(full, fullTrunk, fullHead, seen: { targetRows += $0 }))
        // 10 steps per epoch of 32 target rows each from a set of 96: the target set cycled.
        #expect(targetRows == 3 * 10 * 32)
        #expect(fullTrunk.stepCount == 30 && fullHead.stepCount == 30)
        #expect(fullTrunk.slots.keys.allSatisfy { $0.hasPrefix("trunk.") } && fullHead.slots.keys.allSatisfy { $0.hasPrefix("head.") })
        let predictions = full.withEvaluation { full.head(full.trunk(Variable(heldOut.inputs)).relu()).value.argmax(axis: 1) }
        let accuracy = Double(zip(predictions, heldOut.labels!).filter { $0 == $1 }.count) / Double(heldOut.count)
        #expect(accuracy > 0.85, "held-out accuracy on the shifted blobs: \(accuracy)")

        let (first, firstLoop, firstTrunk, firstHead) = try Self.twoOptimizerRun(base + "/b")
        #expect(throws: Stop.self) {
            try firstLoop.run([source, target], step: Self.twoDatasetStep(first, firstTrunk, firstHead),
                              afterEpoch: { if $0 == 2 { throw Stop() } })
        }
        let (resumed, resumedLoop, resumedTrunk, resumedHead) = try Self.twoOptimizerRun(base + "/b", resume: true)
        #expect(resumedLoop.completedEpochs == 2)
        try resumedLoop.run([source, target], step: Self.twoDatasetStep(resumed, resumedTrunk, resumedHead))
        for ((name, a), (_, b)) in zip(full.stateDict(), resumed.stateDict()) { #expect(a == b, "\(name) differs after resume") }
        #expect(fullHead.slots == resumedHead.slots && fullTrunk.slots == resumedTrunk.slots)
    }

    @Test func freezingKeepsAdamMomentsAndUnfreezingTrainsAgain() throws {
        let model = TwoPartModel(seed: 21)
        let data = Self.blobs(64, seed: 22)
        let optimizer = try Adam(learningRate: 1e-2)
        func step() {
            _ = optimizer.minimize(model) { model.head(model.trunk(Variable(data.inputs)).relu()).softmaxCrossEntropy(labels: data.labels!) }
        }
        step()
        let trunkMoments = optimizer.slots.filter { $0.key.hasPrefix("trunk.") }
        #expect(trunkMoments.count == 4)     // m and v of weight and bias
        // Frozen: the trunk gets no gradient and does not move; its moments stay as they were.
        model.trunk.freeze()
        #expect(model.trainableParameters().map(\.0) == ["head.weight", "head.bias"])
        let trunkBefore = model.trunk.stateDict(), headBefore = model.head.stateDict()
        for _ in 0..<3 { step() }
        #expect(model.trunk.stateDict().map(\.1) == trunkBefore.map(\.1))
        #expect(model.head.stateDict().map(\.1) != headBefore.map(\.1))
        #expect(optimizer.slots.filter { $0.key.hasPrefix("trunk.") } == trunkMoments)
        // The parameter itself still takes gradients in passes that ask for them.
        #expect(model.trunk.weight.requiresGrad)
        // Unfrozen: the same optimiser trains the trunk again, continuing from its moments.
        model.trunk.unfreeze()
        let (_, gradients) = valueAndGrad(model) { model.head(model.trunk(Variable(data.inputs)).relu()).softmaxCrossEntropy(labels: data.labels!) }
        #expect(gradients["trunk.weight"] != nil)
        var expected = trunkMoments["trunk.weight/m"]!
        expected.update(with: gradients["trunk.weight"]!) { m, g in 0.9 * m + 0.1 * g }
        optimizer.update(gradients)
        let moment = optimizer.slots["trunk.weight/m"]!
        #expect(zip(moment.scalars, expected.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        #expect(model.trunk.stateDict().map(\.1) != trunkBefore.map(\.1))
    }

    @Test func inputGradientsLeaveParametersAlone() throws {
        let model = TwoPartModel(seed: 31)
        var rng = RandomGenerator(seed: 32)
        let x = Tensor.normal([4, 6], using: &rng)
        let labels = [0, 1, 2, 1]
        func loss(_ input: Variable) -> Variable { model.head(model.trunk(input).tanh()).softmaxCrossEntropy(labels: labels) }
        let input = Variable(x)
        let (value, gradients) = valueAndGrad(model, parameters: [], inputs: [input]) { loss(input) }
        #expect(gradients.parameters.isEmpty)
        #expect(model.namedParameters().allSatisfy { $0.1.grad == nil })
        let g = try #require(gradients.inputs[0])
        #expect(g.shape == [4, 6])
        // Central differences on a few coordinates.
        for i in [0, 7, 13, 23] {
            var plus = x, minus = x
            plus.withUnsafeMutableBufferPointer { $0[i] += 1e-2 }
            minus.withUnsafeMutableBufferPointer { $0[i] -= 1e-2 }
            let numeric = withoutGradients { (loss(Variable(plus)).value.scalar - loss(Variable(minus)).value.scalar) / 2e-2 }
            #expect(Swift.abs(numeric - g.scalars[i]) < 2e-3, "coordinate \(i): \(numeric) vs \(g.scalars[i])")
        }
        #expect(Swift.abs(value - withoutGradients { loss(Variable(x)).value.scalar }) < 1e-6)
    }
}

/// The learning-rate schedules' shapes, at their defining points.
struct LearningRateScheduleTests {
    @Test func oneCycleRisesToThePeakThenFallsToZero() {
        let schedule = LearningRateSchedule.oneCycle
        let total = 100
        let rates = (0..<total).map { schedule.rate(base: 0.01, step: $0, totalSteps: total) }
        #expect(abs(rates[0] - 0.01 / 40) < 1e-7)               // first step: 1/40 of the way up
        #expect(abs(rates[39] - 0.01) < 1e-7)                   // the peak at 40 % of the steps
        #expect(abs(rates[total - 1]) < 1e-7)                   // back at zero on the last step
        #expect(zip(rates[..<39], rates[1...39]).allSatisfy { $0 < $1 })
        #expect(zip(rates[39..<(total - 1)], rates[40...]).allSatisfy { $0 > $1 })
    }

    @Test func cosineAndAnnealedStartAtTheBaseRate() {
        #expect(LearningRateSchedule.cosine.rate(base: 0.1, step: 0, totalSteps: 10) == 0.1)
        #expect(abs(LearningRateSchedule.cosine.rate(base: 0.1, step: 5, totalSteps: 10) - 0.05) < 1e-7)
        #expect(abs(LearningRateSchedule.annealed.rate(base: 1, step: 10, totalSteps: 10) - 1 / powf(11, 0.75)) < 1e-6)
    }
}
