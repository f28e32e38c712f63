import Foundation
import LatentIO
import LatentNN
import LatentTensor
import Testing

/// Numbers produced by PyTorch itself (see Fixtures/reference.json for versions).
@Suite struct PyTorchFixtureTests {
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return url.path
    }
    static func npy(_ name: String) throws -> Tensor { try NPY.read(path: fixture(name)).tensor }

    /// loss = cross_entropy(leaky_relu(tanh(x@w1+b1), 0.1)@w2+b2, y) + 0.01·Σ w1², computed by
    /// PyTorch in float64; Latent computes in float32, so agreement is to float32 precision.
    @Test func lossAndGradientsMatchPyTorchAutograd() throws {
        let x = Variable(try Self.npy("autodiff/x.npy"))
        let w1 = Variable(try Self.npy("autodiff/w1.npy"), requiresGrad: true)
        let b1 = Variable(try Self.npy("autodiff/b1.npy"), requiresGrad: true)
        let w2 = Variable(try Self.npy("autodiff/w2.npy"), requiresGrad: true)
        let b2 = Variable(try Self.npy("autodiff/b2.npy"), requiresGrad: true)
        let labels = try NPY.readIntegers(path: Self.fixture("autodiff/y.npy")).values
        let hidden = (x.matmul(w1) + b1).tanh().leakyRelu(0.1)
        let loss = (hidden.matmul(w2) + b2).softmaxCrossEntropy(labels: labels) + w1.square().sum() * 0.01
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture("reference.json")))) as? [String: Any]
        let expected = try #require((reference?["autodiff"] as? [String: Any])?["loss"] as? Double)
        #expect(Swift.abs(Double(loss.value.scalar) - expected) < 1e-5)
        loss.backward()
        for (v, name) in [(w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")] {
            let g = try Self.npy("autodiff/grad_\(name).npy")
            let worst = zip(v.grad!.scalars, g.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-5, "grad of \(name): max abs difference \(worst)")
        }
    }

    /// A PyTorch `nn.Sequential` 784-128-32-128-784 saved with safetensors loads into the
    /// same Latent `Sequential` and reproduces PyTorch's outputs.
    @Test func torchAutoencoderCheckpointReproducesOutputs() throws {
        var rng = RandomGenerator(seed: 0)
        let model = Sequential {
            Linear(784, 128, rng: &rng); ReLU()
            Linear(128, 32, rng: &rng)
            Linear(32, 128, rng: &rng); ReLU()
            Linear(128, 784, rng: &rng); Sigmoid()
        }
        let file = try SafeTensors.read(path: Self.fixture("safetensors/torch_ae.safetensors"))
        try model.load(Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0.tensor) }))
        let input = try Self.npy("safetensors/torch_ae_input_4x784.npy")
        let expected = try Self.npy("safetensors/torch_ae_output_4x784.npy")
        let output = withoutGradients { model(Variable(input)).value }
        let worst = zip(output.scalars, expected.scalars).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(output.shape == [4, 784])
        #expect(worst < 1e-5, "max abs difference from PyTorch: \(worst)")
    }
}
