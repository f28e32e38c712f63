import LatentTensor

/// max(x, 0).
public final class ReLU: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.relu() }
}

/// x for x > 0, α·x otherwise.
public final class LeakyReLU: Module, Layer {
    public let alpha: Float
    public init(_ alpha: Float = 0.01) { self.alpha = alpha }
    public func callAsFunction(_ x: Variable) -> Variable { x.leakyRelu(alpha) }
}

/// 1 / (1 + e^(−x)).
public final class Sigmoid: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.sigmoid() }
}

/// tanh x.
public final class Tanh: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.tanh() }
}

/// log(1 + eˣ).
public final class Softplus: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.softplus() }
}

/// The identity.
public final class Identity: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x }
}

/// `[N, …] → [N, product of …]`.
public final class Flatten: Module, Layer {
    public override init() {}
    public func callAsFunction(_ x: Variable) -> Variable { x.reshaped([x.shape[0], -1]) }
}

/// `[N, …] → [N] + shape`.
public final class Reshape: Module, Layer {
    public let shape: [Int]
    public init(_ shape: [Int]) { self.shape = shape }
    public func callAsFunction(_ x: Variable) -> Variable { x.reshaped([x.shape[0]] + shape) }
}

/// Groups every `count` consecutive examples into one: `[N, …] → [N / count] + shape`, where
/// `shape` holds the `count` examples' values (PacGAN's packing, Lin et al. 2018: a
/// discriminator that judges several samples at once sees how varied they are). N must be a
/// multiple of `count`.
public final class Pack: Module, Layer {
    public let count: Int
    public let shape: [Int]
    public init(_ count: Int, into shape: [Int]) {
        self.count = count
        self.shape = shape
    }
    public func callAsFunction(_ x: Variable) -> Variable {
        precondition(x.shape[0] % count == 0, "Pack: \(x.shape[0]) examples do not split into groups of \(count)")
        return x.reshaped([x.shape[0] / count] + shape)
    }
}

/// Identity forward, −λ·gradient backward (domain-adversarial training).
public final class GradientReversal: Module, Layer {
    public var lambda: Float
    public init(lambda: Float = 1) { self.lambda = lambda }
    public func callAsFunction(_ x: Variable) -> Variable { x.reversingGradient(scale: lambda) }
}

/// Inverted dropout with probability `p` in training; the identity in evaluation. Owns its
/// random stream so a seeded model drops the same units on every run (and on resume).
public final class Dropout: Module, Layer, RandomStateful {
    public let p: Float
    public var rng: RandomGenerator

    public init(_ p: Float, seed: UInt64) {
        self.p = p
        rng = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ x: Variable) -> Variable { x.dropout(p, training: isTraining, using: &rng) }
}
