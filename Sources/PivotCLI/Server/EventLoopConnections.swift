import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import PivotHTTP

/// Runs a Swift task's jobs on one NIO event loop.
///
/// Hummingbird starts each connection's task without an executor preference, so by default a request
/// is handed from the event loop that read it to a thread of the global pool, and its answer back:
/// two wake-ups, which were about 40% of the server CPU of a trivial request here (context switches
/// and the spin-unlocks of waking threads). A connection whose task prefers its event loop's executor
/// reads, handles and writes on one thread. `ExecutorMiddleware` sends the routes that may run long
/// back to the global executor.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A child channel whose connection task runs on the connection's own event loop.
struct EventLoopConnections<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        let executor = EventLoopTaskExecutor(value.channel.eventLoop)
        await withTaskExecutorPreference(executor) { await base.handle(value: value, logger: logger) }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 (Hummingbird's `HTTP1Channel`) with each connection's task on its event loop, and
    /// each connection answering the `inline` routes itself when they can (`InlineRoutes`).
    static func http1OnEventLoops(inline: InlineRoutes) -> HTTPServerBuilder {
        .init { responder in
            let configuration = HTTP1Channel.Configuration(additionalChannelHandlers: inline.isEmpty ? [] : [inline.makeHandler()])
            return EventLoopConnections(base: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
