import Foundation

/// What a Python run printed and how it ended.
struct PythonRun {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `python3` with `arguments` (a script path and its arguments, or `-c` and code) to the end.
    static func run(_ arguments: [String]) throws -> PythonRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PeerProcess.find("python3") ?? "/usr/bin/python3")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr concurrently so a chatty script cannot fill its pipe and stall.
        let errorData = Mutable<Data>()
        let reader = Thread { errorData.value = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return PythonRun(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            errors: String(decoding: errorData.value ?? Data(), as: UTF8.self))
    }
}

/// A box a helper thread fills in before the caller reads it (after the thread has finished).
final class Mutable<Value>: @unchecked Sendable {
    var value: Value?
}
