import Dispatch
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits in a connection's pipeline between the HTTP codec and Hummingbird, and answers the requests
/// `InlineRoutes` can answer at once; every other request, and every part of it, passes on
/// unchanged to the router.
///
/// A request whose head names an inline route is held back until its end (with its body, up to
/// `InlineRoutes.maxBodyBytes`). If the route then answers, the answer is written here and the router
/// never sees the request; if not, the held parts are passed on as they were read.
final class InlineRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private struct Held {
        var head: HTTPRequest
        var path: String
        var route: InlineRoutes.Route
        var body: ByteBuffer?
        var started: UInt64
    }

    private let routes: InlineRoutes
    /// Requests passed on to the router whose response has not ended yet. While there is one, later
    /// requests (pipelined) are passed on too, so that answers leave in the order of their requests.
    private var withRouter = 0
    private var held: Held?
    private var date = HTTPDate()

    init(routes: InlineRoutes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if withRouter == 0, let (path, route) = routes.route(for: head) {
                held = Held(head: head, path: path, route: route, started: DispatchTime.now().uptimeNanoseconds)
            } else {
                withRouter += 1
                context.fireChannelRead(data)
            }
        case .body(var part):
            guard var request = held else {
                context.fireChannelRead(data)
                return
            }
            if (request.body?.readableBytes ?? 0) + part.readableBytes > InlineRoutes.maxBodyBytes {
                passOn(request, context: context)
                context.fireChannelRead(data)
                return
            }
            held = nil  // so the buffer below is uniquely referenced while it grows
            if request.body == nil {
                request.body = part
            } else {
                request.body!.writeBuffer(&part)
            }
            held = request
        case .end:
            guard let request = held else {
                context.fireChannelRead(data)
                return
            }
            held = nil
            guard let answer = request.route(InlineRequest(head: request.head, body: request.body)) else {
                passOn(request, context: context)
                context.fireChannelRead(data)
                return
            }
            write(answer, context: context)
            routes.metrics.record(
                handler: request.path, code: answer.status.code,
                nanoseconds: DispatchTime.now().uptimeNanoseconds - request.started)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's writes pass through here: this handler's own start below it.
        if case .end = unwrapOutboundIn(data) { withRouter = max(0, withRouter - 1) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        held = nil
        context.fireChannelInactive()
    }

    /// Hands a held request's head, and its body so far, to the router.
    private func passOn(_ request: Held, context: ChannelHandlerContext) {
        held = nil
        withRouter += 1
        context.fireChannelRead(wrapInboundOut(.head(request.head)))
        if let body = request.body { context.fireChannelRead(wrapInboundOut(.body(body))) }
    }

    /// The head, as Hummingbird writes it (type, length, date), the body and the end, in one flush.
    private func write(_ answer: InlineAnswer, context: ChannelHandlerContext) {
        var head = HTTPResponse(status: answer.status)
        head.headerFields[.contentType] = answer.contentType
        head.headerFields[.contentLength] = String(answer.body.readableBytes)
        head.headerFields[.date] = date.now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(answer.body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
