import Foundation
import LatentIO
import LatentTensor

/// Saving and loading models as one safetensors file: every parameter and buffer by its path
/// (PyTorch's names and layouts, so `safetensors.torch.load_file` reads it), plus the model's
/// config as JSON in `__metadata__`, so a checkpoint can be rebuilt and described on its own.
public enum Checkpoint {
    /// Metadata key holding the model kind (e.g. "classifier").
    public static let kindKey = "latent.kind"
    /// Metadata key holding the model config JSON.
    public static let configKey = "latent.config"

    /// Writes `model`'s state and `config` to `path` atomically.
    public static func save<Config: Encodable>(_ model: Module, kind: String, config: Config,
                                               extraMetadata: [String: String] = [:], to path: String) throws {
        var metadata = extraMetadata
        metadata[kindKey] = kind
        metadata[configKey] = try encodeJSON(config)
        metadata["format"] = "pt"     // what safetensors' PyTorch loader expects to see
        try SafeTensors.write(tensors: model.stateDict(), metadata: metadata, to: path)
    }

    /// Reads the kind, config JSON and tensors of a checkpoint.
    public static func read(path: String) throws -> (kind: String, configJSON: String, tensors: [String: Tensor], metadata: [String: String]) {
        try read(bytes: try SafeTensors.readBytes(path: path), path: path)
    }

    /// `read(path:)` of bytes already in memory (`path` names them in errors).
    public static func read(bytes: [UInt8], path: String) throws -> (kind: String, configJSON: String, tensors: [String: Tensor], metadata: [String: String]) {
        let file = try SafeTensors.parse(bytes: bytes, path: path)
        guard let kind = file.metadata[kindKey], let config = file.metadata[configKey] else {
            throw CheckpointError.notLatent(path)
        }
        var tensors: [String: Tensor] = [:]
        for t in file.tensors { tensors[t.name] = t.tensor }
        return (kind, config, tensors, file.metadata)
    }

    /// Decodes a config of the expected type from a checkpoint's metadata.
    public static func config<Config: Decodable>(_ type: Config.Type, from json: String, path: String) throws -> Config {
        do {
            return try JSONDecoder().decode(Config.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError.badConfig(path, "\(error)")
        }
    }

    /// Loads `tensors` into `model`, turning a mismatch into an error naming the file.
    public static func load(_ tensors: [String: Tensor], into model: Module, path: String) throws {
        do {
            try model.load(tensors)
        } catch {
            throw CheckpointError.mismatch(path, error.description)
        }
    }

    /// "a classifier", "an autoencoder": a kind tag with its indefinite article, for messages.
    public static func withArticle(_ kind: String) -> String {
        ("aeiou".contains(kind.first ?? "x") ? "an " : "a ") + kind
    }

    /// Compact, key-sorted JSON of `value` (configs in metadata).
    public static func encodeJSON<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Why a checkpoint could not be used.
public enum CheckpointError: Error, CustomStringConvertible {
    case notLatent(String)
    case wrongKind(String, expected: String, got: String)
    case badConfig(String, String)
    case mismatch(String, String)
    case noRun(String)
    case missingFile(String)

    public var description: String {
        switch self {
        case .notLatent(let p): "\(p): not a Latent checkpoint (no latent.kind/latent.config metadata)"
        case .wrongKind(let p, let e, let g): "\(p): holds \(Checkpoint.withArticle(g)) model, expected \(e)"
        case .badConfig(let p, let d): "\(p): model config in metadata is invalid: \(d)"
        case .mismatch(let p, let d): "\(p): does not match the model: \(d)"
        case .noRun(let p): "\(p): no training checkpoint to resume from (checkpoint.safetensors missing)"
        case .missingFile(let p): "\(p): no such model file"
        }
    }
}
