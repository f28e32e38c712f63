import LatentNN
import LatentTensor

/// The generator of a GAN: maps latent codes z `[N, latentSize]` to data `[N, dataSize]` (images
/// flattened row-major, so every model in Latent sees MNIST as `[N, 784]`).
///
/// Parameters are named by position, as in a PyTorch `nn.Sequential` (`0.weight`, …), so a
/// generator saved by Latent loads into the same PyTorch stack.
public final class Generator: Module, Layer {
    /// Width of the latent code.
    public let latentSize: Int
    /// Width of one generated example.
    public let dataSize: Int
    /// The layers, in order.
    public let network: Sequential

    /// A generator running `network`, which must map `[N, latentSize]` to `[N, dataSize]`.
    public init(latentSize: Int, dataSize: Int, network: Sequential) {
        self.latentSize = latentSize
        self.dataSize = dataSize
        self.network = network
    }

    /// Names the layers by position alone, as a bare PyTorch `nn.Sequential` would.
    public override var children: [(String, Module)] { network.children }

    /// Generated data `[N, dataSize]` from codes `[N, latentSize]`.
    public func callAsFunction(_ z: Variable) -> Variable {
        precondition(z.shape.count == 2 && z.shape[1] == latentSize,
                     "Generator: codes \(z.shape) do not have \(latentSize) columns")
        return network(z)
    }

    /// `count` codes from the standard normal prior N(0, I) (in a data-parallel step, this
    /// worker's rows of the codes a single process would draw: `ExampleShard`).
    public func samplePrior(count: Int, using rng: inout RandomGenerator) -> Tensor {
        ExampleShard.draw(rows: count) { Tensor.normal([$0, latentSize], using: &rng) }
    }

    /// Generates from `codes` `[N, latentSize]` in evaluation mode, without gradients, in batches.
    /// A code width other than `latentSize` is an input error (codes can come from files/flags).
    public func generate(_ codes: Tensor, batchSize: Int = 500) throws(GANError) -> Tensor {
        guard codes.rank == 2, codes.shape[1] == latentSize else {
            throw .latentSize(expected: latentSize, got: codes.rank == 2 ? codes.shape[1] : codes.count)
        }
        return inferInBatches(codes, batchSize: batchSize, emptyShape: [0, dataSize]) { self($0) }
    }
}
