import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import PivotAuth
import Synchronization
import Testing

@testable import PivotHTTP

/// The connection handler in front of the router: what it answers itself, and that everything else
/// reaches the router exactly as it was read, in order.
@Suite struct InlineRequestHandlerTests {
    /// Routes for the tests: `/inline` answers with the request's method, target and body; `/maybe`
    /// declines (nil). Counts the calls.
    final class Calls: Sendable {
        let count = Atomic<Int>(0)
    }

    static func routes(authenticator: Authenticator? = nil, calls: Calls = Calls()) -> InlineRoutes {
        var routes = InlineRoutes(authenticator: authenticator)
        routes.add("/inline") { request in
            calls.count.add(1, ordering: .relaxed)
            let body = request.body.map { String(buffer: $0) } ?? ""
            return InlineAnswer(
                status: .ok, contentType: "text/plain",
                body: ByteBuffer(string: "\(request.head.method) \(request.head.path ?? "") [\(body)]"))
        }
        routes.add("/maybe") { _ in
            calls.count.add(1, ordering: .relaxed)
            return nil
        }
        return routes
    }

    static func channel(_ routes: InlineRoutes) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(routes.makeHandler())
        return channel
    }

    static func head(_ method: HTTPRequest.Method, _ target: String, _ fields: HTTPFields = [:]) -> HTTPRequestPart {
        .head(HTTPRequest(method: method, scheme: nil, authority: nil, path: target, headerFields: fields))
    }

    /// Every part the router was handed, described ("head GET /x", "body abc", "end").
    static func routerSaw(_ channel: EmbeddedChannel) throws -> [String] {
        var seen: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            switch part {
            case .head(let head): seen.append("head \(head.method) \(head.path ?? "")")
            case .body(let body): seen.append("body \(String(buffer: body))")
            case .end: seen.append("end")
            }
        }
        return seen
    }

    /// The answers written on the connection: status, headers and body of each.
    static func answers(_ channel: EmbeddedChannel) throws -> [(status: Int, fields: HTTPFields, body: String)] {
        var answers: [(Int, HTTPFields, String)] = []
        var current: (Int, HTTPFields, String)?
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let head): current = (head.status.code, head.headerFields, "")
            case .body(let body): current?.2 += String(buffer: body)
            case .end:
                if let done = current { answers.append(done) }
                current = nil
            }
        }
        return answers
    }

    @Test func aRouteThatAnswersIsAnsweredOnTheConnectionAndTheRouterSeesNothing() throws {
        // Expects one complete answer (type, length, date, body) and no part passed on.
        let channel = try Self.channel(Self.routes())
        try channel.writeInbound(Self.head(.get, "/inline?a=1"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        let answers = try Self.answers(channel)
        #expect(answers.count == 1)
        #expect(answers.first?.status == 200)
        #expect(answers.first?.body == "GET /inline?a=1 []")
        #expect(answers.first?.fields[.contentType] == "text/plain")
        #expect(answers.first?.fields[.contentLength] == "18")
        #expect(answers.first?.fields[.date]?.hasSuffix(" GMT") == true)
        #expect(try Self.routerSaw(channel).isEmpty)
    }

    @Test func aFormBodyInSeveralPartsReachesTheRouteWhole() throws {
        let channel = try Self.channel(Self.routes())
        try channel.writeInbound(Self.head(.post, "/inline", [.contentType: "application/x-www-form-urlencoded"]))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "query=")))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "up")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.answers(channel).map(\.body) == ["POST /inline [query=up]"])
        #expect(try Self.routerSaw(channel).isEmpty)
    }

    @Test func aRouteThatDeclinesHandsTheWholeRequestToTheRouterUnchanged() throws {
        // The held head and body parts are passed on as read, then the end; nothing is written.
        let calls = Calls()
        let channel = try Self.channel(Self.routes(calls: calls))
        try channel.writeInbound(Self.head(.post, "/maybe?x=1"))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "abc")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(calls.count.load(ordering: .relaxed) == 1)
        #expect(try Self.routerSaw(channel) == ["head POST /maybe?x=1", "body abc", "end"])
        #expect(try Self.answers(channel).isEmpty)
    }

    @Test func otherPathsMethodsAndConnectionsThatCloseOrExpectGoToTheRouter() throws {
        // None of these is even offered to a route.
        let calls = Calls()
        let channel = try Self.channel(Self.routes(calls: calls))
        let heads: [HTTPRequestPart] = [
            Self.head(.get, "/other"), Self.head(.put, "/inline"), Self.head(.head, "/inline"),
            Self.head(.get, "/inline", [.connection: "close"]), Self.head(.get, "/inline", [.connection: "Keep-Alive, Close"]),
            Self.head(.post, "/inline", [.expect: "100-continue"]), Self.head(.get, "/inline/"),
        ]
        var expected: [String] = []
        for head in heads {
            try channel.writeInbound(head)
            try channel.writeInbound(HTTPRequestPart.end(nil))
            guard case .head(let request) = head else { continue }
            expected += ["head \(request.method) \(request.path ?? "")", "end"]
            // The router answers each before the next arrives.
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        #expect(try Self.routerSaw(channel) == expected)
        #expect(calls.count.load(ordering: .relaxed) == 0)
    }

    @Test func aBodyOverTheLimitGoesToTheRouterAsItArrives() throws {
        // The held part and every later one are passed on in order; the route is never asked.
        let calls = Calls()
        let channel = try Self.channel(Self.routes(calls: calls))
        let first = String(repeating: "a", count: InlineRoutes.maxBodyBytes - 10)
        try channel.writeInbound(Self.head(.post, "/inline"))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: first)))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: String(repeating: "b", count: 11))))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "c")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.routerSaw(channel) == ["head POST /inline", "body \(first)", "body bbbbbbbbbbb", "body c", "end"])
        #expect(calls.count.load(ordering: .relaxed) == 0)
    }

    @Test func whileTheRouterOwesAnAnswerLaterRequestsGoThereTooSoAnswersKeepTheirOrder() throws {
        // Pipelined: /other then /inline. The second must not overtake the first's answer; once the
        // router's answer has ended, the next /inline is answered on the connection again.
        let calls = Calls()
        let channel = try Self.channel(Self.routes(calls: calls))
        try channel.writeInbound(Self.head(.get, "/other"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        try channel.writeInbound(Self.head(.get, "/inline?n=2"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.routerSaw(channel) == ["head GET /other", "end", "head GET /inline?n=2", "end"])
        #expect(try Self.answers(channel).isEmpty)

        for _ in 0..<2 {
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.body(ByteBuffer(string: "router")))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
        }
        try channel.writeInbound(Self.head(.get, "/inline?n=3"))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.answers(channel).map(\.body) == ["router", "router", "GET /inline?n=3 []"])
        #expect(calls.count.load(ordering: .relaxed) == 1)
    }

    @Test func credentialsThatNeedAVerificationOrAreWrongGoToTheRouter() async throws {
        // With an authenticator, a valid bearer token is answered here; no header, a wrong token and a
        // password not verified yet go to the router (which answers 401 or verifies); a verified one
        // is answered here.
        let authenticator = try Authenticator(
            users: ["alice": BcryptHash("$2b$04$BTDswjnDtWOeaJKInezMceaC0TKQsNUPL3qZklki2LDe9WuN3BTOm")],  // "correct horse"
            bearerTokens: [.init(name: "grafana", token: "tok")])
        let channel = try Self.channel(Self.routes(authenticator: authenticator))
        let alice = "Basic " + Data("alice:correct horse".utf8).base64EncodedString()
        let tries: [(String?, Bool)] = [(nil, false), ("Bearer nope", false), ("Bearer tok", true), (alice, false)]
        for (authorization, inline) in tries {
            var fields: HTTPFields = [:]
            if let authorization { fields[.authorization] = authorization }
            try channel.writeInbound(Self.head(.get, "/inline", fields))
            try channel.writeInbound(HTTPRequestPart.end(nil))
            #expect(try Self.answers(channel).count == (inline ? 1 : 0), "\(authorization ?? "none")")
            let passed = try Self.routerSaw(channel)
            #expect(passed == (inline ? [] : ["head GET /inline", "end"]), "\(authorization ?? "none")")
            if !inline {
                try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .unauthorized)))
                try channel.writeOutbound(HTTPResponsePart.end(nil))
                _ = try Self.answers(channel)
            }
        }
        #expect(await authenticator.decide(authorization: alice, role: .query) == .granted(identity: "alice"))
        try channel.writeInbound(Self.head(.get, "/inline", [.authorization: alice]))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try Self.answers(channel).count == 1)
    }

    @Test(arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 GMT"), (1_795_820_461, "Fri, 27 Nov 2026 23:01:01 GMT"),
        (951_825_600, "Tue, 29 Feb 2000 12:00:00 GMT"), (4_107_542_399, "Sun, 28 Feb 2100 23:59:59 GMT"), (4_107_628_799, "Mon, 01 Mar 2100 23:59:59 GMT"),
    ])
    func datesAreIMFFixdate(seconds: Int64, text: String) {
        #expect(HTTPDate.format(secondsSinceEpoch: seconds) == text)
    }
}
