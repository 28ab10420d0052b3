import CPivotSupport
import Dispatch
import Foundation
import PivotCLI

// Measured: snappy + decode of remote-write ran at 4 M samples/s with glibc's default thresholds
// (page faults on every request-sized buffer) and 11 M with these.
pivot_tune_malloc()

// The command runs in a task of its own and ends the process from there: once the server has
// stopped (storage closed, "pivot stopped" logged), nothing waits for the main thread to pick the
// result up, and exit handlers do not run while other threads may still hold their locks. A CI run
// saw a stopped server linger past the test's 15 s after logging "pivot stopped".
let arguments = Array(CommandLine.arguments.dropFirst())
let environment = ProcessInfo.processInfo.environment
Task.detached {
    let code = await PivotCommand.run(arguments: arguments, environment: environment)
    fflush(nil)  // every C stream (`version` and `--help` print to standard output)
    _exit(code)
}
dispatchMain()
