import ArgumentParser
import Foundation
import Logging
@testable import PivotCLI
import Testing

@Suite struct ServeFlagsTests {
    private func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "pivot-cli-\(UUID().uuidString)"
        return path
    }

    @Test func defaultsMatchPrometheusConventions() throws {
        // With no flags, pivot listens on 9090/4318/4317, stores in ./data for 15 days, logs info as logfmt.
        let command = try ServeCommand.parse([])
        #expect(command.webListenAddress == "0.0.0.0:9090")
        #expect(command.otlpHTTPListenAddress == "0.0.0.0:4318")
        #expect(command.otlpGRPCListenAddress == "0.0.0.0:4317")
        #expect(command.storagePath == "./data")
        #expect(command.storageRetention == "15d")
        #expect(command.logLevel == "info")
        #expect(command.logFormat == "logfmt")
    }

    @Test func bothFlagFormsAreAccepted() throws {
        // --flag=value and --flag value set the same option.
        let dir = temporaryDirectory()
        let command = try ServeCommand.parse(EnvironmentOverrides.normalizeEmptyValues([
            "--web.listen-address=127.0.0.1:19090", "--storage.path", dir, "--storage.retention", "2h",
            "--otlp.grpc-listen-address=", "--log.level=debug", "--log.format", "json",
        ]))
        let configuration = try command.makeConfiguration()
        #expect(configuration.webListenAddress == ListenAddress(host: "127.0.0.1", port: 19090))
        #expect(configuration.otlpGRPCListenAddress == nil)
        #expect(configuration.otlpHTTPListenAddress == ListenAddress(host: "0.0.0.0", port: 4318))
        #expect(configuration.retentionMilliseconds == 7_200_000)
        #expect(configuration.log == LogConfiguration(level: .debug, format: .json))
        #expect(configuration.storagePath == dir)
    }

    @Test func environmentSetsFlagsTheCommandLineDoesNot() throws {
        // PIVOT_STORAGE_RETENTION sets --storage.retention unless the command line gives it.
        let environment = ["PIVOT_STORAGE_RETENTION": "1d", "PIVOT_WEB_LISTEN_ADDRESS": ":1234", "PIVOT_LOG_LEVEL": "warn"]
        let arguments = EnvironmentOverrides.apply(
            to: ["--log.level=error"], flags: ServeCommand.flagNames, environment: environment)
        let command = try ServeCommand.parse(arguments)
        #expect(command.storageRetention == "1d")
        #expect(command.webListenAddress == ":1234")
        #expect(command.logLevel == "error")
        #expect(EnvironmentOverrides.variableName(forFlag: "otlp.http-listen-address") == "PIVOT_OTLP_HTTP_LISTEN_ADDRESS")
    }

    @Test(arguments: [
        (["--storage.retention=abc"], "--storage.retention: not a valid duration string"),
        (["--storage.retention=0"], "--storage.retention: must be greater than 0"),
        (["--web.listen-address=localhost"], "--web.listen-address: missing port in address"),
        (["--web.listen-address=:99999"], "--web.listen-address: invalid port"),
        (["--otlp.http-listen-address=::1:4318"], "--otlp.http-listen-address: too many colons"),
        (["--log.level=verbose"], "--log.level: must be one of debug, info, warn, error"),
        (["--log.format=xml"], "--log.format: must be logfmt or json"),
    ])
    func badValuesNameTheFlag(arguments: [String], expected: String) throws {
        // Each bad value is refused with a message naming the flag and the reason.
        let command = try ServeCommand.parse(arguments + ["--storage.path", temporaryDirectory()])
        #expect {
            try command.makeConfiguration()
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func anUnwritableStoragePathIsRefused() throws {
        // A storage path under a regular file cannot be created and names --storage.path.
        let file = temporaryDirectory()
        FileManager.default.createFile(atPath: file, contents: Data())
        let command = try ServeCommand.parse(["--storage.path=\(file)/sub"])
        #expect {
            try command.makeConfiguration()
        } throws: { error in
            "\(error)".contains("--storage.path") && "\(error)".contains("cannot create directory")
        }
    }

    @Test func anUnknownFlagExitsNonZero() async {
        // An unknown flag is a usage error with a non-zero exit code.
        let code = await PivotCommand.run(arguments: ["--no-such-flag=1"], environment: [:])
        #expect(code == 2)
    }

    @Test func aBadValueExitsWithCodeTwo() async {
        // A bad flag value stops pivot before it starts anything.
        let code = await PivotCommand.run(arguments: ["serve", "--storage.retention=forever"], environment: [:])
        #expect(code == 2)
    }

    @Test(arguments: ["1.2.3.4:80", ":9090", "[::1]:4317", "localhost:0"])
    func listenAddressesRoundTrip(text: String) throws {
        // Valid listen addresses parse; an empty host means all interfaces.
        let address = try ListenAddress(parsing: text)
        #expect(address.port >= 0)
        #expect(!address.host.isEmpty)
    }
}
