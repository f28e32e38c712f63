import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// MultiMNIST and `MultiTaskNetwork` with hard, soft and no sharing.
@Suite struct MultiTaskTests {
    static func shippedDigits() throws -> Dataset {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try MNIST.dataset(directory: root.appendingPathComponent("Data/mnist").path, split: .test)
    }

    @Test func multiMNISTPairsDigitsOfDifferentClassesReproducibly() throws {
        let digits = try Self.shippedDigits().split(first: 300).first
        let a = try MultiMNIST.make(from: digits, canvas: 36, seed: 7)
        let b = try MultiMNIST.make(from: digits, canvas: 36, seed: 7)
        let c = try MultiMNIST.make(from: digits, canvas: 36, seed: 8)
        #expect(a.images.shape == [300, 1296])
        #expect(a.images.scalars == b.images.scalars && a.right == b.right)
        #expect(a.right != c.right)
        #expect(a.left == digits.labels)
        #expect(zip(a.left, a.right).allSatisfy { $0 != $1 })
        // The left digit sits in the top-left corner unchanged wherever it is brighter than the
        // right one; the bottom-right 8×8 corner holds only the right digit.
        let image = a.images.rows(0..<1).scalars, digit = digits.inputs.rows(0..<1).scalars
        for r in 0..<8 { for col in 0..<8 { #expect(image[r * 36 + col] == digit[r * 28 + col]) } }
        #expect(image[35 * 36 + 35] == 0 || image.max()! > 0)
        #expect(throws: LatentIOError.self) { try MultiMNIST.make(from: digits, canvas: 20, seed: 1) }
    }

    @Test func configsAreValidatedAndCounted() throws {
        for sharing in MultiTaskSharing.allCases {
            let config = MultiTaskNetwork.Config(inputSize: 1296, tasks: [.left, .right], sharing: sharing, hidden: [64, 32])
            let model = try MultiTaskNetwork(config)
            // Weights without biases: a lower bound, within the biases of the real count.
            let minimum = try MultiTaskNetwork.minimumWeightCount(config)
            #expect(minimum <= model.parameterCount && minimum * 100 > model.parameterCount * 95, "\(sharing)")
        }
        let hard = try MultiTaskNetwork(.init(inputSize: 1296, tasks: [.left, .right], sharing: .hard, hidden: [64, 32]))
        let single = try MultiTaskNetwork(.init(inputSize: 1296, tasks: [.left, .right], sharing: .single, hidden: [64, 32]))
        #expect(hard.parameters(forTask: 0) == single.parameters(forTask: 0))
        #expect(Double(hard.parameterCount) < 0.55 * Double(single.parameterCount))
        let bad: [MultiTaskNetwork.Config] = [
            .init(inputSize: 784, tasks: [], sharing: .hard),
            .init(inputSize: 784, tasks: [.left, .digit], sharing: .hard),
            .init(inputSize: 784, tasks: [.digit, .digit], sharing: .hard),
            .init(inputSize: 784, tasks: [.digit], sharing: .hard, hidden: []),
            .init(inputSize: 0, tasks: [.digit], sharing: .hard),
            .init(inputSize: 784, tasks: [.digit], sharing: .hard, hidden: [65_536, 65_536, 65_536]),
        ]
        for config in bad { #expect(throws: ModelError.self, "\(config)") { try MultiTaskNetwork.minimumWeightCount(config) } }
    }

    @Test func modelFilesRoundTripThroughTheRegistry() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("multitask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try MultiTaskNetwork(.init(inputSize: 784, tasks: [.digit, .parity, .reconstruction], sharing: .soft, hidden: [16]))
        let path = dir.path + "/model.safetensors"
        try model.save(to: path)
        let loaded = try #require(try ModelRegistry.load(path) as? MultiTaskNetwork)
        #expect(loaded.config == model.config)
        #expect(loaded.stateDict().map(\.1.scalars) == model.stateDict().map(\.1.scalars))
        // A config far larger than the file's tensors is refused before the network is built.
        var hostile = model.config
        hostile.hidden = [60_000, 60_000]
        try SafeTensors.write(tensors: model.stateDict(), metadata: [Checkpoint.kindKey: MultiTaskNetwork.kind,
                                                                     Checkpoint.configKey: try Checkpoint.encodeJSON(hostile)],
                              to: dir.path + "/hostile.safetensors")
        #expect { try ModelRegistry.load(dir.path + "/hostile.safetensors") } throws: { "\($0)".contains("hostile.safetensors") }
    }

    @Test func softPenaltyIsTheSquaredDistanceBetweenTowers() throws {
        let model = try MultiTaskNetwork(.init(inputSize: 6, tasks: [.left, .right], sharing: .soft, hidden: [4, 3]))
        var expected: Float = 0
        for (a, b) in zip(model.towers[0].namedParameters(), model.towers[1].namedParameters()) {
            for (x, y) in zip(a.1.value.scalars, b.1.value.scalars) { expected += (x - y) * (x - y) }
        }
        let penalty = try #require(model.sharingPenalty()).value.scalar
        #expect(abs(penalty - expected) <= 1e-4 * expected)
        #expect(try MultiTaskNetwork(.init(inputSize: 6, tasks: [.left, .right], sharing: .hard, hidden: [4])).sharingPenalty() == nil)
    }

    /// Hard sharing learns both digits of held-out MultiMNIST pairs from 3,000 training pairs.
    @Test func hardSharingReadsBothDigitsOfHeldOutPairs() throws {
        let digits = try Self.shippedDigits()
        let (trainDigits, rest) = digits.split(first: 3000)
        let testDigits = rest.split(first: 1000).first
        let train = MultiTaskExamples(pairs: try MultiMNIST.make(from: trainDigits, seed: 1))
        let test = MultiTaskExamples(pairs: try MultiMNIST.make(from: testDigits, seed: 2))
        let model = try MultiTaskNetwork(.init(inputSize: 1296, tasks: [.left, .right], sharing: .hard, hidden: [128, 128]))
        var training = TrainingConfig()
        training.epochs = 3
        training.batchSize = 64
        let loop = try MultiTaskTraining.fit(model, training: training, loss: MultiTaskLoss(), train: train, test: test, runDirectory: nil)
        let figures = try #require(loop.history.last)
        #expect(try #require(figures["test_left_accuracy"]) > 0.7, "\(figures)")
        #expect(try #require(figures["test_right_accuracy"]) > 0.7, "\(figures)")
    }

    /// Auxiliary tasks: the digit, its parity and the image itself from one trunk.
    @Test func auxiliaryTasksLearnDigitParityAndReconstruction() throws {
        let digits = try Self.shippedDigits()
        let (trainDigits, rest) = digits.split(first: 2000)
        let train = MultiTaskExamples(digits: trainDigits), test = MultiTaskExamples(digits: rest.split(first: 1000).first)
        let model = try MultiTaskNetwork(.init(inputSize: 784, tasks: [.digit, .parity, .reconstruction], sharing: .hard, hidden: [128]))
        var training = TrainingConfig()
        training.epochs = 3
        training.batchSize = 64
        let untrained = MultiTaskTraining.evaluate(model, on: test)
        let loop = try MultiTaskTraining.fit(model, training: training, loss: MultiTaskLoss(), train: train, test: test, runDirectory: nil)
        let figures = try #require(loop.history.last)
        #expect(try #require(figures["test_digit_accuracy"]) > 0.85, "\(figures)")
        #expect(try #require(figures["test_parity_accuracy"]) > 0.85, "\(figures)")
        #expect(try #require(figures["test_reconstruction_error"]) < 0.5 * (untrained["test_reconstruction_error"] ?? 0), "\(figures) vs \(untrained)")
    }

    @Test func trainingRefusesExamplesThatDoNotFit() throws {
        let model = try MultiTaskNetwork(.init(inputSize: 1296, tasks: [.left, .right], sharing: .hard, hidden: [8]))
        let digits = MultiTaskExamples(digits: try Self.shippedDigits().split(first: 100).first)
        #expect(throws: ModelError.self) {
            try MultiTaskTraining.fit(model, training: TrainingConfig(), loss: MultiTaskLoss(), train: digits, test: digits, runDirectory: nil)
        }
        let pairs = MultiTaskExamples(pairs: try MultiMNIST.make(from: try Self.shippedDigits().split(first: 100).first, seed: 1))
        #expect(throws: ModelError.self) {
            try MultiTaskTraining.fit(model, training: TrainingConfig(), loss: MultiTaskLoss(taskWeights: [1]), train: pairs, test: pairs, runDirectory: nil)
        }
    }
}
