/// A bad flag value: names the flag and the value, and says what is wrong, in one line.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong with a value, without the flag (the caller adds it).
    public struct Reason: Error, Hashable, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    public var flag: String
    public var value: String
    public var message: String

    public init(flag: String, value: String, message: String) {
        self.flag = flag
        self.value = value
        self.message = message
    }

    public var description: String { "invalid value \"\(value)\" for flag --\(flag): \(message)" }
}
