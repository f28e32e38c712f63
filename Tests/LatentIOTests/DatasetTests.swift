import LatentTensor
import Testing
@testable import LatentIO

@Suite struct DatasetTests {
    static func sample(_ n: Int) -> Dataset {
        Dataset(inputs: Tensor(shape: [n, 2, 3], scalars: (0..<(n * 6)).map(Float.init)), labels: (0..<n).map { $0 % 10 })
    }

    @Test func inOrderBatchesKeepTheLastPartialOne() {
        let d = Self.sample(10)
        var rng = RandomGenerator(seed: 1)
        let batches = d.batches(size: 4, shuffle: false, rng: &rng)
        #expect(batches.count == 3)
        #expect(batches.map(\.indices) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        #expect(batches[2].inputs.shape == [2, 2, 3])
        #expect(batches[2].inputs.scalars == (48..<60).map(Float.init))
        #expect(batches[2].labels == [8, 9])
        #expect(rng == RandomGenerator(seed: 1))   // no shuffling, no draws
        #expect(d.batches(size: 4, dropLast: true).count == 2)
    }

    @Test func sameSeedSameBatchesAndEveryExampleOnce() {
        let d = Self.sample(23)
        var r1 = RandomGenerator(seed: 42), r2 = RandomGenerator(seed: 42)
        let a = d.batches(size: 5, shuffle: true, rng: &r1)
        let b = d.batches(size: 5, shuffle: true, rng: &r2)
        #expect(a.map(\.indices) == b.map(\.indices))
        #expect(zip(a, b).allSatisfy { $0.inputs == $1.inputs && $0.labels == $1.labels })
        #expect(a.flatMap(\.indices).sorted() == Array(0..<23))
        #expect(a.flatMap(\.indices) != Array(0..<23))
        // Rows and labels travel together.
        for batch in a {
            #expect(batch.labels == batch.indices.map { $0 % 10 })
            #expect(batch.inputs == d.inputs.gatherRows(batch.indices))
        }
        // The next epoch draws a different order.
        #expect(d.batches(size: 5, shuffle: true, rng: &r1).map(\.indices) != a.map(\.indices))
    }

    @Test func splitAndSubset() {
        let d = Self.sample(10)
        let (head, rest) = d.split(first: 3)
        #expect(head.count == 3 && rest.count == 7)
        #expect(rest.labels == [3, 4, 5, 6, 7, 8, 9])
        #expect(rest.inputs.shape == [7, 2, 3] && rest.inputs.scalars.first == 18)
        let s = d.subset([9, 0, 9])
        #expect(s.labels == [9, 0, 9] && s.inputs.shape == [3, 2, 3])
        #expect(d.split(first: 99).first.count == 10)
        let unlabelled = Dataset(inputs: Tensor(shape: [3, 1]))
        #expect(unlabelled.batches(size: 2).map(\.labels) == [[], []])
    }
}
