import PivotPromQL

/// PromQL text through the parsers the HTTP API uses: `parseExpr` with every feature on (as
/// `/api/v1/query` does), `parseMetricSelector` (`match[]`) and `parseDuration`. Checks the printer's
/// contract: a parsed expression prints to text that parses back to the same printed form, and the
/// pretty form (`/api/v1/format_query`) is produced without a crash.
enum PromQLFuzzing {
    static func run(_ input: UnsafeRawBufferPointer) {
        let text = FuzzInvariant.text(input)
        if let expr = try? parseExpr(text, options: .allFeatures) {
            let printed = expr.description
            do {
                let reparsed = try parseExpr(printed, options: .allFeatures)
                FuzzInvariant.check(
                    reparsed.description == printed,
                    "printing is not stable: \(printed) re-parses and prints as \(reparsed.description)")
            } catch {
                FuzzInvariant.check(false, "printed expression does not parse: \(printed): \(error)")
            }
            _ = expr.prettyPrinted()
        }
        _ = try? parseMetricSelector(text)
        if let milliseconds = try? parseDuration(text) {
            FuzzInvariant.check(milliseconds >= 0, "negative duration \(milliseconds) from \(text)")
            let formatted = formatDuration(milliseconds: milliseconds)
            FuzzInvariant.check(
                (try? parseDuration(formatted)) == milliseconds, "duration \(milliseconds) prints as \(formatted), which differs")
        }
    }
}
