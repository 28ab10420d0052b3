import Foundation
import PivotModel
import PivotPromQL

/// Element-wise functions over an instant vector's floats.
enum InstantFunctions {
    static let math: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) }, "ceil": { Foundation.ceil($0) }, "floor": { Foundation.floor($0) },
        "exp": { Foundation.exp($0) }, "sqrt": { $0.squareRoot() }, "ln": { Foundation.log($0) },
        "log2": { Foundation.log2($0) }, "log10": { Foundation.log10($0) },
        "sin": { Foundation.sin($0) }, "cos": { Foundation.cos($0) }, "tan": { Foundation.tan($0) },
        "asin": { Foundation.asin($0) }, "acos": { Foundation.acos($0) }, "atan": { Foundation.atan($0) },
        "sinh": { Foundation.sinh($0) }, "cosh": { Foundation.cosh($0) }, "tanh": { Foundation.tanh($0) },
        "asinh": { Foundation.asinh($0) }, "acosh": { Foundation.acosh($0) }, "atanh": { Foundation.atanh($0) },
        "rad": { $0 * Double.pi / 180 }, "deg": { $0 * 180 / Double.pi },
        "sgn": { $0 < 0 ? -1 : ($0 > 0 ? 1 : $0) },
    ]

    static let dateFunctions: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
    ]

    /// A date function of Unix seconds (truncated to whole seconds), in UTC.
    static func date(_ name: String, _ seconds: Double) -> Double {
        guard seconds.isFinite, abs(seconds) < 1e15 else { return .nan }
        let time = CivilTime(secondsSinceEpoch: Int64(seconds.rounded(.towardZero)))
        let (secondOfDay, day, month, year) = (time.secondOfDay, time.day, time.month, time.year)
        let monthDays: [Int64] = [31, time.isLeapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        switch name {
        case "minute": return Double(secondOfDay / 60 % 60)
        case "hour": return Double(secondOfDay / 3_600)
        case "day_of_month": return Double(day)
        case "day_of_week": return Double(time.weekday)
        case "day_of_year": return Double(monthDays.prefix(Int(month - 1)).reduce(0, +) + day)
        case "month": return Double(month)
        case "year": return Double(year)
        case "days_in_month": return Double(monthDays[Int(month - 1)])
        default: return .nan
        }
    }
}

extension Evaluator {
    /// Marks a function's output as having lost its metric name.
    func renamed(_ sample: StepSample, value: Double) -> StepSample {
        StepSample(
            labels: delayedNameRemoval ? sample.labels : sample.labels.droppingMetricName, value: value, dropName: true)
    }

    func instantFunction(_ name: String, _ call: Call, _ args: [StepInput], _ ts: Int64) throws(EngineError) -> [StepSample] {
        if let function = InstantFunctions.math[name] {
            return args[0].samples.map { renamed($0, value: function($0.value)) }
        }
        if InstantFunctions.dateFunctions.contains(name) {
            if args.isEmpty {
                return [StepSample(labels: .empty, value: InstantFunctions.date(name, Double(ts) / 1000), dropName: false)]
            }
            return args[0].samples.map { renamed($0, value: InstantFunctions.date(name, $0.value)) }
        }
        switch name {
        case "clamp", "clamp_min", "clamp_max":
            let lower = name == "clamp_max" ? -Double.infinity : args[1].scalarValue
            let upper = name == "clamp" ? args[2].scalarValue : (name == "clamp_max" ? args[1].scalarValue : .infinity)
            if upper < lower { return [] }
            return args[0].samples.map { renamed($0, value: goMax(lower, goMin(upper, $0.value))) }
        case "round":
            let toNearest = args.count > 1 ? args[1].scalarValue : 1
            let inverse = 1.0 / toNearest
            return args[0].samples.map { renamed($0, value: Foundation.floor($0.value * inverse + 0.5) / inverse) }
        case "timestamp":
            return args[0].samples.map { renamed($0, value: Double(ts) / 1000) }
        case "vector":
            return [StepSample(labels: .empty, value: args[0].scalarValue, dropName: false)]
        case "sort":
            return args[0].samples.enumerated().sorted { a, b in
                Self.orders(a.element.value, b.element.value, descending: false) ?? (a.offset < b.offset)
            }.map(\.element)
        case "sort_desc":
            return args[0].samples.enumerated().sorted { a, b in
                Self.orders(a.element.value, b.element.value, descending: true) ?? (a.offset < b.offset)
            }.map(\.element)
        case "sort_by_label", "sort_by_label_desc":
            let names = args.dropFirst().map { arg -> String in if case .string(let s) = arg { return s } else { return "" } }
            let descending = name == "sort_by_label_desc"
            return args[0].samples.sorted { a, b in
                for label in names {
                    let x = a.labels[label], y = b.labels[label]
                    if x != y {
                        let less = NaturalSort.less(x, y)
                        return descending ? !less : less
                    }
                }
                return descending ? b.labels < a.labels : a.labels < b.labels
            }
        case "histogram_quantile":
            return histogramQuantile(args[0].scalarValue, args[1].samples, ts)
        case "histogram_fraction":
            return histogramFraction(args[0].scalarValue, args[1].scalarValue, args[2].samples)
        default:
            throw EngineError(.notSupported, "function \(name)() is not supported by this PromQL engine yet")
        }
    }

    /// Ascending (or descending) by value with NaN last; nil when equal.
    static func orders(_ a: Double, _ b: Double, descending: Bool) -> Bool? {
        if a.isNaN || b.isNaN {
            if a.isNaN && b.isNaN { return nil }
            return b.isNaN
        }
        if a == b { return nil }
        return descending ? a > b : a < b
    }
}

/// Go's `math.Min`/`math.Max`: NaN wins; -0 is below +0.
func goMin(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    if a == 0 && b == 0 { return a.sign == .minus ? a : b }
    return a < b ? a : b
}

func goMax(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    if a == 0 && b == 0 { return a.sign == .plus ? a : b }
    return a > b ? a : b
}

/// Compares strings with runs of digits ordered by number (`a2` before `a10`), as `sort_by_label` does.
enum NaturalSort {
    static func less(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0, j = 0
        while i < x.count && j < y.count {
            let dx = x[i].properties.numericType == .decimal, dy = y[j].properties.numericType == .decimal
            if dx && dy {
                var ei = i, ej = j
                while ei < x.count && x[ei].properties.numericType == .decimal { ei += 1 }
                while ej < y.count && y[ej].properties.numericType == .decimal { ej += 1 }
                let nx = String(String.UnicodeScalarView(x[i..<ei])).drop { $0 == "0" }
                let ny = String(String.UnicodeScalarView(y[j..<ej])).drop { $0 == "0" }
                if nx.count != ny.count { return nx.count < ny.count }
                if nx != ny { return nx < ny }
                i = ei
                j = ej
            } else {
                if x[i] != y[j] { return x[i].value < y[j].value }
                i += 1
                j += 1
            }
        }
        return x.count - i < y.count - j
    }
}
