import Foundation
import LatentTensor
import Testing

/// The sparse 0/1 products behind the RBM's updates, checked against dense arithmetic.
@Suite struct BinaryRowsTests {
    /// A 0/1 matrix with about `density` ones.
    static func binary(_ rows: Int, _ columns: Int, density: Float, seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in rng.nextFloat() < density ? 1 : 0 }
    }

    @Test func patternListsTheOnesRowByRowAndRefusesOtherValues() throws {
        // 13 columns: one 8-lane block and a scalar tail per row.
        let values = Self.binary(5, 13, density: 0.3, seed: 1)
        let pattern = try #require(values.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 5, columns: 13) })
        for r in 0..<5 {
            let expected = (0..<13).filter { values[r * 13 + $0] == 1 }.map(Int32.init)
            #expect(Array(pattern.indices[Int(pattern.offsets[r])..<Int(pattern.offsets[r + 1])]) == expected)
        }
        #expect(pattern.count == values.filter { $0 == 1 }.count)
        for bad: Float in [0.5, -1, 2, .nan, .infinity] {
            for position in [3, 11] {  // in a block and in the tail
                var copy = values
                copy[13 + position] = bad
                #expect(copy.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 5, columns: 13) } == nil, "\(bad) at \(position)")
            }
        }
    }

    @Test func transposedAndStackedPatternsMatchTheMatrices() throws {
        let a = Self.binary(7, 20, density: 0.25, seed: 2), b = Self.binary(3, 20, density: 0.6, seed: 3)
        let pa = try #require(a.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 7, columns: 20) })
        let pb = try #require(b.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 3, columns: 20) })
        let stacked = try #require(pa.stacked(above: pb))
        let both = a + b
        let direct = try #require(both.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 10, columns: 20) })
        #expect(stacked.offsets == direct.offsets && stacked.indices == direct.indices)
        let transposed = Tensor(shape: [10, 20], scalars: both).transposed().scalars
        let directT = try #require(transposed.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 20, columns: 10) })
        let viaPattern = stacked.transposed()
        #expect(viaPattern.offsets == directT.offsets && viaPattern.indices == directT.indices)
        #expect(pa.stacked(above: try #require([Float](repeating: 0, count: 9).withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: 1, columns: 9) })) == nil)
    }

    @Test func productEqualsTheDenseProductWithScaleAndBias() throws {
        // Widths that use the 64-column blocks, the 8-column blocks and the scalar tail, and
        // both ways of splitting the work across threads (by rows and by column panels).
        for (rows, inner, width) in [(3, 17, 5), (64, 50, 256), (9, 30, 203), (200, 40, 12)] {
            let a = Self.binary(rows, inner, density: 0.3, seed: UInt64(rows))
            var rng = RandomGenerator(seed: 9)
            let b = Tensor.normal([inner, width], std: 1, using: &rng), bias = Tensor.normal([width], std: 1, using: &rng)
            let pattern = try #require(a.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: rows, columns: inner) })
            let out = Tensor(shape: [rows, width])
            pattern.multiply(b.unsafeBaseAddress, ldb: width, width: width, alpha: 0.5, bias: bias.unsafeBaseAddress,
                             into: out.unsafeBaseAddress, ldc: width)
            let dense = Tensor(shape: [rows, inner], scalars: a).matmul(b)
            for r in 0..<rows {
                for j in 0..<width {
                    let want = 0.5 * dense.scalars[r * width + j] + bias.scalars[j]
                    #expect(abs(out.scalars[r * width + j] - want) <= 1e-4 * max(1, abs(want)), "\(rows)×\(inner)·\(width) at (\(r), \(j))")
                }
            }
        }
    }

    @Test func samplesFollowTheProbabilitiesAndTheirPatternIsTheirOnes() throws {
        // 300 rows of 11 columns (partial lane blocks): column j has probability j/10.
        let rows = 300, columns = 11
        let probabilities = (0..<(rows * columns)).map { Float($0 % columns) / 10 }
        let out = Tensor(shape: [rows, columns])
        var rng = RandomGenerator(seed: 4)
        let pattern = try #require(probabilities.withUnsafeBufferPointer {
            BinaryRows.sample(probabilities: $0.baseAddress!, rows: rows, columns: columns, using: &rng, into: out.unsafeBaseAddress)
        })
        let sample = out.scalars
        #expect(sample.allSatisfy { $0 == 0 || $0 == 1 })
        let scanned = sample.withUnsafeBufferPointer { BinaryRows($0.baseAddress!, rows: rows, columns: columns) }
        #expect(scanned?.offsets == pattern.offsets && scanned?.indices == pattern.indices)
        for j in 0..<columns {
            let frequency = Double((0..<rows).filter { sample[$0 * columns + j] == 1 }.count) / Double(rows)
            let p = Double(j) / 10
            // Probability 0 and ≥ 1 are exact; otherwise within 4.5 standard errors.
            if p == 0 || p >= 1 { #expect(frequency == min(p, 1), "column \(j)") } else {
                #expect(abs(frequency - p) < 4.5 * (p * (1 - p) / Double(rows)).squareRoot(), "column \(j): \(frequency) for p = \(p)")
            }
        }
        // The same generator state gives the same sample.
        var again = RandomGenerator(seed: 4)
        let second = Tensor(shape: [rows, columns])
        _ = probabilities.withUnsafeBufferPointer {
            BinaryRows.sample(probabilities: $0.baseAddress!, rows: rows, columns: columns, using: &again, into: second.unsafeBaseAddress)
        }
        #expect(second.scalars == sample)
        #expect(!BinaryRows.canIndex(rows: 1 << 20, columns: 1 << 12) && !BinaryRows.canIndex(rows: -1, columns: 3))
    }

    @Test func laneUniformsAreInTheUnitIntervalAndSpreadEvenly() {
        var rng = RandomGenerator(seed: 5)
        var lanes = LaneRandom(seededFrom: &rng)
        var bins = [Int](repeating: 0, count: 10)
        for _ in 0..<5_000 {
            let u = lanes.nextUniforms()
            for k in 0..<8 {
                #expect(u[k] >= 0 && u[k] < 1)
                bins[min(9, Int(u[k] * 10))] += 1
            }
        }
        // 40,000 draws, 4,000 expected per bin; the standard deviation is 60.
        #expect(bins.allSatisfy { abs($0 - 4_000) < 300 }, "\(bins)")
    }

    @Test func sigmoidWithSoftplusSumMatchesTheScalarFormulas() {
        var values = (0..<203).map { Float($0 - 101) / 4 }
        values += [-90, 90, 0]
        var x = values
        let sum = x.withUnsafeMutableBufferPointer { sigmoidInPlaceSummingSoftplus($0.baseAddress!, count: $0.count) }
        var want = 0.0
        for (i, v) in values.enumerated() {
            let d = Double(v)
            want += max(d, 0) + log1p(exp(-abs(d)))
            #expect(abs(Double(x[i]) - 1 / (1 + exp(-d))) < 1e-6, "σ(\(v))")
        }
        #expect(abs(sum - want) <= 1e-6 * want, "\(sum) vs \(want)")
    }

    @Test func transposeMatchesElementwiseForThinAndWideMatrices() {
        for (rows, cols) in [(1, 9), (9, 1), (37, 300), (300, 37)] {
            var rng = RandomGenerator(seed: UInt64(rows * cols))
            let a = Tensor.normal([rows, cols], std: 1, using: &rng)
            let t = a.transposed()
            #expect(t.shape == [cols, rows])
            #expect((0..<rows).allSatisfy { i in (0..<cols).allSatisfy { j in t.scalars[j * rows + i] == a.scalars[i * cols + j] } })
        }
    }
}
