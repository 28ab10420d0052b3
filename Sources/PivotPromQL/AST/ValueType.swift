/// The type an expression evaluates to.
public enum ValueType: String, Hashable, Sendable, CustomStringConvertible {
    case none
    case scalar
    case vector
    case matrix
    case string

    /// The name Prometheus's documentation and error messages use: `instant vector`, `range vector`.
    public var documentedName: String {
        switch self {
        case .vector: "instant vector"
        case .matrix: "range vector"
        default: rawValue
        }
    }

    public var description: String { rawValue }
}
