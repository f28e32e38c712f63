/// A problem with what the user asked for (a file, a flag value, a run folder), said in one line
/// that names what and where.
public struct ExperimentError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
