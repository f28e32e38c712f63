import Hummingbird

/// An error the explorer's HTTP API answers with: a status, a stable machine-readable code and a
/// one-line message, sent as `{"error": {"code": …, "message": …}}`.
public struct ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status of the answer (always 4xx or 5xx).
    public var status: HTTPResponse.Status
    /// A short code a client can switch on (`"bad_request"`, `"path_outside_root"`, …).
    public var code: String
    /// What was wrong, in one line.
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The message alone: what the command line prints (the status and code travel in the JSON).
    public var description: String { message }

    static func badRequest(_ message: String, code: String = "bad_request") -> ServeError {
        ServeError(.badRequest, code: code, message)
    }

    static func notFound(_ message: String) -> ServeError { ServeError(.notFound, code: "not_found", message) }

    static func forbidden(_ message: String) -> ServeError { ServeError(.forbidden, code: "path_outside_root", message) }
}
