import Foundation
import Hummingbird

/// Turns every error a handler throws (and requests the router has no route for) into a 4xx or
/// 5xx with a JSON body, and refuses over-long request targets before any handler parses them.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The longest request target (path and query) accepted, in bytes.
    let maxTargetLength: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let target = request.uri.string.utf8.count
        if target > maxTargetLength {
            return Self.response(ServeError(.uriTooLong, code: "uri_too_long",
                                            "the request target has \(target) bytes; at most \(maxTargetLength) are accepted"))
        }
        do {
            return try await next(request, context)
        } catch let error as ServeError {
            return Self.response(error)
        } catch let error as HTTPError {
            let code = error.status == .notFound ? "not_found"
                : error.status == .contentTooLarge ? "body_too_large" : "http_\(error.status.code)"
            let message = error.body ?? (error.status == .notFound ? "no such endpoint: \(request.uri.path)" : error.status.reasonPhrase)
            return Self.response(ServeError(error.status, code: code, message))
        } catch let error as any HTTPResponseError {
            let code = error.status == .contentTooLarge ? "body_too_large" : "http_\(error.status.code)"
            return Self.response(ServeError(error.status, code: code, "\(error.status.reasonPhrase): \(error)"))
        } catch {
            return Self.response(ServeError(.internalServerError, code: "internal", "\(error)"))
        }
    }

    /// The JSON answer for `error`.
    static func response(_ error: ServeError) -> Response {
        let body = ["error": ["code": error.code, "message": error.message]]
        let bytes = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: error.status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
