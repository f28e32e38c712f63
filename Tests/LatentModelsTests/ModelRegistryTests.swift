import Foundation
import LatentIO
import LatentModels
import LatentNN
import LatentTensor
import Testing

@Suite struct ModelRegistryTests {
    static func temporary() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latent-registry-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One small model of every kind, saved.
    static func saveOneOfEach(in dir: String) throws -> [String: any SavedModel] {
        var autoencoder = Autoencoder.Config(kind: .deep)
        autoencoder.layers = [16, 8, 3]
        autoencoder.inputSize = 16
        var gan = GAN.Config(kind: .mlp, latentSize: 2)
        gan.dataSize = 4
        gan.generatorHidden = [5]
        gan.discriminatorHidden = [5]
        var conv = ConvClassifier.Config()
        (conv.height, conv.width, conv.convolutions, conv.hidden, conv.classes) = (4, 4, [2], [3], 3)
        var dann = DomainAdversarialNetwork.Config(channels: 3, height: 6, width: 6, classes: 3)
        (dann.network.convolutions, dann.network.kernelSize, dann.network.hidden, dann.domainHidden) = ([2], 3, [3], [2])
        let models: [any SavedModel] = [
            try Classifier(Classifier.Config(inputSize: 16, hidden: [8], classes: 3)),
            try ConvClassifier(conv),
            try EncoderClassifier(EncoderClassifier.Config(autoencoder: autoencoder, classes: 3)),
            try DomainAdversarialNetwork(dann),
            try Autoencoder(autoencoder),
            try VAE(VAE.Config(inputSize: 16, hidden: [8], latentSize: 2)),
            try GAN(gan),
            try RBM(RBM.Config(visible: 16, hidden: 5)),
            try DBN(DBN.Config(layers: [16, 8, 3])),
            try MultiTaskNetwork(.init(inputSize: 16, tasks: [.digit, .reconstruction], sharing: .soft, hidden: [4])),
        ]
        var saved: [String: any SavedModel] = [:]
        for m in models {
            let path = dir + "/\(type(of: m).kind).safetensors"
            try m.save(to: path)
            saved[path] = m
        }
        return saved
    }

    @Test func everyKindOpensWithItsWeightsAndConfig() throws {
        let dir = try Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let saved = try Self.saveOneOfEach(in: dir)
        #expect(Set(saved.values.map { type(of: $0).kind }) == Set(ModelRegistry.kinds))
        for (path, original) in saved {
            let loaded = try ModelRegistry.load(path)
            #expect(type(of: loaded).kind == type(of: original).kind)
            #expect(loaded.summary == original.summary)
            for ((n1, a), (n2, b)) in zip(original.stateDict(), loaded.stateDict()) { #expect(n1 == n2 && a == b, "\(path): \(n1)") }
            #expect(!loaded.isTraining, "loaded models are in evaluation mode")
        }
    }

    @Test func capabilitiesAreCheckedWithMessagesNamingTheKinds() throws {
        let dir = try Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.saveOneOfEach(in: dir)
        _ = try ModelRegistry.loadClassifier(dir + "/classifier.safetensors")
        _ = try ModelRegistry.loadClassifier(dir + "/encoder-classifier.safetensors")
        _ = try ModelRegistry.loadClassifier(dir + "/dann.safetensors")
        // Plain autoencoders are codecs now: encode and decode round-trip shapes.
        let codec = try ModelRegistry.loadCodec(dir + "/autoencoder.safetensors")
        let codes = codec.encode(Tensor(shape: [5, 16], repeating: 0.5))
        #expect(codes.shape == [5, codec.latentSize] && codec.decode(codes).shape == [5, 16])
        _ = try ModelRegistry.loadGenerator(dir + "/gan.safetensors")
        _ = try ModelRegistry.loadGenerativeCodec(dir + "/vae.safetensors")
        #expect { try ModelRegistry.loadGenerator(dir + "/autoencoder.safetensors") } throws: { error in
            let m = "\(error)"
            return m.contains("autoencoder.safetensors") && m.contains("holds an autoencoder model") && m.contains("a vae or a gan")
        }
        #expect { try ModelRegistry.loadClassifier(dir + "/vae.safetensors") } throws: { error in
            "\(error)".contains("a classifier, a conv-classifier, an encoder-classifier or a dann")
        }
        #expect { try Classifier.load(path: dir + "/gan.safetensors") } throws: { error in
            "\(error)".contains("holds a gan model, expected a classifier")
        }
        #expect { try ModelRegistry.load(dir + "/missing.safetensors") } throws: { error in
            "\(error)".contains("missing.safetensors: no such model file")
        }
    }

    @Test func weightsThatDoNotFitNameTheTensorAndBothShapes() throws {
        let dir = try Self.temporary()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = try Classifier(Classifier.Config(inputSize: 16, hidden: [8], classes: 3))
        var tensors = model.stateDict()
        tensors[0].1 = Tensor(shape: [7, 16])
        try SafeTensors.write(tensors: tensors, metadata: [Checkpoint.kindKey: Classifier.kind,
                                                           Checkpoint.configKey: try Checkpoint.encodeJSON(model.config)],
                              to: dir + "/bad.safetensors")
        #expect { try ModelRegistry.load(dir + "/bad.safetensors") } throws: { error in
            let m = "\(error)"
            return m.contains("bad.safetensors") && m.contains("0.weight") && m.contains("[7, 16]") && m.contains("[8, 16]")
        }
    }
}
