import CPivotSupport
import Foundation
import PivotCLI

// Measured: snappy + decode of remote-write ran at 4 M samples/s with glibc's default thresholds
// (page faults on every request-sized buffer) and 11 M with these.
pivot_tune_malloc()

let code = await PivotCommand.run(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment)
exit(code)
