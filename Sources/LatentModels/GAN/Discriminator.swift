import LatentNN
import LatentTensor

/// A binary critic: maps examples `[N, …]` to one logit each (`[N, 1]`), positive for "real" (or
/// for "source domain" in domain-adversarial training, where it sits behind a `GradientReversal`).
///
/// The last layer must be the `Linear` that produces the logit; everything before it is the
/// feature extractor (`features(_:)`), so the same network can be reused as a domain classifier
/// on learned features. Parameters are named by position, as in a PyTorch `nn.Sequential`.
public final class Discriminator: Module, Layer {
    /// The layers, in order; the last one produces the logit.
    public let network: Sequential

    /// A discriminator running `network` (its output must be `[N, 1]`).
    public init(network: Sequential) {
        precondition(!network.layers.isEmpty, "Discriminator: empty network")
        self.network = network
    }

    /// An MLP critic `inputSize → hidden… → 1` with LeakyReLU(`slope`) between layers (the usual
    /// choice for GAN discriminators: sparse ReLU gradients starve the generator).
    /// With `pack` > 1, every `pack` examples are judged together as one input of
    /// `pack × inputSize` values (`Pack`).
    public convenience init(inputSize: Int, hidden: [Int], slope: Float = 0.2, pack: Int = 1,
                            rng: inout RandomGenerator) {
        let packing: [any Layer] = pack > 1 ? [Pack(pack, into: [pack * inputSize])] : []
        let layers = packing + MLP.layers([inputSize * pack] + hidden + [1], activation: { LeakyReLU(slope) }, rng: &rng)
        self.init(network: Sequential(layers))
    }

    /// Names the layers by position alone, as a bare PyTorch `nn.Sequential` would.
    public override var children: [(String, Module)] { network.children }

    /// Logits `[N, 1]`.
    public func callAsFunction(_ input: Variable) -> Variable { network(input) }

    /// The representation the final logit is computed from (the output of all layers but the last).
    public func features(_ input: Variable) -> Variable {
        network.layers.dropLast().reduce(input) { x, layer in layer(x) }
    }

    /// The parameters, cached for switching gradients off and on around generator steps.
    lazy var cachedParameters: [Variable] = namedParameters().map(\.1)

    /// Runs `body` with this network's parameters excluded from gradient computation, so a
    /// backward pass through the critic (a generator step) computes only what flows to its input.
    public func withFrozenParameters<R>(_ body: () throws -> R) rethrows -> R {
        let params = cachedParameters
        let previous = params.map(\.requiresGrad)
        for p in params { p.requiresGrad = false }
        defer { for (p, r) in zip(params, previous) { p.requiresGrad = r } }
        return try body()
    }
}
