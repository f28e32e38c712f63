import Foundation
import Hummingbird
import Logging
import NIOCore

/// The explorer's web server: the page, its script and the JSON API over an `Explorer`.
///
/// ```swift
/// let explorer = Explorer(catalog: try Catalog.load(paths), roots: try ServedRoots(paths))
/// try await ExplorerServer(explorer: explorer, host: "127.0.0.1", port: 0).run { url in print(url) }
/// ```
public struct ExplorerServer: Sendable {
    public let explorer: Explorer
    public let host: String
    public let port: Int

    /// A server for `explorer` on `host:port` (port 0: any free port, told to `run`'s `onReady`).
    public init(explorer: Explorer, host: String = "127.0.0.1", port: Int = 8080) {
        self.explorer = explorer
        self.host = host
        self.port = port
    }

    /// The router with every endpoint; also what the tests drive without a socket.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware(maxTargetLength: explorer.limits.maxTarget))
        router.add(middleware: BodyLimitMiddleware(maxBody: explorer.limits.maxBody))
        ExplorerRoutes(explorer: explorer).add(to: router)
        return router
    }

    /// The application, listening once run. Hummingbird's own log lines below `logLevel` are
    /// dropped (the URL line says that the server started; a request error is answered, not logged).
    public func application(logLevel: Logger.Level = .warning, onReady: @escaping @Sendable (String) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let host = self.host
        var logger = Logger(label: "latent-serve")
        logger.logLevel = logLevel
        return Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "latent"),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? 0
                               let shown = host.contains(":") ? "[\(host)]" : host
                               await onReady("http://\(shown):\(port)/")
                           }, logger: logger)
    }

    /// Serves until the process gets SIGINT or SIGTERM (or the task is cancelled); `onReady` gets
    /// the URL once the socket listens.
    public func run(onReady: @escaping @Sendable (String) async -> Void = { _ in }) async throws {
        try await application(onReady: onReady).runService()
    }
}

/// Refuses a request whose declared body is larger than the limit before any of it is read (a
/// body without a length is still cut at the limit by the handlers that read one).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBody: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBody {
            throw ServeError(.contentTooLarge, code: "body_too_large", "the body has \(declared) bytes; at most \(maxBody) are accepted")
        }
        return try await next(request, context)
    }
}
