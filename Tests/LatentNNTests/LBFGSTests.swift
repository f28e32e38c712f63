import LatentNN
import LatentTensor
import Testing

/// L-BFGS on functions whose minima are known.
@Suite struct LBFGSTests {
    /// Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²: a curved valley with its minimum 0 at (1, …, 1).
    static func rosenbrock(_ x: Variable) -> Variable {
        let n = x.shape[0]
        let head = x.slice(0..<(n - 1)), tail = x.slice(1..<n)
        return ((tail - head.square()).square() * 100 + (1 - head).square()).sum()
    }

    /// Runs up to `steps` L-BFGS steps on `f` from `start`; returns the point, value and steps taken.
    static func minimize(_ start: [Float], steps: Int, history: Int = 10,
                         _ f: (Variable) -> Variable) throws -> (x: [Float], value: Float, steps: Int, evaluations: Int) {
        let x = Variable(Tensor(start))
        let lbfgs = try LBFGS(historySize: history, gradientTolerance: 1e-6)
        var last: LBFGS.Step?
        var taken = 0, evaluations = 0
        while taken < steps {
            last = try lbfgs.step([x]) {
                let (value, g) = valueAndGrad(parameters: [("x", x)]) { f(x) }
                return (value, [g["x"] ?? Tensor(shape: x.shape)])
            }
            taken += 1
            evaluations += last?.evaluations ?? 0
            if last?.converged == true { break }
        }
        return (x.value.scalars, last?.value ?? .nan, taken, evaluations)
    }

    @Test func findsTheRosenbrockMinimumFromTheClassicStart() throws {
        let result = try Self.minimize([-1.2, 1], steps: 200, Self.rosenbrock)
        #expect(Swift.abs(result.x[0] - 1) < 1e-3 && Swift.abs(result.x[1] - 1) < 1e-3, "ended at \(result.x)")
        #expect(result.value < 1e-6)
        // Gradient descent needs thousands of steps here; quasi-Newton a few dozen.
        #expect(result.steps < 100, "took \(result.steps) steps")
    }

    @Test func findsTheTenDimensionalRosenbrockMinimum() throws {
        var rng = RandomGenerator(seed: 3)
        let start = Tensor.uniform([10], low: -1.5, high: 1.5, using: &rng).scalars
        let result = try Self.minimize(start, steps: 300, Self.rosenbrock)
        #expect(result.x.allSatisfy { Swift.abs($0 - 1) < 1e-2 }, "ended at \(result.x)")
        #expect(result.value < 1e-4)
    }

    @Test func solvesAQuadraticToItsKnownMinimum() throws {
        // f(x) = ½ xᵀAx − bᵀx with A = MᵀM/n + I (positive definite, eigenvalues in about [1, 5],
        // so float32 gradients locate x* to ~1e-5) and b = A x*: minimum at x*, where f = −½ x*ᵀA x*.
        var rng = RandomGenerator(seed: 5)
        let n = 30
        let m = Tensor.normal([n, n], using: &rng)
        let a = m.matmul(m, transposeSelf: true) * (1 / Float(n)) + Tensor.identity(n)
        let target = Tensor.normal([n, 1], using: &rng)
        let b = a.matmul(target)
        let minimum = -0.5 * target.matmul(b, transposeSelf: true).scalar
        let result = try Self.minimize([Float](repeating: 0, count: n), steps: 200) { x in
            let column = x.reshaped([n, 1])
            return (column.matmul(Variable(a).matmul(column), transposeSelf: true) * 0.5
                    - column.matmul(Variable(b), transposeSelf: true)).sum()
        }
        let error = zip(result.x, target.scalars).map { Swift.abs($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-3, "largest distance from x*: \(error)")
        #expect(Swift.abs(result.value - minimum) < 1e-3 * Swift.abs(minimum))
        // With exact line searches L-BFGS is conjugate gradients on a quadratic: about n steps at most.
        #expect(result.steps <= 2 * n, "took \(result.steps) steps")
    }

    @Test func keepsTheValueItReports() throws {
        // The value a step reports is the objective at the parameters it leaves behind.
        let x = Variable(Tensor([3, -2]))
        let lbfgs = try LBFGS()
        for _ in 0..<5 {
            let step = try lbfgs.step([x]) {
                let (value, g) = valueAndGrad(parameters: [("x", x)]) { Self.rosenbrock(x) }
                return (value, [g["x"] ?? Tensor(shape: [2])])
            }
            let recomputed = withoutGradients { Self.rosenbrock(Variable(x.value)).value.scalar }
            #expect(recomputed == step.value)
        }
    }

    @Test func refusesBadSettings() {
        #expect(throws: OptimizerError.self) { try LBFGS(historySize: 0) }
        #expect(throws: OptimizerError.self) { try LBFGS(gradientTolerance: .nan) }
        #expect(throws: OptimizerError.self) { try LBFGS(c1: 0.9, c2: 0.1) }
    }
}
