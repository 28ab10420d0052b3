import PivotPromQL
import PivotPromQLEngine
import Synchronization

/// The parsed expressions of recent query texts. Dashboards send the same texts again and again,
/// and a text always parses to the same expression (the parser options are the server's), so each
/// is parsed once: for a small query, parsing was about a tenth of the server's work per request.
/// Texts that do not parse are not kept; their error comes from the parser every time.
final class ParsedQueries: Sendable {
    /// Texts remembered; past it the memory starts over.
    static let capacity = 4_096

    private let parsed = Mutex<[String: Expr]>([:])

    /// The expression of `query`, parsed by `engine` unless remembered.
    func expr(_ query: String, _ engine: Engine) throws(EngineError) -> Expr {
        if let expr = parsed.withLock({ $0[query] }) { return expr }
        let expr = try engine.parse(query)
        parsed.withLock { parsed in
            if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
            parsed[query] = expr
        }
        return expr
    }

    var count: Int { parsed.withLock { $0.count } }
}
