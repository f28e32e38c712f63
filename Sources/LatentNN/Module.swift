import LatentTensor

/// A tensor a module keeps but does not train (batch-norm running statistics): saved and loaded
/// with the parameters, never touched by optimisers.
public final class Buffer {
    /// The stored value.
    public var value: Tensor
    /// A buffer holding `value`.
    public init(_ value: Tensor) { self.value = value }
}

/// The base of every model component: a tree of named parameters, buffers and child modules.
///
/// Parameters (`Variable` properties), buffers (`Buffer` properties) and children (`Module`
/// properties, optionals of modules and arrays of modules) are found by reflecting over stored
/// properties (once, on first use: declare them with `let`), so a model is written as plain
/// properties and its state can be listed, saved and loaded by name (`"encoder.0.weight"`), the
/// way PyTorch's `state_dict` names it.
///
/// ```swift
/// final class MLP: Module, Layer {
///     let hidden: Linear, output: Linear
///     init(rng: inout RandomGenerator) {
///         hidden = Linear(784, 256, rng: &rng)
///         output = Linear(256, 10, rng: &rng)
///     }
///     func callAsFunction(_ x: Variable) -> Variable { output(hidden(x).relu()) }
/// }
/// let model = MLP(rng: &rng)
/// let optimizer = try Adam(learningRate: 1e-3)
/// for batch in data.batches(size: 128, shuffle: true, rng: &rng) {
///     let (_, gradients) = valueAndGrad(model) {
///         model(Variable(batch.inputs)).softmaxCrossEntropy(labels: batch.labels)
///     }
///     optimizer.update(gradients)
/// }
/// ```
///
/// Freezing is an attribute of the module (`freeze()`, `isFrozen`): a frozen module's parameters
/// are left out of `trainableParameters()`, so `valueAndGrad` computes no gradient for them and
/// optimisers do not move them. It is distinct from `Variable.requiresGrad`, which says whether a
/// variable needs a gradient in the pass being recorded and which `valueAndGrad` sets per pass.
open class Module {
    /// Whether the module is in training mode (dropout active, batch statistics used).
    public private(set) var isTraining = true
    /// Whether this module's own parameters are excluded from training (see `freeze()`).
    public private(set) var isFrozen = false

    public init() {}

    /// Direct children by name. The default reflects over stored properties; containers such as
    /// `Sequential` override it to name children by position.
    open var children: [(String, Module)] { reflected.children }

    /// Parameters held directly by this module (not by its children).
    open var ownParameters: [(String, Variable)] { reflected.parameters }

    /// Buffers held directly by this module.
    open var ownBuffers: [(String, Buffer)] { reflected.buffers }

    /// What reflection found in this module's stored properties, found once on first use.
    /// Training walks the tree every step (`valueAndGrad` lists the parameters), and a `Mirror`
    /// walk per module per step cost about 6 % of an MLP epoch (0.51 against 0.48 s,
    /// `LatentBench mlp`, three runs each). The structure of a module is fixed when it is built:
    /// declare parameters, buffers and children with `let` (a `var` reassigned later would not be
    /// seen; the parameters' values change freely).
    private var reflected: ModuleReflection {
        if let r = reflectionCache as? ModuleReflection { return r }
        let r = ModuleReflection()
        forEachStoredProperty { label, value in
            if let m = value as? Module {
                r.children.append((label, m))
            } else if let list = value as? [Module] {
                for (i, m) in list.enumerated() { r.children.append(("\(label).\(i)", m)) }
            } else if let v = value as? Variable {
                r.parameters.append((label, v))
            } else if let b = value as? Buffer {
                r.buffers.append((label, b))
            }
        }
        reflectionCache = r
        return r
    }

    /// `reflected`'s result, typed as `AnyObject` so the walk that fills it sees a plain optional.
    private var reflectionCache: AnyObject?

    private func forEachStoredProperty(_ body: (String, Any) -> Void) {
        var mirror: Mirror? = Mirror(reflecting: self)
        var seen = Set<String>()
        while let m = mirror {
            for child in m.children {
                guard let label = child.label, seen.insert(label).inserted else { continue }
                // Swift stores lazy and wrapped properties under decorated names; use the plain name.
                let name = label.hasPrefix("$__lazy_storage_$_") ? String(label.dropFirst(18))
                    : label.hasPrefix("_") ? String(label.dropFirst()) : label
                body(name, child.value)
            }
            mirror = m.superclassMirror
        }
    }

    /// Every parameter in the tree with its dotted path, depth first in declaration order.
    public func namedParameters(prefix: String = "") -> [(String, Variable)] {
        var result = ownParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in children { result += child.namedParameters(prefix: prefix + name + ".") }
        return result
    }

    /// Every buffer in the tree with its dotted path.
    public func namedBuffers(prefix: String = "") -> [(String, Buffer)] {
        var result = ownBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in children { result += child.namedBuffers(prefix: prefix + name + ".") }
        return result
    }

    /// Every module in the tree (this one first) with its dotted path.
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        var result = [(prefix.isEmpty ? "" : String(prefix.dropLast()), self)]
        for (name, child) in children { result += child.namedModules(prefix: prefix + name + ".") }
        return result
    }

    /// Parameters that gradients update (those of modules that are not frozen), with their paths.
    public func trainableParameters(prefix: String = "") -> [(String, Variable)] {
        var result = isFrozen ? [] : ownParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in children { result += child.trainableParameters(prefix: prefix + name + ".") }
        return result
    }

    /// Paths of the frozen modules in the tree (what a checkpoint records so a resumed run keeps
    /// the same parameters training).
    public var frozenModulePaths: [String] { namedModules().filter { $0.1.isFrozen }.map(\.0) }

    /// Freezes exactly the modules at `paths` and unfreezes every other one.
    public func setFrozenModules(_ paths: some Sequence<String>) {
        let frozen = Set(paths)
        for (path, m) in namedModules() { m.isFrozen = frozen.contains(path) }
    }

    /// Parameters and buffers by name: what a checkpoint stores.
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.value) } + namedBuffers().map { ($0.0, $0.1.value) }
    }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.value.count } }

    /// Loads parameters and buffers by name. Every name of the module must be present with the
    /// same shape; unknown names are an error unless `strict` is false.
    public func load(_ state: [String: Tensor], strict: Bool = true) throws(ModuleError) {
        var pending: [(Tensor, (Tensor) -> Void)] = []
        var used = Set<String>()
        for (name, v) in namedParameters() {
            guard let t = state[name] else { throw .missing(name) }
            guard t.shape == v.value.shape else { throw .shapeMismatch(name, expected: v.value.shape, got: t.shape) }
            pending.append((t, { v.value = $0 }))
            used.insert(name)
        }
        for (name, b) in namedBuffers() {
            guard let t = state[name] else { throw .missing(name) }
            guard t.shape == b.value.shape else { throw .shapeMismatch(name, expected: b.value.shape, got: t.shape) }
            pending.append((t, { b.value = $0 }))
            used.insert(name)
        }
        if strict, let extra = state.keys.sorted().first(where: { !used.contains($0) }) { throw .unexpected(extra) }
        // Assign only once everything checked out, so a failed load leaves the module unchanged.
        for (t, assign) in pending { assign(t) }
    }

    /// Switches this module and all children to training mode.
    public func train() { for (_, m) in namedModules() { m.isTraining = true } }

    /// Switches this module and all children to evaluation mode.
    public func eval() { for (_, m) in namedModules() { m.isTraining = false } }

    /// Excludes every parameter of the tree from training (e.g. a pretrained encoder). Optimiser
    /// state of these parameters is kept, so a later `unfreeze()` resumes where it stopped.
    public func freeze() { for (_, m) in namedModules() { m.isFrozen = true } }

    /// Makes every parameter of the tree trainable again.
    public func unfreeze() { for (_, m) in namedModules() { m.isFrozen = false } }

    /// Clears all parameter gradients.
    public func zeroGrad() { for (_, p) in namedParameters() { p.grad = nil } }
}

/// What reflection found in a module's stored properties (see `Module.reflected`).
final class ModuleReflection {
    var children: [(String, Module)] = []
    var parameters: [(String, Variable)] = []
    var buffers: [(String, Buffer)] = []
}

/// A module that owns a random stream (dropout masks, corruption noise, sampling). The trainer
/// saves and restores every such stream by module path, so a resumed run draws the same numbers.
public protocol RandomStateful: AnyObject {
    var rng: RandomGenerator { get set }
}

/// A module that maps one variable to another.
public protocol Layer: Module {
    /// The forward pass.
    func callAsFunction(_ input: Variable) -> Variable
}

/// Why loading a state into a module failed.
public enum ModuleError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unexpected(String)
    case shapeMismatch(String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case .missing(let n): "tensor '\(n)' is missing"
        case .unexpected(let n): "tensor '\(n)' is not part of the model"
        case .shapeMismatch(let n, let e, let g): "tensor '\(n)' has shape \(g), the model expects \(e)"
        }
    }
}
