/// Invariants the fuzz targets check beyond "does not crash". A violation traps, so libFuzzer records
/// the input as a crash and the replay tests fail on it.
enum FuzzInvariant {
    /// Traps with `message` when `condition` is false (kept in release and fuzz builds, unlike `assert`).
    static func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() {
            fatalError("fuzz invariant violated: \(message())")
        }
    }

    /// The input as text, as an HTTP parameter or a script arrives: invalid UTF-8 is repaired.
    static func text(_ input: UnsafeRawBufferPointer) -> String {
        String(decoding: input, as: UTF8.self)
    }
}
