/// Why a snappy block could not be decompressed.
public struct SnappyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A growable set of reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The block is not valid snappy (bad header, bad element, wrong length).
        public static let corrupt = Code("corrupt")
        /// The block declares more uncompressed bytes than the caller allows.
        public static let tooLarge = Code("tooLarge")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
