import PivotTraceQuery
import Testing

@Suite struct TraceIDTests {
    static let valid: [(text: String, hex: String)] = [
        ("4bf92f3577b34da6a3ce929d0e0e4736", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("4BF92F3577B34DA6A3CE929D0E0E4736", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("a3ce929d0e0e4736", "0000000000000000a3ce929d0e0e4736"),
        ("abc", "00000000000000000000000000000abc"),
        ("1", "00000000000000000000000000000001"),
        ("0", "00000000000000000000000000000000"),
        ("00000000000000000000000000000abc", "00000000000000000000000000000abc"),
    ]

    @Test(arguments: valid)
    func validIDsParseAndPrintAtFullWidth(_ c: (text: String, hex: String)) throws {
        // Any case, any length from 1 to 32 digits, odd lengths included, left-padded to 16 bytes.
        let bytes = try TraceID.parse(c.text)
        #expect(bytes.count == 16)
        #expect(TraceID.hex(bytes) == c.hex)
    }

    static let invalid: [(text: String, code: TraceIDError.Code)] = [
        ("", .empty),
        ("xyz", .notHex),
        ("4bf92f3577b34da6-3ce929d0e0e4736", .notHex),
        (" abc", .notHex),
        ("4bf92f3577b34da6a3ce929d0e0e47361", .tooLong),
    ]

    @Test(arguments: invalid)
    func invalidIDsAreRejectedWithAMessage(_ c: (text: String, code: TraceIDError.Code)) {
        // Empty text, non-hex characters and more than 32 digits throw an error naming the id.
        #expect {
            _ = try TraceID.parse(c.text)
        } throws: { error in
            guard let e = error as? TraceIDError else { return false }
            return e.code == c.code && e.message.contains("trace id")
        }
    }

    @Test func spanIDsPrintAsSixteenDigits() throws {
        // Span ids print as 16 lower-case digits, left-padded; parsing pads to 8 bytes.
        #expect(TraceID.spanHex([0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7]) == "00f067aa0ba902b7")
        #expect(TraceID.spanHex([0x01]) == "0000000000000001")
        #expect(try TraceID.parseSpanID("F067AA0BA902B7") == [0x00, 0xF0, 0x67, 0xAA, 0x0B, 0xA9, 0x02, 0xB7])
        #expect(throws: TraceIDError.self) { try TraceID.parseSpanID("00f067aa0ba902b7a") }
    }

    @Test func printingThenParsingGivesTheSameBytes() throws {
        // hex and parse are inverse for 16-byte ids.
        let bytes: [UInt8] = (0..<16).map { UInt8($0 * 17) }
        #expect(try TraceID.parse(TraceID.hex(bytes)) == bytes)
    }
}
