import LatentModels
import LatentNN
import LatentTensor
import Testing

/// The measures the latent-space commands report: accuracy per class, grid cells a classifier is
/// sure of, the spread of codes, and the class-conditional agreement protocol.
@Suite struct LatentSpaceMeasureTests {
    /// A codec whose codes are its inputs, so samples are exactly the Gaussians' draws.
    final class IdentityCodec: LatentCodec {
        let latentSize = 2, dataSize = 2
        func encode(_ inputs: Tensor) -> Tensor { inputs }
        func decode(_ codes: Tensor) -> Tensor { codes }
    }

    /// A judge that reads class 1 when the first value is positive, class 0 otherwise.
    final class SignJudge: Module, LabelPredictor {
        let classCount = 2, inputSize = 2
        func callAsFunction(_ input: Variable) -> Variable {
            input.matmul(Variable(Tensor(shape: [2, 2], scalars: [-1, 1, 0, 0])))
        }
    }

    @Test func scoreCountsAccuracyOverallAndPerClass() {
        let score = ClassificationScore(predictions: [0, 1, 1, 2, 2], labels: [0, 1, 2, 2, 2])
        #expect(score.count == 5)
        #expect(abs(score.accuracy - 0.8) < 1e-12)
        #expect(score.perClass[0] == 1 && score.perClass[1] == 1 && abs((score.perClass[2] ?? 0) - 2.0 / 3) < 1e-12)
        #expect(ClassificationScore(predictions: [], labels: []).accuracy == 0)
    }

    @Test func confidentCellsCountRowsAtOrAboveTheThreshold() {
        let p = Tensor(shape: [4, 3], scalars: [0.95, 0.05, 0, 0.5, 0.5, 0, 0.1, 0.9, 0, 0.05, 0.94, 0.01])
        #expect(LatentGrid.confidentCells(p, threshold: 0.9) == [1, 2, 0])
    }

    @Test func codeSpreadIsMeanNormAndPopulationVariance() {
        let spread = CodeSpread(Tensor(shape: [2, 2], scalars: [3, 4, -3, -4]))
        #expect(abs(spread.meanNorm - 5) < 1e-12)
        #expect(spread.variances == [9, 16])
    }

    @Test func agreementIsTheShareOfSamplesTheJudgeReadsAsRequested() throws {
        // Class 0 far on the negative side of the first axis, class 1 far on the positive side:
        // every sample lands on its class's side, so the judge agrees with all of them.
        var rng = RandomGenerator(seed: 3)
        let n = 40
        let codes = Tensor.normal([2 * n, 2], using: &rng) * 0.1
            + Tensor(shape: [2 * n, 2], scalars: (0..<2 * n).flatMap { $0 < n ? [Float(-5), 0] : [Float(5), 0] })
        let labels = (0..<2 * n).map { $0 < n ? 0 : 1 }
        for covariance in ClassConditionalGaussians.Covariance.allCases {
            var draw = RandomGenerator(seed: 1)
            let agreement = try ClassConditionalAgreement.measure(codec: IdentityCodec(), judge: SignJudge(), codes: codes,
                                                                  labels: labels, covariance: covariance, count: 25, using: &draw)
            #expect(agreement.classes == [0, 1] && agreement.perClass == [1, 1] && agreement.overall == 1)
            #expect(agreement.samples.map(\.shape) == [[25, 2], [25, 2]])
        }
        // A judge that reads other images than the codec makes is refused, not run.
        final class WideJudge: Module, LabelPredictor {
            let classCount = 2, inputSize = 3
            func callAsFunction(_ input: Variable) -> Variable { input }
        }
        var draw = RandomGenerator(seed: 1)
        #expect(throws: LatentSpaceError.featureMismatch(expected: 3, got: 2)) {
            try ClassConditionalAgreement.measure(codec: IdentityCodec(), judge: WideJudge(), codes: codes, labels: labels,
                                                  covariance: .full, count: 5, using: &draw)
        }
    }
}
