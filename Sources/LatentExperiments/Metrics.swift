import Foundation
import LatentIO

/// The one writer of `metrics.json` files: sorted keys, indented, NaN and infinities written as
/// the strings "nan", "inf" and "-inf" (JSON has no such numbers), atomically.
public enum MetricsFile {
    /// Encodes `value` as `metrics.json`-style JSON.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Writes `value` to `path`, atomically.
    public static func write(_ value: some Encodable, to path: String) throws {
        try AtomicFile.write(try encode(value), to: path)
    }
}

/// The `metrics.json` of a training run: the command, its settings, the per-epoch figures and the
/// run's final results, whose fields sit at the top level next to the others.
public struct RunMetrics<Settings: Encodable, Results: Encodable>: Encodable {
    public var command: String
    public var settings: Settings
    public var epochs: [[String: Double]]
    public var results: Results

    public init(command: String, settings: Settings, epochs: [[String: Double]], results: Results) {
        self.command = command
        self.settings = settings
        self.epochs = epochs
        self.results = results
    }

    private enum CodingKeys: String, CodingKey { case formatVersion = "format_version", command, settings, epochs }

    /// The version of this layout: 2 has `format_version` and snake_case settings (1: the
    /// settings under Swift's names).
    public static var formatVersion: Int { 2 }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .formatVersion)
        try container.encode(command, forKey: .command)
        try container.encode(try SnakeCaseJSON(settings), forKey: .settings)
        try container.encode(epochs, forKey: .epochs)
        try results.encode(to: encoder)
    }
}

/// A free-form figure for reports whose shape varies (the demo's sections): numbers, text,
/// lists and nested maps, written by `MetricsFile` like any typed result.
public indirect enum Metric: Encodable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
                             ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
                             ExpressibleByDictionaryLiteral {
    case number(Double)
    case text(String)
    case flag(Bool)
    case list([Metric])
    case map([String: Metric])

    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .flag(value) }
    public init(arrayLiteral elements: Metric...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, Metric)...) { self = .map(Dictionary(elements) { a, _ in a }) }

    /// A number.
    public static func value(_ v: Double) -> Metric { .number(v) }
    /// Per-epoch figures as a list of maps.
    public static func history(_ h: [[String: Double]]) -> Metric { .list(h.map { .map($0.mapValues(Metric.number)) }) }
    /// A list of integers.
    public static func integers(_ v: [Int]) -> Metric { .list(v.map { .number(Double($0)) }) }
    /// A map of numbers.
    public static func figures(_ f: [String: Double]) -> Metric { .map(f.mapValues(Metric.number)) }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .text(let s): try c.encode(s)
        case .flag(let b): try c.encode(b)
        case .list(let l): try c.encode(l)
        case .map(let m): try c.encode(m)
        }
    }
}
