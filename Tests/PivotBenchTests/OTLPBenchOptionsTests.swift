import Testing

@testable import PivotBench

@Suite struct OTLPBenchOptionsTests {
    @Test func aDirectoryAloneGivesTheDefaults() throws {
        // Only --dir is required; the other settings keep their documented defaults.
        let options = try OTLPBenchOptions(arguments: ["otlp", "--dir", "/tmp/payloads"])
        #expect(options.directory == "/tmp/payloads")
        #expect(options.concurrency == 4)
        #expect(options.phaseRequests == 50)
        #expect(options.keepDirectory == false)
    }

    @Test func everyFlagIsReadInBothSpellings() throws {
        // Flags take their value as the next argument or after `=`, and --keep-directory takes none.
        let options = try OTLPBenchOptions(arguments: [
            "otlp", "--dir=/data/otlp", "--concurrency", "8", "--phase-requests=0", "--keep-directory",
        ])
        #expect(options.directory == "/data/otlp")
        #expect(options.concurrency == 8)
        #expect(options.phaseRequests == 0)
        #expect(options.keepDirectory == true)
    }

    @Test(arguments: [
        ["otlp"],
        ["otlp", "--dir"],
        ["otlp", "--dir="],
        ["otlp", "--dir", "/tmp/p", "--concurrency", "0"],
        ["otlp", "--dir", "/tmp/p", "--concurrency", "-1"],
        ["otlp", "--dir", "/tmp/p", "--concurrency", "four"],
        ["otlp", "--dir", "/tmp/p", "--concurrency"],
        ["otlp", "--dir", "/tmp/p", "--phase-requests", "1.5"],
        ["otlp", "--dir", "/tmp/p", "--rounds", "3"],
        ["otlp", "/tmp/p"],
        ["ingest", "--dir", "/tmp/p"],
        [],
    ])
    func badCommandLinesAreRejectedWithAMessage(_ arguments: [String]) {
        // A missing directory, a bad number, an unknown flag or the wrong command is an error naming it.
        #expect {
            _ = try OTLPBenchOptions(arguments: arguments)
        } throws: { error in
            !"\(error)".isEmpty
        }
    }

    @Test func helpAsksForTheUsageText() {
        // --help throws an empty message, which main.swift answers with the usage text and status 0.
        #expect {
            _ = try OTLPBenchOptions(arguments: ["otlp", "--help"])
        } throws: { error in
            "\(error)".isEmpty
        }
        #expect(OTLPBenchOptions.usage.contains("--dir DIR"))
    }
}
