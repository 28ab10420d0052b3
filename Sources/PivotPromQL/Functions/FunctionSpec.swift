/// The signature of a PromQL function, as Prometheus's `parser.Function` describes it.
public struct FunctionSpec: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// The types of the arguments in order. A variadic function repeats the last type.
    public let argumentTypes: [ValueType]
    /// 0: exactly `argumentTypes.count` arguments. n > 0: the last argument is optional and up to n
    /// arguments of its type may be given (so between `count - 1` and `count - 1 + n`). -1: the last
    /// argument may be repeated without limit (at least `count - 1`).
    public let variadic: Int
    public let returnType: ValueType
    /// Whether calls need `ParserOptions.enableExperimentalFunctions`
    /// (Prometheus's `--enable-feature=promql-experimental-functions`).
    public let isExperimental: Bool

    public init(
        name: String, argumentTypes: [ValueType], variadic: Int = 0, returnType: ValueType,
        isExperimental: Bool = false
    ) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.variadic = variadic
        self.returnType = returnType
        self.isExperimental = isExperimental
    }

    /// The fewest arguments a call may have.
    public var minimumArgumentCount: Int { variadic == 0 ? argumentTypes.count : argumentTypes.count - 1 }

    /// The most arguments a call may have, or nil for no limit.
    public var maximumArgumentCount: Int? {
        switch variadic {
        case 0: argumentTypes.count
        case let n where n > 0: argumentTypes.count - 1 + n
        default: nil
        }
    }

    /// The expected type of argument `index` (the last type for repeated variadic arguments), or nil
    /// when a non-variadic function has no such argument.
    public func argumentType(at index: Int) -> ValueType? {
        if index < argumentTypes.count { return argumentTypes[index] }
        return variadic == 0 ? nil : argumentTypes.last
    }

    /// The function called `name` (case-sensitive), or nil.
    public static func named(_ name: String) -> FunctionSpec? { catalog[name] }

    /// Every function Prometheus 3.x knows, by name.
    public static var all: [String: FunctionSpec] { catalog }

    public var description: String { name }
}
