import Hummingbird
import HummingbirdTesting
import Foundation
import PivotHTTP
import Testing

@testable import PivotCLI

/// Connection tasks on their event loop, and the routes `ExecutorMiddleware` sends back to the pool.
@Suite struct EventLoopConnectionsTests {
    /// "loop" when the handler runs on a NIO event loop thread (named `NIO-…`), "pool" otherwise.
    static func whereItRuns() -> String {
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return name.hasPrefix("NIO-") ? "loop" : "pool"
    }

    @Test("over a real connection, listed routes run on the connection's event loop and the others do not")
    func routesRunWhereTheMiddlewareSays() async throws {
        // Expects the listed path handled on an event loop thread (no hand-off) and any other path on
        // the global executor, so a route that may run long never holds up a loop.
        let router = Router()
        router.add(middleware: ExecutorMiddleware(eventLoopPaths: ["/on-loop"]))
        router.get("/on-loop") { _, _ in Self.whereItRuns() }
        router.get("/off-loop") { _, _ in Self.whereItRuns() }
        let app = Application(router: router, server: .http1OnEventLoops, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/on-loop", method: .get) { response in
                    #expect(String(buffer: response.body) == "loop")
                }
                try await client.execute(uri: "/off-loop", method: .get) { response in
                    #expect(String(buffer: response.body) == "pool")
                }
            }
        }
    }

    @Test("without the wrapper every handler runs off the event loop (what the wrapper changes)")
    func plainHTTP1HandsOff() async throws {
        // Expects Hummingbird's own HTTP/1 server to hand requests to the pool, even for a listed path.
        let router = Router()
        router.add(middleware: ExecutorMiddleware(eventLoopPaths: ["/on-loop"]))
        router.get("/on-loop") { _, _ in Self.whereItRuns() }
        let app = Application(router: router, server: .http1(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await client.execute(uri: "/on-loop", method: .get) { response in
                #expect(String(buffer: response.body) == "pool")
            }
        }
    }
}
