/// A half-open range of byte offsets into the query text: `start` is the first byte, `end` the byte
/// after the last one. Offsets count UTF-8 bytes, as Prometheus's `posrange.PositionRange` does.
public struct PositionRange: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The empty range at offset 0, used for nodes that were not parsed from text.
    public static let none = PositionRange(start: 0, end: 0)

    /// The smallest range covering both `self` and `other`.
    public func merged(with other: PositionRange) -> PositionRange {
        PositionRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    public var description: String { "[\(start),\(end))" }
}

/// A position in the query text for people: 1-based line, and 1-based column counted in bytes from
/// the start of the line (Prometheus's `line:col` in parse errors).
public struct TextPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The line and column of byte offset `offset` in `query`, or nil when the offset lies outside it.
    public init?(offset: Int, in query: String) {
        let bytes = Array(query.utf8)
        guard offset >= 0, offset <= bytes.count else { return nil }
        var line = 1
        var lastLineBreak = -1
        for index in 0..<offset where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lastLineBreak = index
        }
        self.init(line: line, column: offset - lastLineBreak)
    }

    public var description: String { "\(line):\(column)" }
}
