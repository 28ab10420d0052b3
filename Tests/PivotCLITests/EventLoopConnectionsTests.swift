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
        let app = Application(router: router, server: .http1OnEventLoops(inline: InlineRoutes(authenticator: nil)), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
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

    @Test("over a real connection, an inline route answers when it can and the router when it cannot")
    func inlineRoutesAnswerBeforeTheRouter() async throws {
        // Expects /fast answered by its inline route (never the router's handler), /fast?decline by
        // the router, and a path without an inline route by the router, all on one keep-alive client.
        let router = Router()
        router.get("/fast") { _, _ in "router" }
        router.get("/other") { _, _ in "router" }
        var inline = InlineRoutes(authenticator: nil)
        inline.add("/fast") { request in
            (request.head.path ?? "").hasSuffix("decline")
                ? nil : InlineAnswer(status: .ok, contentType: "text/plain", body: ByteBuffer(string: "inline"))
        }
        let app = Application(router: router, server: .http1OnEventLoops(inline: inline), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            for (target, expected) in [("/fast", "inline"), ("/fast?decline", "router"), ("/other", "router"), ("/fast?x=1", "inline")] {
                try await client.execute(uri: target, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == expected, "\(target)")
                    #expect(response.headers[.date] != nil)
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
