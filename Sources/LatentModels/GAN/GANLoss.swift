import LatentTensor

/// The two-player objective of a GAN, written on the discriminator's logits with
/// `binaryCrossEntropyWithLogits` (stable for any logit; σ is never applied separately).
///
/// The discriminator always minimises −log D(x) − log(1 − D(G(z))) (optionally with a real
/// target below 1: one-sided label smoothing, Salimans et al. 2016). The generator either
/// minimises log(1 − D(G(z))) — the minimax game of Goodfellow et al. (2014), whose gradient
/// vanishes while D confidently rejects the samples — or −log D(G(z)), the non-saturating
/// variant from the same paper, which has the same fixed point and strong early gradients
/// (the default).
public enum GANLoss: String, Codable, Sendable, CaseIterable {
    case minimax
    case nonSaturating = "non-saturating"

    /// The discriminator's loss: BCE(real logits, `realTarget`) + BCE(fake logits, 0), each a mean
    /// over its batch (PyTorch's DCGAN example sums the two halves the same way).
    public static func discriminatorLoss(real: Variable, fake: Variable, realTarget: Float = 1) -> Variable {
        real.binaryCrossEntropyWithLogits(Tensor(shape: real.shape, repeating: realTarget))
            + fake.binaryCrossEntropyWithLogits(Tensor(shape: fake.shape))
    }

    /// The generator's loss on the discriminator's logits for generated examples.
    public func generatorLoss(fake: Variable) -> Variable {
        switch self {
        case .minimax:
            // log(1 − σ(z)) = −BCE(z, 0), minimised.
            -fake.binaryCrossEntropyWithLogits(Tensor(shape: fake.shape))
        case .nonSaturating:
            // −log σ(z) = BCE(z, 1).
            fake.binaryCrossEntropyWithLogits(Tensor(shape: fake.shape, repeating: 1))
        }
    }
}
