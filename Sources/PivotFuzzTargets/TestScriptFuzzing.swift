import PivotPromQLTesting

/// PromQL test scripts (Prometheus's `promql/promqltest` format) through `PromQLTestScript(parsing:)`,
/// as `make conformance` reads them. Problems with single commands become `.invalid` commands; nothing
/// may crash or expand without bound.
enum TestScriptFuzzing {
    static func run(_ input: UnsafeRawBufferPointer) {
        let script = PromQLTestScript(parsing: FuzzInvariant.text(input))
        _ = script.commands.count
    }
}
