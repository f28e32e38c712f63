import LatentIO
import LatentTensor

/// Side information about classes: one row of numbers per class (its attributes, or the word
/// vector of its name), so that a class never seen in training can still be described and
/// recognised (Lampert et al. 2009, Romera-Paredes & Torr 2015, Frome et al. 2013).
///
/// As a file it is a CSV table with a header row: the first column is the class label (an
/// integer), every other column one attribute, e.g.
///
/// ```
/// class,top,upper_right,…
/// 0,1,1,…
/// ```
public struct ClassSignatures: Sendable {
    /// The class label of each row.
    public let classes: [Int]
    /// One name per column of `values` (attribute names, or "dim1", … for word vectors).
    public let attributeNames: [String]
    /// `[classes.count, attributeNames.count]`.
    public let values: Tensor
    /// Where the table came from, for messages.
    public let source: String

    /// Checks the table: at least one attribute, every value finite, each class once.
    public init(classes: [Int], attributeNames: [String], values: Tensor, source: String) throws(ZeroShotError) {
        guard !attributeNames.isEmpty else { throw .badSignatures(source, "no attribute columns after the class column") }
        guard values.shape == [classes.count, attributeNames.count] else {
            throw .badSignatures(source, "\(classes.count) classes and \(attributeNames.count) attributes, values of shape \(values.shape)")
        }
        var seen = Set<Int>()
        for c in classes {
            guard c >= 0 else { throw .badSignatures(source, "class label \(c) is negative") }
            guard seen.insert(c).inserted else { throw .badSignatures(source, "class \(c) has two rows") }
        }
        if let bad = values.scalars.firstIndex(where: { !$0.isFinite }) {
            throw .badSignatures(source, "class \(classes[bad / attributeNames.count]), attribute \(attributeNames[bad % attributeNames.count]) is not finite")
        }
        self.classes = classes
        self.attributeNames = attributeNames
        self.values = values
        self.source = source
    }

    /// Reads the CSV table at `path` (format above). A ragged row names its line; a class column
    /// that is not a whole number names its row.
    public static func read(csv path: String) throws -> ClassSignatures {
        let (header, table) = try CSV.readTable(path: path)
        guard table.rank == 2, table.shape[1] >= 2 else {
            throw ZeroShotError.badSignatures(path, "need a class column and at least one attribute column, got \(header.count) columns")
        }
        let rows = table.shape[0], columns = table.shape[1]
        guard rows >= 1 else { throw ZeroShotError.badSignatures(path, "no class rows under the header") }
        let scalars = table.scalars
        var classes: [Int] = []
        var values: [Float] = []
        for r in 0..<rows {
            let label = scalars[r * columns]
            guard label.rounded() == label, label >= 0, label < Float(1 << 24) else {
                throw ZeroShotError.badSignatures(path, "row \(r + 1): class '\(label)' is not a whole non-negative number")
            }
            classes.append(Int(label))
            values += scalars[(r * columns + 1)..<((r + 1) * columns)]
        }
        return try ClassSignatures(classes: classes, attributeNames: Array(header.dropFirst()),
                                   values: Tensor(shape: [rows, columns - 1], scalars: values), source: path)
    }

    /// The number of attributes.
    public var width: Int { attributeNames.count }

    /// The rows of `wanted`, in that order; a class without a row is an error naming it.
    public func rows(for wanted: [Int]) throws(ZeroShotError) -> Tensor {
        var index: [Int: Int] = [:]
        for (i, c) in classes.enumerated() { index[c] = i }
        var picked: [Int] = []
        for c in wanted {
            guard let i = index[c] else {
                throw .badSignatures(source, "no row for class \(c) (rows for \(classes.map(String.init).joined(separator: ",")))")
            }
            picked.append(i)
        }
        return values.gatherRows(picked)
    }
}

/// Input a zero-shot learner cannot use.
public enum ZeroShotError: Error, CustomStringConvertible {
    /// The class descriptions (`source`: the file) are unusable.
    case badSignatures(String, String)
    /// A setting or the data does not allow the task.
    case invalid(String)

    public var description: String {
        switch self {
        case .badSignatures(let source, let why): "\(source): \(why)"
        case .invalid(let why): why
        }
    }
}
