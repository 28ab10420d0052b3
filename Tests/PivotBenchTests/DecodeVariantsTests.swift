import PivotRemoteWrite
import Testing

@testable import PivotBench

/// The benchmark only reports a speed when every decoder saw the same request; these check that agreement.
@Suite struct DecodeVariantsTests {
    @Test func allRemoteWriteDecodersTallyTheSameRequest() throws {
        // swift-protobuf, protobuf-c and the hand-written decoder agree with the fixture's tally.
        let fixture = RemoteWriteFixture(seriesCount: 2_000)
        #expect(fixture.expected.series == 2_000)
        #expect(fixture.expected.exemplars > 0)
        #expect(try RemoteWriteDecodeVariants.swiftProtobuf(fixture.bytes) == fixture.expected)
        #expect(try RemoteWriteDecodeVariants.protobufC(fixture.bytes) == fixture.expected)
        #expect(try RemoteWriteDecodeVariants.handWritten(fixture.bytes, decoder: RemoteWriteDecoder()) == fixture.expected)
    }

    @Test func allOTLPDecodersTallyTheSameRequest() throws {
        // swift-protobuf, protobuf-c and the walker agree with the fixture's tally.
        let fixture = OTLPFixture()
        #expect(try OTLPDecodeVariants.swiftProtobuf(fixture.bytes) == fixture.expected)
        #expect(try OTLPDecodeVariants.protobufC(fixture.bytes) == fixture.expected)
        #expect(try OTLPDecodeVariants.walker(fixture.bytes) == fixture.expected)
    }

    @Test func aTimerRefusesToReportWhenADecoderDisagrees() throws {
        // A tally that differs from the expected one is an error, not a timing.
        let timer = DecodeTimer(runs: 1, minRunSeconds: 0.001)
        #expect(throws: BenchError.self) {
            try timer.time(payload: "p", variant: "v", bytes: 1, items: 1, expected: OTLPTally()) {
                var tally = OTLPTally()
                tally.points = 1
                return tally
            }
        }
    }

    @Test func theCommandLineAcceptsOnlyDecodeAndPositiveNumbers() throws {
        // `decode` with both flag spellings parses; other commands and bad values are errors.
        let options = try DecodeBenchOptions(arguments: ["decode", "--runs", "3", "--series=10"])
        #expect(options.runs == 3)
        #expect(options.series == 10)
        #expect(throws: BenchError.self) { try DecodeBenchOptions(arguments: ["encode"]) }
        #expect(throws: BenchError.self) { try DecodeBenchOptions(arguments: ["decode", "--runs", "0"]) }
        #expect(throws: BenchError.self) { try DecodeBenchOptions(arguments: ["decode", "--bogus", "1"]) }
    }
}
