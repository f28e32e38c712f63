import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

/// Ranks of a data-parallel run as threads of one process: the same `Communicator` contract as
/// MPI (every rank calls the same collectives in the same order), so the loop's sharding, the
/// weighted gradient all-reduce and resume across rank counts are tested without mpirun. Sums are
/// taken in rank order, as a deterministic all-reduce would.
final class ThreadRanks: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var posted: [Int: [Int: [UInt8]]] = [:]
    private var read: [Int: Int] = [:]

    init(size: Int) { self.size = size }

    /// Every rank's contribution to collective number `index`.
    func allGather(_ bytes: [UInt8], rank: Int, index: Int) -> [[UInt8]] {
        condition.lock()
        defer { condition.unlock() }
        posted[index, default: [:]][rank] = bytes
        condition.broadcast()
        while (posted[index]?.count ?? 0) < size { condition.wait() }
        let all = (0..<size).map { posted[index]![$0]! }
        read[index, default: 0] += 1
        if read[index] == size { posted[index] = nil; read[index] = nil }
        return all
    }

    final class Rank: Communicator, @unchecked Sendable {
        let group: ThreadRanks
        let rank: Int
        var size: Int { group.size }
        private var collectives = 0

        init(_ group: ThreadRanks, rank: Int) {
            self.group = group
            self.rank = rank
        }

        private func gather(_ bytes: [UInt8]) -> [[UInt8]] {
            collectives += 1
            return group.allGather(bytes, rank: rank, index: collectives)
        }

        func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { sumInRankOrder(values) }
        func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { sumInRankOrder(values) }

        private func sumInRankOrder<T: FloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
            let all = gather(Array(UnsafeRawBufferPointer(values)))
            for i in values.indices { values[i] = 0 }
            for bytes in all {
                bytes.withUnsafeBytes { raw in
                    let p = raw.bindMemory(to: T.self)
                    for i in values.indices { values[i] += p[i] }
                }
            }
        }

        func broadcast(_ bytes: [UInt8], root: Int) -> [UInt8] { gather(bytes)[root] }

        func abort(code: Int32) -> Never { fatalError("rank \(rank) aborted with \(code)") }
        let tally = CommunicationTally()
    }

    /// Runs `body(rank)` on `size` threads at once and returns the results in rank order.
    static func run<R>(size: Int, _ body: @escaping @Sendable (Rank) throws -> R) throws -> [R] {
        let group = ThreadRanks(size: size)
        let results = Results<R>(size)
        let threads = (0..<size).map { r in
            Thread {
                let outcome = Result { try body(Rank(group, rank: r)) }
                results.set(r, outcome)
            }
        }
        for t in threads {
            t.stackSize = 8 << 20
            t.start()
        }
        return try results.wait().map { try $0.get() }
    }

    final class Results<R>: @unchecked Sendable {
        private let condition = NSCondition()
        private var values: [Result<R, Error>?]
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
        func set(_ i: Int, _ value: Result<R, Error>) {
            condition.lock()
            values[i] = value
            condition.broadcast()
            condition.unlock()
        }
        func wait() -> [Result<R, Error>] {
            condition.lock()
            defer { condition.unlock() }
            while values.contains(where: { $0 == nil }) { condition.wait() }
            return values.map { $0! }
        }
    }
}

@Suite(.serialized) struct DataParallelTests {
    /// 300 digits-like examples: a learnable mapping from inputs to labels.
    static let data: Dataset = {
        var rng = RandomGenerator(seed: 7)
        let n = 300, d = 20
        let labels = (0..<n).map { _ in rng.nextInt(below: 4) }
        var x = Tensor.uniform([n, d], low: 0, high: 0.5, using: &rng)
        x.withUnsafeMutableBufferPointer { p in
            for (i, l) in labels.enumerated() { for j in 0..<5 { p[i * d + l * 5 + j] += 0.5 } }
        }
        return Dataset(inputs: x, labels: labels)
    }()

    /// ‖a − b‖ / ‖b‖ over every parameter.
    static func relativeDifference(_ a: [(String, Tensor)], _ b: [(String, Tensor)]) -> Double {
        var num = 0.0, den = 0.0
        for ((na, ta), (nb, tb)) in zip(a, b) {
            #expect(na == nb)
            let x = ta.scalars, y = tb.scalars
            for i in x.indices { num += Double(x[i] - y[i]) * Double(x[i] - y[i]); den += Double(y[i]) * Double(y[i]) }
        }
        return (num / Swift.max(den, 1e-30)).squareRoot()
    }

    @Test(arguments: [2, 3])
    func firstStepGradientsEqualSingleProcessGradients(ranks: Int) throws {
        Threads.set(1)
        var settings = Classifier.Config(inputSize: 20, hidden: [32], classes: 4)
        settings.dropout = 0.3  // the masks must be the single-process masks, row for row
        let config = settings
        let batch = Self.data.subset(Array(0..<100))  // 100 rows: shards of 34/33/33 with 3 ranks
        let single = try Classifier(config)
        let expected = valueAndGrad(single) {
            single(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels!)
        }.1.parameters.map { ($0.name, $0.gradient) }

        let perRank = try ThreadRanks.run(size: ranks) { communicator in
            let model = try Classifier(config)
            let shard = ExampleShard.of(total: 100, rank: communicator.rank, size: ranks)
            let rows = shard.offset..<(shard.offset + shard.count)
            var gradients = ExampleShard.$current.withValue(shard) {
                valueAndGrad(model) {
                    model(Variable(batch.inputs.rows(rows))).softmaxCrossEntropy(labels: Array(batch.labels![rows]))
                }.1
            }
            var buffer = Tensor(shape: [0])
            ExampleShard.$current.withValue(shard) {
                AllReduceGradients(communicator).synchronize(&gradients, buffer: &buffer)
            }
            return gradients.parameters.map { ($0.name, $0.gradient) }
        }
        for got in perRank {
            #expect(Self.relativeDifference(got, expected) < 1e-5)
        }
    }

    @Test(arguments: [2, 3])
    func synchronisedBatchNormGivesTheSingleProcessGradients(ranks: Int) throws {
        Threads.set(1)
        @Sendable func network() -> Sequential {
            var rng = RandomGenerator(seed: 11)
            return Sequential([Linear(20, 12, rng: &rng), BatchNorm(12), ReLU(), Linear(12, 4, rng: &rng)])
        }
        let batch = Self.data.subset(Array(0..<100))
        let single = network()
        let expected = valueAndGrad(single) {
            single(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels!)
        }.1.parameters.map { ($0.name, $0.gradient) }
        let perRank = try ThreadRanks.run(size: ranks) { communicator in
            let model = network()
            var shard = ExampleShard.of(total: 100, rank: communicator.rank, size: ranks)
            shard.synchronizeStatistics = { communicator.allReduceSum($0) }
            let rows = shard.offset..<(shard.offset + shard.count)
            var buffer = Tensor(shape: [0])
            return try ExampleShard.$current.withValue(shard) {
                var gradients = valueAndGrad(model) {
                    model(Variable(batch.inputs.rows(rows))).softmaxCrossEntropy(labels: Array(batch.labels![rows]))
                }.1
                AllReduceGradients(communicator).synchronize(&gradients, buffer: &buffer)
                let mean = try #require(model.namedBuffers().first { $0.0.hasSuffix("running_mean") }).1.value
                return (gradients.parameters.map { ($0.name, $0.gradient) }, mean)
            }
        }
        let singleMean = try #require(single.namedBuffers().first { $0.0.hasSuffix("running_mean") }).1.value
        for (got, mean) in perRank {
            #expect(Self.relativeDifference(got, expected) < 1e-5)
            // The running statistics are the global batch's too.
            #expect(Self.relativeDifference([("m", mean)], [("m", singleMean)]) < 1e-5)
        }
    }

    struct Run: @unchecked Sendable {
        let parameters: [(String, Tensor)]
        let history: [[String: Double]]
    }

    /// A VAE trained by `TrainingLoop` (its ε is per-example noise) with `ranks` ranks.
    static func trainVAE(ranks: Int, epochs: Int, directory: String? = nil, resume: Bool = false,
                         data: @escaping @Sendable (Int) -> Dataset = { _ in DataParallelTests.data }) throws -> [Run] {
        try ThreadRanks.run(size: ranks) { communicator in
            try trainVAE(on: communicator, epochs: epochs, directory: directory, resume: resume, data: data(communicator.rank))
        }
    }

    static func trainVAE(on communicator: ThreadRanks.Rank, epochs: Int, directory: String?, resume: Bool,
                         data: Dataset) throws -> Run {
        var config = VAE.Config(inputSize: 20, hidden: [16], latentSize: 3)
        config.seed = 3
        let model = try VAE(config)
        let optimizer = try Adam(learningRate: 3e-3)
        optimizer.synchronizer = communicator.size == 1 ? LocalGradients() : AllReduceGradients(communicator)
        let loop = try TrainingLoop(epochs: epochs, batchSize: 64, seed: 5, runDirectory: directory, settings: config)
        loop.communicator = communicator
        loop.register(model)
        loop.register(optimizer)
        if resume { try loop.resume() }
        try loop.run(data) { step in
            let (loss, gradients) = valueAndGrad(model) {
                let (r, kl) = model.elboTerms(step.batch.inputs)
                return r + kl
            }
            optimizer.update(gradients)
            return ["train_loss": Double(loss)]
        }
        return Run(parameters: model.namedParameters().map { ($0.0, $0.1.value) }, history: loop.history)
    }

    @Test func trainingWithTwoOrThreeRanksIsTheSingleProcessRun() throws {
        Threads.set(1)
        let single = try Self.trainVAE(ranks: 1, epochs: 2)[0]
        for ranks in [2, 3] {
            let runs = try Self.trainVAE(ranks: ranks, epochs: 2)
            for run in runs {
                // The same batches, the same ε per example, the same updates up to the order of sums.
                #expect(Self.relativeDifference(run.parameters, single.parameters) < 1e-4)
                for (a, b) in zip(run.history, single.history) {
                    let la = try #require(a["train_loss"]), lb = try #require(b["train_loss"])
                    #expect(abs(la - lb) / abs(lb) < 1e-5)
                }
            }
        }
    }

    @Test func aCheckpointOfTwoRanksResumesUnderOneAndThree() throws {
        Threads.set(1)
        let uninterrupted = try Self.trainVAE(ranks: 1, epochs: 3)[0]
        for resumeRanks in [1, 3] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-dp-\(UUID())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            _ = try Self.trainVAE(ranks: 2, epochs: 1, directory: dir)
            // A 3-epoch loop resumes the 1-epoch run's checkpoint only with equal settings: the
            // settings are the model config, so the epoch count may grow.
            let resumed = try Self.trainVAE(ranks: resumeRanks, epochs: 3, directory: dir, resume: true)
            for run in resumed {
                #expect(run.history.count == 3)
                #expect(Self.relativeDifference(run.parameters, uninterrupted.parameters) < 1e-4)
            }
        }
    }

    @Test func ranksWithDifferentDataStopWithOneError() throws {
        Threads.set(1)
        let other = Self.data.subset(Array((0..<300).reversed()))
        do {
            _ = try Self.trainVAE(ranks: 2, epochs: 1, data: { $0 == 0 ? DataParallelTests.data : other })
            Issue.record("ranks with different data trained")
        } catch let error as DistributedError {
            #expect(error == .disagreement(what: "training data", ranks: [1]))
        }
    }

    @Test func shardsCoverTheBatchInOrder() {
        for total in [1, 5, 64, 100, 127] {
            for size in 1...4 where size <= total {
                let shards = (0..<size).map { ExampleShard.of(total: total, rank: $0, size: size) }
                #expect(shards.map(\.count).reduce(0, +) == total)
                #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1)
                for (a, b) in zip(shards, shards.dropFirst()) { #expect(a.offset + a.count == b.offset) }
                #expect(abs(shards.map { Double($0.weight) }.reduce(0, +) - 1) < 1e-6)
            }
        }
    }
}
