import Foundation

/// A duration expression that cannot be turned into a duration at run time (division by zero, a
/// negative range, NaN). The message matches Prometheus's, e.g. `4:10: division by zero`.
public struct DurationEvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var position: PositionRange

    public var description: String { message }
}

extension DurationExpr {
    /// The value in seconds for a query with the given step and range (both in milliseconds; an instant
    /// query has step 0 and range 0).
    public func evaluate(stepMilliseconds: Int64, rangeMilliseconds: Int64) throws(DurationEvaluationError) -> Double {
        switch self {
        case .number(let literal): return literal.value
        case .step: return Double(stepMilliseconds) / 1000
        case .range: return Double(rangeMilliseconds) / 1000
        case .minOf(let lhs, let rhs, _):
            let a = try lhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            let b = try rhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            return goMin(a, b)
        case .maxOf(let lhs, let rhs, _):
            let a = try lhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            let b = try rhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            return goMax(a, b)
        case .negate(let inner, _):
            return -(try inner.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds))
        case .paren(let inner, _):
            return try inner.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
        case .binary(let op, let lhs, let rhs):
            let a = try lhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            let b = try rhs.evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
            switch op {
            case .add: return a + b
            case .sub: return a - b
            case .mul: return a * b
            case .div:
                if b == 0 { throw failure("division by zero") }
                return a / b
            case .mod:
                if b == 0 { throw failure("modulo by zero") }
                return a.truncatingRemainder(dividingBy: b)
            case .pow: return pow(a, b)
            }
        }
    }

    /// The duration in milliseconds for a query with the given step and range, checked as Prometheus
    /// checks it: finite, within ±2^63 ns, and greater than 0 unless `allowNegative` (offsets may be negative).
    public func resolve(
        stepMilliseconds: Int64, rangeMilliseconds: Int64, allowNegative: Bool
    ) throws(DurationEvaluationError) -> Int64 {
        let seconds = try evaluate(stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds)
        if seconds.isNaN || seconds.isInfinite { throw failure("duration is NaN or infinite") }
        if seconds <= 0 && !allowNegative { throw failure("duration must be greater than 0") }
        if seconds > 9_223_372_036.854775807 || seconds < -9_223_372_036.854775808 {
            throw failure("duration is out of range")
        }
        return Int64(seconds * 1000)
    }

    private func failure(_ text: String) -> DurationEvaluationError {
        DurationEvaluationError(message: "\(position.start):\(position.end): \(text)", position: position)
    }
}

extension DurationValue {
    /// The duration in milliseconds: the fixed value, or the expression evaluated for the query.
    public func resolve(
        stepMilliseconds: Int64, rangeMilliseconds: Int64, allowNegative: Bool
    ) throws(DurationEvaluationError) -> Int64 {
        switch self {
        case .milliseconds(let value): value
        case .expression(let expr):
            try expr.resolve(
                stepMilliseconds: stepMilliseconds, rangeMilliseconds: rangeMilliseconds, allowNegative: allowNegative)
        }
    }
}

/// Go's `math.Min`: NaN wins, and -0 is less than +0.
func goMin(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    if a == 0 && b == 0 { return a.sign == .minus ? a : b }
    return a < b ? a : b
}

/// Go's `math.Max`: NaN wins, and +0 is greater than -0.
func goMax(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    if a == 0 && b == 0 { return a.sign == .plus ? a : b }
    return a > b ? a : b
}
