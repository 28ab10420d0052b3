import ArgumentParser
import Foundation
import PivotIngest
@testable import PivotCLI
import Testing

@Suite struct MemoryFlagsTests {
    @Test(arguments: [
        ("0", 0), ("1048576", 1 << 20), ("512MiB", 512 << 20), ("512MB", 512 << 20), ("2GB", 2 << 30),
        ("1.5GiB", 3 << 29), ("64KB", 64 << 10), ("100B", 100), ("50%", 500), ("100%", 1000),
    ])
    func memorySizesAreReadWithPrometheusUnitsOrAsAPercentage(text: String, bytes: Int) throws {
        // Sizes use powers of 1024 as Prometheus's size flags do; a percentage is of the memory available.
        #expect(try ServeConfiguration.memorySize("storage.max-memory", text, available: 1000) == bytes)
    }

    @Test(arguments: ["-1", "lots", "0%", "120%", "12XB", "GB"])
    func badMemorySizesNameTheFlag(text: String) {
        // Anything else is refused with the flag's name and what it accepts.
        #expect {
            try ServeConfiguration.memorySize("storage.max-memory", text, available: 1000)
        } throws: { error in
            "\(error)".contains("storage.max-memory")
        }
    }

    @Test func theMemoryBoundDefaultsTo80PercentAndZeroDisablesIt() throws {
        // By default writes are shed below 80% of the machine's memory; --storage.max-memory=0 turns it off.
        let path = NSTemporaryDirectory() + "pivot-cli-\(UUID().uuidString)"
        let configured = try ServeCommand.parse(["--storage.path=\(path)"]).makeConfiguration()
        let expected = Int(Double(MemoryGuard.availableBytes()) * 0.8)
        #expect(configured.ingestAdmission.maxMemoryBytes == expected)
        #expect(configured.ingestAdmission.maxInFlightBytes == 128 << 20)
        let off = try ServeCommand.parse(["--storage.path=\(path)", "--storage.max-memory=0", "--ingest.max-inflight-bytes=1000"])
            .makeConfiguration()
        #expect(off.ingestAdmission.maxMemoryBytes == nil)
        #expect(off.ingestAdmission.maxInFlightBytes == 1000)
    }
}
