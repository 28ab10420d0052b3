/// A malformed protobuf message met by `ProtoWireCursor` or `OTLPWalker`.
struct ProtoWireError: Error, CustomStringConvertible {
    /// What went wrong; new codes may be added.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        var description: String { name }

        /// The message ends inside a tag, a varint, a fixed-width value or a length-delimited field.
        static let truncated = Code("truncated")
        /// A varint longer than ten bytes, a field number 0, a group, or an unknown wire type.
        static let malformed = Code("malformed")
        /// A known field arrived with a wire type its schema does not allow.
        static let wrongWireType = Code("wrongWireType")
        /// `AnyValue` lists nested deeper than `OTLPWalker.maxAnyValueDepth`.
        static let tooDeep = Code("tooDeep")
    }

    var code: Code
    var message: String
    /// Byte offset in the whole message where the problem was found.
    var offset: Int

    init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    var description: String { "\(message) (at byte \(offset))" }
}
