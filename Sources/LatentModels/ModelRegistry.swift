import Foundation
import LatentNN

/// Every kind of model file Latent writes, and how to open one without knowing its kind: the
/// single place the command line (and a server) turn a path into a model.
///
/// ```swift
/// let model = try ModelRegistry.load(path)            // any SavedModel
/// let codec = try ModelRegistry.loadCodec(path)       // an autoencoder or a VAE
/// ```
public enum ModelRegistry {
    /// The model types, by kind tag.
    public static let types: [any SavedModel.Type] = [
        Classifier.self, ConvClassifier.self, EncoderClassifier.self, DomainAdversarialNetwork.self, Autoencoder.self, VAE.self, GAN.self,
        RBM.self, DBN.self, MultiTaskNetwork.self,
    ]

    /// The kind tags, in `types` order.
    public static var kinds: [String] { types.map { $0.kind } }

    /// Opens the model in `path`, whatever its kind.
    public static func load(_ path: String) throws -> any SavedModel {
        guard FileManager.default.fileExists(atPath: path) else { throw CheckpointError.missingFile(path) }
        return try build(try ModelFile(path: path))
    }

    /// Builds the model in `file`, whatever its kind.
    public static func build(_ file: ModelFile) throws -> any SavedModel {
        let path = file.path
        guard let type = types.first(where: { $0.kind == file.kind }) else {
            throw CheckpointError.wrongKind(path, expected: "a model Latent knows (\(kinds.joined(separator: ", ")))", got: file.kind)
        }
        return try file.build(type)
    }

    /// Opens the classifier in `path` (an MLP or an encoder with a head).
    public static func loadClassifier(_ path: String) throws -> any LabelPredictor {
        try load(path, purpose: "a classifier", fits: { $0 is any LabelPredictor.Type }, cast: { $0 as? any LabelPredictor })
    }

    /// Opens a model with an encoder and a decoder (any autoencoder or VAE) in `path`.
    public static func loadCodec(_ path: String) throws -> any LatentCodec & SavedModel {
        try load(path, purpose: "an encoder and a decoder", fits: { $0 is any LatentCodec.Type },
                 cast: { $0 as? any LatentCodec & SavedModel })
    }

    /// Opens a model with a decoder from codes to data (an autoencoder, a VAE or a GAN) in `path`:
    /// what a walk through latent space needs. Callers that can use an encoder ask the result
    /// whether it is a `LatentCodec`.
    public static func loadDecoder(_ path: String) throws -> any LatentDecoder & SavedModel {
        try load(path, purpose: "a decoder from codes", fits: { $0 is any LatentDecoder.Type },
                 cast: { $0 as? any LatentDecoder & SavedModel })
    }

    /// Opens a model that generates from a prior (a VAE or a GAN) in `path`.
    public static func loadGenerator(_ path: String) throws -> any LatentGenerator & SavedModel {
        try load(path, purpose: "a generator with a prior", fits: { $0 is any LatentGenerator.Type },
                 cast: { $0 as? any LatentGenerator & SavedModel })
    }

    /// Opens a model with an encoder, a decoder and a prior (a VAE) in `path`.
    public static func loadGenerativeCodec(_ path: String) throws -> any GenerativeCodec & SavedModel {
        try load(path, purpose: "an encoder, a decoder and a prior", fits: { $0 is any GenerativeCodec.Type },
                 cast: { $0 as? any GenerativeCodec & SavedModel })
    }

    /// `load` narrowed by `cast`; a model it rejects is an error naming the file, its kind, and
    /// the kinds `fits` accepts.
    private static func load<T>(_ path: String, purpose: String, fits: (any SavedModel.Type) -> Bool,
                                cast: (any SavedModel) -> T?) throws -> T {
        let model = try load(path)
        guard let typed = cast(model) else {
            let fitting = types.filter(fits).map { Checkpoint.withArticle($0.kind) }
            // "a vae or a gan", "an autoencoder, a vae or a gan".
            let listed = fitting.count > 1 ? fitting.dropLast().joined(separator: ", ") + " or " + fitting[fitting.count - 1]
                                           : fitting.joined()
            throw CheckpointError.wrongKind(path, expected: listed + " (\(purpose))",
                                            got: type(of: model).kind)
        }
        return typed
    }
}
