// libFuzzer entry point for the model-file loaders: the config in a file's metadata and its
// tensors together, for every registered kind (issue 15: a config decided allocation sizes before
// the tensors were checked). scripts/fuzz.sh builds LatentTensor, LatentIO, LatentNN and
// LatentModels as modules and links this file against them.
//
// The first byte chooses the way in:
// - even: the rest is a whole safetensors file, parsed and built as `latent evaluate` would;
// - odd: the rest is a config JSON for kind `byte / 2` (mod the kinds), paired with the tensors
//   of a tiny valid model of that kind, so mutations reach every config field without breaking
//   the file's framing.
// Thrown errors are the expected outcome; only traps, sanitizer reports and runaway memory count.

import LatentIO
import LatentModels
import LatentNN
import LatentTensor
#if canImport(Glibc)
import Glibc
#endif

/// A tiny valid model of every kind (configs small enough for libFuzzer's input size).
nonisolated(unsafe) var tinyModels: [(kind: String, config: String, tensors: [String: Tensor])] = []

func makeTinyModels() throws -> [any SavedModel] {
    var linear = Autoencoder.Config(kind: .linear)
    linear.inputSize = 6
    linear.layers = [6, 2]
    var conv = ConvClassifier.Config()
    (conv.height, conv.width, conv.convolutions, conv.hidden, conv.classes) = (4, 4, [2], [3], 2)
    var vae = VAE.Config(inputSize: 6, hidden: [3], latentSize: 2)
    vae.prior = .mog
    vae.priorComponents = 2
    var gan = GAN.Config(kind: .mlp, latentSize: 2)
    (gan.dataSize, gan.generatorHidden, gan.discriminatorHidden) = (6, [3], [3])
    var dann = DomainAdversarialNetwork.Config(channels: 1, height: 4, width: 4, classes: 2)
    (dann.network.convolutions, dann.network.kernelSize, dann.network.padding, dann.network.hidden, dann.domainHidden) = ([2], 3, nil, [3], [3])
    return [try Classifier(Classifier.Config(inputSize: 6, hidden: [3], classes: 2)), try ConvClassifier(conv),
            try DomainAdversarialNetwork(dann), try RBM(RBM.Config(visible: 6, hidden: 3)), try DBN(DBN.Config(layers: [6, 3, 2])),
            try MultiTaskNetwork(.init(inputSize: 6, tasks: [.digit, .reconstruction], sharing: .soft, hidden: [3])),
            try EncoderClassifier(EncoderClassifier.Config(autoencoder: linear, classes: 2)), try Autoencoder(linear),
            try VAE(vae), try GAN(gan)]
}

func configJSON<M: SavedModel>(_ model: M) throws -> String { try Checkpoint.encodeJSON(model.config) }

@_cdecl("LLVMFuzzerInitialize")
public func fuzzModelFileInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    do {
        for model in try makeTinyModels() {
            tinyModels.append((type(of: model).kind, try configJSON(model),
                               Dictionary(model.stateDict(), uniquingKeysWith: { first, _ in first })))
        }
        // Seeds for both ways in, written when scripts/fuzz.sh asks for them.
        if let dir = getenv("FUZZ_SEED_DIR").map({ String(cString: $0) }) {
            for (index, model) in tinyModels.enumerated() {
                let path = "\(dir)/\(model.kind).safetensors"
                try SafeTensors.write(tensors: model.tensors.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                      metadata: [Checkpoint.kindKey: model.kind, Checkpoint.configKey: model.config], to: path)
                let raw = try SafeTensors.readBytes(path: path)
                unlink(path)
                try AtomicFile.write([0] + raw, to: "\(dir)/raw-\(model.kind)")
                try AtomicFile.write([UInt8(index * 2 + 1)] + Array(model.config.utf8), to: "\(dir)/config-\(model.kind)")
            }
        }
    } catch {
        fatalError("fuzz-ModelFile: cannot build the tiny models: \(error)")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if bytes[0] & 1 == 0 {
        if let file = try? ModelFile(bytes: Array(bytes.dropFirst()), path: "fuzz.safetensors") {
            _ = try? ModelRegistry.build(file)
        }
    } else {
        let tiny = tinyModels[Int(bytes[0] >> 1) % tinyModels.count]
        let file = ModelFile(path: "fuzz.safetensors", kind: tiny.kind,
                             configJSON: String(decoding: bytes.dropFirst(), as: UTF8.self), tensors: tiny.tensors)
        _ = try? ModelRegistry.build(file)
    }
    return 0
}
