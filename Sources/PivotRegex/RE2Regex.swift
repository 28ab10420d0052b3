import Foundation

// Interim: replaced by the linear-time engine.
public struct RegexError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public struct RE2Regex: @unchecked Sendable {
    let re: NSRegularExpression
    public init(_ pattern: String) throws(RegexError) {
        do { re = try NSRegularExpression(pattern: "^(?s:\(pattern))$") } catch { throw RegexError(message: "\(error)") }
    }
    public func matches(_ s: String) -> Bool {
        re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
}
