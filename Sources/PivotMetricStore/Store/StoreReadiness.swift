/// Where the store is in its life. `/-/ready` answers 200 only in `.ready`.
public enum StoreReadiness: Sendable, Hashable, CustomStringConvertible {
    /// Opened; recovery has not started.
    case starting
    /// Loading the database and replaying the write-ahead log.
    case replaying
    /// Accepting writes and queries.
    case ready
    /// `close()` is running: the final checkpoint.
    case closing
    case closed
    /// Recovery failed with this message; the store accepts nothing.
    case failed(String)

    public var description: String {
        switch self {
        case .starting: "starting"
        case .replaying: "replaying the write-ahead log"
        case .ready: "ready"
        case .closing: "closing"
        case .closed: "closed"
        case .failed(let message): "failed: \(message)"
        }
    }
}
