import Foundation
import LatentModels

/// `run.json`'s form of a classifier shape: `{"kind": "mlp", "config": {…}}` (and `path`,
/// `freeze_features` for a pretrained MLP, conv network or DBN stack), which Python reads as plain fields. Swift's
/// synthesised form, `{"mlp": {"_0": {…}}}`, is what runs made before format version 2 hold; it
/// is still read, so those runs resume.
extension ClassifierModelConfig {
    private enum Keys: String, CodingKey { case kind, config, path, freezeFeatures }

    /// The synthesised form's keys: the case name, then `_0` and the labels inside it.
    private enum LegacyCase: String, CodingKey { case mlp, conv, convPretrained, mlpPretrained, encoder }
    private enum LegacyValue: String, CodingKey { case value = "_0", path, freezeFeatures }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .mlp(let config): try c.encode("mlp", forKey: .kind); try c.encode(config, forKey: .config)
        case .conv(let config): try c.encode("conv", forKey: .kind); try c.encode(config, forKey: .config)
        case .convPretrained(let config, let path, let freeze):
            try c.encode("conv-pretrained", forKey: .kind)
            try c.encode(config, forKey: .config)
            try c.encode(path, forKey: .path)
            try c.encode(freeze, forKey: .freezeFeatures)
        case .mlpPretrained(let config, let path, let freeze):
            try c.encode("mlp-pretrained", forKey: .kind)
            try c.encode(config, forKey: .config)
            try c.encode(path, forKey: .path)
            try c.encode(freeze, forKey: .freezeFeatures)
        case .dbnPretrained(let config, let path, let freeze):
            try c.encode("dbn-pretrained", forKey: .kind)
            try c.encode(config, forKey: .config)
            try c.encode(path, forKey: .path)
            try c.encode(freeze, forKey: .freezeFeatures)
        case .encoder(let config): try c.encode("encoder", forKey: .kind); try c.encode(config, forKey: .config)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard c.contains(.kind) else { self = try Self(legacy: decoder); return }
        switch try c.decode(String.self, forKey: .kind) {
        case "mlp": self = .mlp(try c.decode(Classifier.Config.self, forKey: .config))
        case "conv": self = .conv(try c.decode(ConvClassifier.Config.self, forKey: .config))
        case "conv-pretrained":
            self = .convPretrained(try c.decode(ConvClassifier.Config.self, forKey: .config),
                                   path: try c.decode(String.self, forKey: .path),
                                   freezeFeatures: try c.decode(Bool.self, forKey: .freezeFeatures))
        case "mlp-pretrained":
            self = .mlpPretrained(try c.decode(Classifier.Config.self, forKey: .config),
                                  path: try c.decode(String.self, forKey: .path),
                                  freezeFeatures: try c.decode(Bool.self, forKey: .freezeFeatures))
        case "dbn-pretrained":
            // Runs written before DBN stacks could be frozen have no `freeze_features`.
            self = .dbnPretrained(try c.decode(Classifier.Config.self, forKey: .config), path: try c.decode(String.self, forKey: .path),
                                  freezeFeatures: try c.decodeIfPresent(Bool.self, forKey: .freezeFeatures) ?? false)
        case "encoder": self = .encoder(try c.decode(EncoderClassifier.Config.self, forKey: .config))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                                                   debugDescription: "unknown classifier kind '\(other)' (mlp, conv, conv-pretrained, mlp-pretrained, dbn-pretrained, encoder)")
        }
    }

    /// Reads the synthesised form of format version 1.
    private init(legacy decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: LegacyCase.self)
        guard let which = c.allKeys.first, c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                                                    debugDescription: "expected one of kind, mlp, conv, convPretrained, mlpPretrained, encoder"))
        }
        let inner = try c.nestedContainer(keyedBy: LegacyValue.self, forKey: which)
        switch which {
        case .mlp: self = .mlp(try inner.decode(Classifier.Config.self, forKey: .value))
        case .conv: self = .conv(try inner.decode(ConvClassifier.Config.self, forKey: .value))
        case .convPretrained:
            self = .convPretrained(try inner.decode(ConvClassifier.Config.self, forKey: .value),
                                   path: try inner.decode(String.self, forKey: .path),
                                   freezeFeatures: try inner.decode(Bool.self, forKey: .freezeFeatures))
        case .mlpPretrained:
            self = .mlpPretrained(try inner.decode(Classifier.Config.self, forKey: .value),
                                  path: try inner.decode(String.self, forKey: .path),
                                  freezeFeatures: try inner.decode(Bool.self, forKey: .freezeFeatures))
        case .encoder: self = .encoder(try inner.decode(EncoderClassifier.Config.self, forKey: .value))
        }
    }
}
