/// Pivot could not start: a listener could not bind, the storage could not be opened or locked.
public struct StartupError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
