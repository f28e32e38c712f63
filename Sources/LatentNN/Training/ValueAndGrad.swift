import LatentTensor

/// The gradients of one scalar function: one entry per parameter it was differentiated with
/// respect to (by the parameter's path in the module tree), and one per requested input.
///
/// Returned by `valueAndGrad` and consumed by `Optimizer.update`. Parameters the function did not
/// reach have no entry, so an optimiser leaves them (and their state) alone, as PyTorch does for
/// parameters whose `.grad` is `None`.
public struct Gradients {
    /// One parameter's gradient.
    public struct Entry {
        /// The parameter's path in the module tree (`"encoder.0.weight"`); optimiser state is
        /// keyed by it.
        public let name: String
        /// The parameter itself.
        public let parameter: Variable
        /// d value / d parameter, the parameter's shape.
        public var gradient: Tensor

        public init(name: String, parameter: Variable, gradient: Tensor) {
            self.name = name
            self.parameter = parameter
            self.gradient = gradient
        }
    }

    /// Parameter gradients, in the order the parameters were given.
    public var parameters: [Entry]
    /// d value / d input for each input passed to `valueAndGrad`, in order (nil: the function did
    /// not depend on that input).
    public var inputs: [Tensor?]

    public init(parameters: [Entry] = [], inputs: [Tensor?] = []) {
        self.parameters = parameters
        self.inputs = inputs
    }

    /// The gradient of the parameter at `name`, if the function reached it.
    public subscript(name: String) -> Tensor? { parameters.first { $0.name == name }?.gradient }

    /// Number of gradient elements over all parameters.
    public var elementCount: Int { parameters.reduce(0) { $0 + $1.gradient.count } }

    /// The joint L2 norm of all parameter gradients (accumulated in double precision).
    public var norm: Float {
        var total = 0.0
        for entry in parameters {
            entry.gradient.withUnsafeBufferPointer { b in for v in b { total += Double(v) * Double(v) } }
        }
        return Float(total.squareRoot())
    }

    /// Multiplies every parameter gradient by `factor`, in place.
    public mutating func scale(by factor: Float) {
        for i in parameters.indices { parameters[i].gradient *= factor }
    }

    /// Scales the gradients down so their joint norm is at most `maxNorm` (PyTorch's
    /// `clip_grad_norm_`); returns the norm before clipping.
    @discardableResult
    public mutating func clip(maxNorm: Float) -> Float {
        let n = norm
        if n > maxNorm, n > 0 { scale(by: maxNorm / (n + 1e-6)) }
        return n
    }

    /// Runs `body` over all parameter gradients laid end to end in one contiguous buffer (in
    /// `parameters` order) and writes what `body` leaves there back. This is the layout an
    /// all-reduce takes; `buffer` is reused across calls when it has the right size, so a
    /// synchroniser keeps one buffer per optimiser instead of allocating every step.
    public mutating func withFlatBuffer(_ buffer: inout Tensor,
                                        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let total = elementCount
        if buffer.count != total { buffer = Tensor(uninitializedShape: [total]) }
        buffer.makeUnique()
        let flat = buffer.unsafeBaseAddress
        var offset = 0
        for entry in parameters {
            entry.gradient.withUnsafeBufferPointer { flat.advanced(by: offset).update(from: $0.baseAddress!, count: $0.count) }
            offset += entry.gradient.count
        }
        try body(UnsafeMutableBufferPointer(start: flat, count: total))
        offset = 0
        for i in parameters.indices {
            let g = Tensor(uninitializedShape: parameters[i].gradient.shape)
            g.unsafeBaseAddress.update(from: flat + offset, count: g.count)
            parameters[i].gradient = g
            offset += g.count
        }
    }
}

/// Evaluates the scalar function `f` and its gradients with respect to `parameters` (by default
/// the trainable parameters of `model`) and to each of `inputs`, as MLX's `valueAndGrad` does.
///
/// For the duration of the pass only the chosen parameters and inputs need a gradient: the
/// model's other parameters (frozen ones, or the other network of a GAN) are constants, so no
/// backward work is spent on them and their `.grad` is left untouched. Each call is independent:
/// gradients do not accumulate from one call to the next, and none are left on the parameters.
///
/// ```swift
/// let (loss, gradients) = valueAndGrad(model) { model(x).softmaxCrossEntropy(labels: y) }
/// optimizer.update(gradients)
/// // The gradient with respect to the input only (an adversarial example):
/// let image = Variable(x)
/// let (_, g) = valueAndGrad(model, parameters: [], inputs: [image]) { model(image).softmaxCrossEntropy(labels: y) }
/// let direction = g.inputs[0]!
/// ```
///
/// - Parameters:
///   - model: the module tree the function reads; its parameters outside `parameters` get no gradient.
///   - parameters: what to differentiate with respect to; nil means `model.trainableParameters()`.
///   - inputs: variables created by the caller (leaves) whose gradients are wanted too.
///   - f: builds the scalar to differentiate from the current parameter values.
/// - Returns: the value of `f` and its gradients. The backward pass runs even when the value is
///   not finite; callers decide what to do with such a step (the training loop stops the run).
public func valueAndGrad(_ model: Module, parameters: [(String, Variable)]? = nil, inputs: [Variable] = [],
                         _ f: () throws -> Variable) rethrows -> (value: Float, gradients: Gradients) {
    let all = model.namedParameters().map(\.1)
    let previous = all.map(\.requiresGrad)
    for p in all { p.requiresGrad = false }
    defer { for (p, r) in zip(all, previous) { p.requiresGrad = r } }
    return try valueAndGrad(parameters: parameters ?? model.trainableParameters(), inputs: inputs, f)
}

/// `valueAndGrad` over free-standing variables (no module): gradients with respect to
/// `parameters` (named for optimiser state) and `inputs`. Variables outside these lists keep
/// their `requiresGrad`.
public func valueAndGrad(parameters: [(String, Variable)], inputs: [Variable] = [],
                         _ f: () throws -> Variable) rethrows -> (value: Float, gradients: Gradients) {
    let watched = parameters.map(\.1) + inputs
    let previous = watched.map(\.requiresGrad)
    for v in watched { v.requiresGrad = true; v.grad = nil }
    defer { for (v, r) in zip(watched, previous) { v.requiresGrad = r } }
    let output = try GradientMode.$isEnabled.withValue(true) { try f() }
    output.backward()
    var gradients = Gradients()
    gradients.parameters.reserveCapacity(parameters.count)
    for (name, p) in parameters {
        if let g = p.grad { gradients.parameters.append(.init(name: name, parameter: p, gradient: g)) }
        p.grad = nil
    }
    gradients.inputs = inputs.map { x in defer { x.grad = nil }; return x.grad }
    return (output.value.scalar, gradients)
}
