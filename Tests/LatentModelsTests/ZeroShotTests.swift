import Foundation
import LatentIO
import LatentModels
import LatentTensor
import Testing

/// Zero-shot learning on data whose features are a noisy linear image of class attributes, so
/// unseen classes are recognisable exactly when the attribute-to-feature link is learned.
@Suite struct ZeroShotTests {
    /// Six classes, five binary attributes; classes 4 and 5 combine attributes seen elsewhere.
    static let attributes: [[Float]] = [
        [1, 0, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 0], [1, 1, 0, 0, 0], [0, 1, 1, 0, 1], [1, 0, 1, 0, 1],
    ]

    static func signatures() throws -> ClassSignatures {
        try ClassSignatures(classes: Array(0..<6), attributeNames: (1...5).map { "a\($0)" },
                            values: Tensor(shape: [6, 5], scalars: attributes.flatMap { $0 }), source: "test")
    }

    /// `count` examples per class of `classes`: features = A·mixing + noise, 12 per example.
    static func data(_ classes: [Int], count: Int, seed: UInt64) -> (Tensor, [Int]) {
        var mixing = RandomGenerator(seed: 99), rng = RandomGenerator(seed: seed)
        let m = (0..<(5 * 12)).map { _ in mixing.nextNormal() }
        var rows: [Float] = [], labels: [Int] = []
        for c in classes {
            for _ in 0..<count {
                for j in 0..<12 {
                    let clean = (0..<5).reduce(Float(0)) { $0 + attributes[c][$1] * m[$1 * 12 + j] }
                    rows.append(clean + 0.3 * rng.nextNormal())
                }
                labels.append(c)
            }
        }
        return (Tensor(shape: [labels.count, 12], scalars: rows), labels)
    }

    @Test(arguments: ZeroShotModel.Method.allCases)
    func recognisesUnseenClassesFromTheirAttributes(method: ZeroShotModel.Method) throws {
        let (x, y) = Self.data([0, 1, 2, 3], count: 150, seed: 1)
        var config = ZeroShotModel.Config(method: method)
        config.featureRidge = 0.1
        config.epochs = 30
        let model = try ZeroShotModel(features: x, labels: y, signatures: try Self.signatures(), config: config)
        let (testX, testY) = Self.data([0, 1, 2, 3, 4, 5], count: 60, seed: 2)
        let score = try ZeroShotEvaluation(model, features: testX, labels: testY, seen: [0, 1, 2, 3], unseen: [4, 5])
        // Chance is 50 %. DAP multiplies independent attribute guesses and is the weakest here.
        #expect(score.unseenAccuracy > (method == .dap ? 0.7 : 0.85), "\(method): \(score)")
        #expect(score.harmonicMean > 0.3, "\(method): \(score)")
        #expect(score.generalizedSeen > 0.5, "\(method): \(score)")
    }

    @Test func ridgeSolverSolvesTheRegularisedSystem() throws {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor(shape: [30, 6], scalars: (0..<180).map { _ in rng.nextNormal() })
        let b = Tensor(shape: [6, 3], scalars: (0..<18).map { _ in rng.nextNormal() })
        let gram = x.matmul(x, transposeSelf: true)
        let solved = try RidgeSolver.solve(gram, ridge: 0.5, b)
        let back = gram.matmul(solved) + solved * 0.5
        let error = zip(back.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 1
        #expect(error < 1e-3)
    }

    @Test func signatureTablesAreChecked() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("zsl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.path + "/good.csv", ragged = dir.path + "/ragged.csv", twice = dir.path + "/twice.csv"
        try "class,a,b\n0,1,0\n2,0.5,1\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "class,a,b\n0,1,0\n2,0.5\n".write(toFile: ragged, atomically: true, encoding: .utf8)
        try "class,a,b\n0,1,0\n0,0,1\n".write(toFile: twice, atomically: true, encoding: .utf8)
        let table = try ClassSignatures.read(csv: good)
        #expect(table.classes == [0, 2])
        #expect(table.attributeNames == ["a", "b"])
        #expect(try table.rows(for: [2]).scalars == [0.5, 1])
        #expect(throws: ZeroShotError.self) { try table.rows(for: [1]) }
        #expect { try ClassSignatures.read(csv: ragged) } throws: { "\($0)".contains("line 3") }
        #expect { try ClassSignatures.read(csv: twice) } throws: { "\($0)".contains("two rows") }
    }
}
