import Foundation
import PivotCLI

let code = await PivotCommand.run(
    arguments: Array(CommandLine.arguments.dropFirst()),
    environment: ProcessInfo.processInfo.environment)
exit(code)
