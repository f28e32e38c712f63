/// A node of the reverse-mode autodiff graph: a `Tensor` value, its gradient, and how to pass a
/// gradient back to the variables it was computed from.
///
/// Graphs are built by running ordinary code (define-by-run, as in PyTorch or micrograd): every
/// op on variables returns a new variable that remembers its inputs and a pullback closure, kept
/// next to the op's forward formula. `backward()` walks the graph in reverse topological order,
/// and gradients *accumulate* into `grad`, so a variable used twice receives both contributions.
///
/// ```swift
/// let w = Variable(Tensor.normal([3, 2], using: &rng), requiresGrad: true)
/// let x = Variable(input)
/// let loss = (x.matmul(w)).relu().mean()
/// loss.backward()
/// print(w.grad!)        // d loss / d w
/// ```
///
/// Inside `withoutGradients { … }` no graph is recorded (evaluation mode).
public final class Variable {
    /// The forward value.
    public var value: Tensor
    /// The accumulated gradient of the last `backward()` with respect to this value, if any.
    public var grad: Tensor?
    /// Whether gradients flow into this variable. Parameters set it; inputs usually do not.
    public var requiresGrad: Bool
    /// A label for messages and checkpoints (parameters get their path in the module tree).
    public var name: String

    @usableFromInline var parents: [Variable] = []
    @usableFromInline var pullback: ((Tensor) -> [Tensor?])?

    /// A variable holding `value`; a leaf of any graph built from it.
    public init(_ value: Tensor, requiresGrad: Bool = false, name: String = "") {
        self.value = value
        self.requiresGrad = requiresGrad
        self.name = name
    }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// True when this variable holds no pullback, so `backward()` stops here: every variable made
    /// with `init` (inputs and parameters), an op's result recorded without a graph (inside
    /// `withoutGradients`, or when no parent requires gradients), and an op's result that a
    /// `backward()` has already passed (it releases the pullback). False only for an op's result
    /// still in a graph.
    public var isLeaf: Bool { pullback == nil }

    /// Records the result of an op. `pullback` maps the gradient of the result to one gradient per
    /// parent (`nil` where a parent needs none); it is kept only if gradients are enabled and some
    /// parent requires them.
    @inlinable
    public static func record(_ value: Tensor, parents: [Variable],
                              pullback: @escaping (Tensor) -> [Tensor?]) -> Variable {
        let result = Variable(value)
        if GradientMode.isEnabled && parents.contains(where: { $0.requiresGrad }) {
            result.requiresGrad = true
            result.parents = parents
            result.pullback = pullback
        }
        return result
    }

    /// Adds `g` into this variable's gradient.
    @usableFromInline
    func accumulate(_ g: Tensor) {
        precondition(g.shape == value.shape,
                     "Variable.backward: gradient of shape \(g.shape) for value of shape \(value.shape)\(name.isEmpty ? "" : " (\(name))")")
        if grad == nil { grad = g } else { grad! += g }
    }

    /// Back-propagates from this variable, seeding it with `seed` (ones by default, so a scalar
    /// loss needs no argument). Gradients of leaves accumulate; intermediate gradients and the
    /// graph are released as the walk passes them.
    public func backward(_ seed: Tensor? = nil) {
        guard requiresGrad else { return }
        let order = topologicalOrder()
        accumulate(seed ?? Tensor(shape: value.shape, repeating: 1))
        for node in order.reversed() {
            guard let pullback = node.pullback, let g = node.grad else { continue }
            let grads = pullback(g)
            for (parent, pg) in zip(node.parents, grads) where parent.requiresGrad {
                if let pg { parent.accumulate(pg) }
            }
            // The graph is used once: drop what this node held so memory goes as we go.
            node.grad = nil
            node.pullback = nil
            node.parents = []
        }
    }

    /// Nodes reachable from this one that need gradients, each after all of its parents.
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                let parent = node.parents[next]
                if parent.requiresGrad, visited.insert(ObjectIdentifier(parent)).inserted {
                    stack.append((parent, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }

    /// Clears the gradient.
    public func zeroGrad() { grad = nil }

    /// A leaf holding the same value, cut off from the graph.
    public func detached() -> Variable { Variable(value) }
}

extension Variable: CustomStringConvertible {
    public var description: String {
        "Variable(\(name.isEmpty ? "" : name + ", ")\(value)\(requiresGrad ? ", requiresGrad" : ""))"
    }
}

/// Whether ops record the graph for `backward()`.
public enum GradientMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording any graph: for evaluation, inference and parameter updates.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientMode.$isEnabled.withValue(false) { try body() }
}
