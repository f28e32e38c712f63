import Foundation

/// A value re-encoded with snake_case keys inside a file whose other keys are written as they are
/// (the settings inside `metrics.json`, beside figures whose names must stay untouched).
struct SnakeCaseJSON: Encodable {
    /// Any JSON value, as the decoder found it.
    private indirect enum Value: Codable {
        case null, flag(Bool), number(Double), text(String), list([Value]), object([String: Value])

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .flag(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .text(s) }
            else if let l = try? c.decode([Value].self) { self = .list(l) }
            else { self = .object(try c.decode([String: Value].self)) }
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .null: try c.encodeNil()
            case .flag(let b): try c.encode(b)
            case .number(let d): try c.encode(d)
            case .text(let s): try c.encode(s)
            case .list(let l): try c.encode(l)
            case .object(let o): try c.encode(o)
            }
        }
    }

    private let value: Value

    init(_ wrapped: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        value = try JSONDecoder().decode(Value.self, from: encoder.encode(wrapped))
    }

    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
