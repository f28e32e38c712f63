import Dispatch
import Foundation
import Synchronization

/// A server running in the background of this process, for the demo and for tests: started on a
/// port (0: any free one), its URL known once it listens, stopped by `stop()`.
public final class ExplorerSession: Sendable {
    /// The base URL, `http://127.0.0.1:PORT/`.
    public let url: String
    private let task: Task<Void, any Error>

    private init(url: String, task: Task<Void, any Error>) {
        self.url = url
        self.task = task
    }

    /// Starts `server` and waits (at most `timeout` seconds) until it listens.
    public static func start(_ server: ExplorerServer, timeout: Double = 30) async throws -> ExplorerSession {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            // Stopping is a cancellation, which Hummingbird logs as an error: nothing went wrong.
            try await server.application(logLevel: .critical, onReady: { continuation.yield($0) }).run()
        }
        let first = Task<String?, Never> {
            for await url in stream { return url }
            return nil
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            first.cancel()
        }
        defer { watchdog.cancel() }
        guard let url = await first.value else {
            task.cancel()
            if case .failure(let error) = await task.result { throw error }
            throw ServeError(.serviceUnavailable, code: "not_started", "the server did not start within \(timeout) s")
        }
        return ExplorerSession(url: url, task: task)
    }

    /// Stops the server and waits until it has.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Runs async work to its end from synchronous code (a command's `run()`), blocking the calling
/// thread; Swift concurrency's own threads do the work.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = outcome.withLock({ $0 }) else {
        throw ServeError(.internalServerError, code: "internal", "the task ended without a result")
    }
    return try result.get()
}
