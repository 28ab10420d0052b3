import PivotModel
import PivotPromQL
import PivotPromQLEngine

/// JSON encoding of query results exactly as Prometheus's API writes them: timestamps as float
/// seconds (`jsonutil.MarshalTimestamp`), values as strings (`jsonutil.MarshalValue`).
enum QueryResultJSON {
    static func data(_ value: QueryValue) -> String {
        var out = "{\"resultType\":\"\(value.resultType)\",\"result\":"
        switch value {
        case .scalar(let point):
            out += pair(point.timestamp, GoFloatFormat.apiValue(point.value))
        case .string(let text, let time):
            out += "[" + timestamp(time) + "," + JSONString.quote(text) + "]"
        case .vector(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                out += "{\"metric\":" + labels(element.labels) + ",\"value\":"
                out += pair(element.timestamp, GoFloatFormat.apiValue(element.value)) + "}"
            }
            out += "]"
        case .matrix(let series):
            out += "["
            for (index, one) in series.enumerated() {
                if index > 0 { out += "," }
                out += "{\"metric\":" + labels(one.labels) + ",\"values\":["
                for (pointIndex, point) in one.points.enumerated() {
                    if pointIndex > 0 { out += "," }
                    out += pair(point.timestamp, GoFloatFormat.apiValue(point.value))
                }
                out += "]}"
            }
            out += "]"
        }
        return out + "}"
    }

    static func pair(_ time: Int64, _ value: String) -> String {
        "[" + timestamp(time) + ",\"" + value + "\"]"
    }

    /// Milliseconds as float seconds: the integer part, then `.` and exactly three digits when the
    /// millisecond fraction is not zero.
    static func timestamp(_ milliseconds: Int64) -> String {
        var out = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        out += String(magnitude / 1000)
        let fraction = magnitude % 1000
        if fraction != 0 {
            out += "." + (fraction < 100 ? "0" : "") + (fraction < 10 ? "0" : "") + String(fraction)
        }
        return out
    }

    static func labels(_ labels: Labels) -> String {
        "{" + labels.map { JSONString.quote($0.name) + ":" + JSONString.quote($0.value) }.joined(separator: ",") + "}"
    }
}
