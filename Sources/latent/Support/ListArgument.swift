import ArgumentParser
import Foundation

/// A comma-separated list on the command line (`--hidden 512,256`, `--scales -1,0,1`): the one
/// list parser every command uses. A malformed element is a parse error naming the flag.
struct ListArgument<Element: LosslessStringConvertible & Sendable>: ExpressibleByArgument, Sendable {
    let values: [Element]

    init(_ values: [Element]) { self.values = values }

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { Element(String($0).trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        values = parts.map { $0! }
    }

    var defaultValueDescription: String { values.map(\.description).joined(separator: ",") }
}

extension ListArgument where Element == Int {
    /// Whether every value is positive (layer sizes, counts).
    var allPositive: Bool { values.allSatisfy { $0 > 0 } }
}
