import PivotSQLite
import Synchronization

/// Reading connections, so concurrent reads (and a long search) do not wait for each other: a read
/// takes an idle connection or opens one, and gives it back when done; at most `idleLimit` are
/// kept open between reads.
final class ReaderPool: Sendable {
    let path: String
    let cacheKiB: Int
    let idleLimit: Int
    private let state: Mutex<State>

    private struct State {
        var idle: [Reader]
        var closed = false
    }

    init(path: String, cacheKiB: Int, idleLimit: Int, first: Reader) {
        self.path = path
        self.cacheKiB = cacheKiB
        self.idleLimit = max(1, idleLimit)
        state = Mutex(State(idle: [first]))
    }

    static func open(path: String, cacheKiB: Int) throws(SQLiteError) -> Reader {
        var options = SQLiteOptions()
        options.cacheSizeKiB = cacheKiB
        options.access = .readWrite
        options.enforceForeignKeys = false
        return try Reader(database: try SQLiteDatabase(path: path, options: options))
    }

    func withReader<T>(_ body: (Reader) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        let reader: Reader
        if let idle = state.withLock({ $0.idle.popLast() }) {
            reader = idle
        } else {
            reader = try Self.open(path: path, cacheKiB: cacheKiB)
        }
        defer { giveBack(reader) }
        return try body(reader)
    }

    private func giveBack(_ reader: Reader) {
        let kept = state.withLock { state in
            guard !state.closed, state.idle.count < idleLimit else { return false }
            state.idle.append(reader)
            return true
        }
        if !kept { reader.database.close() }
    }

    /// Closes the idle connections; connections in use close when given back.
    func close() {
        let idle = state.withLock { state in
            state.closed = true
            defer { state.idle = [] }
            return state.idle
        }
        for reader in idle { reader.database.close() }
    }
}
