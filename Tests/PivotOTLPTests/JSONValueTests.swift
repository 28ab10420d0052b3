import PivotOTLP
import Testing

@Suite struct JSONValueTests {
    private func parse(_ text: String, maxDepth: Int = 64) throws(OTLPDecodeError) -> JSONValue {
        try JSONParser(maxDepth: maxDepth).parse(Array(text.utf8))
    }

    private func parseError(_ bytes: [UInt8], maxDepth: Int = 64) -> OTLPDecodeError? {
        do {
            _ = try JSONParser(maxDepth: maxDepth).parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    private func parseError(_ text: String, maxDepth: Int = 64) -> OTLPDecodeError? {
        parseError(Array(text.utf8), maxDepth: maxDepth)
    }

    private func string(_ value: JSONValue) -> String? {
        if case .string(let string) = value.kind { return string }
        return nil
    }

    private func number(_ value: JSONValue) -> JSONNumber? {
        if case .number(let number) = value.kind { return number }
        return nil
    }

    @Test func objectsKeepTheirMembersInSourceOrderWithOffsets() throws {
        // Members come back in the order written, duplicates kept, and every value knows where it starts.
        let value = try parse(#" {"b": 1, "a": [true, false, null], "b": "x"} "#)
        let members = try #require(value.objectMembers)
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(value.offset == 1)
        #expect(members[1].value.offset == 15)
        #expect(members[1].value.arrayElements?.map(\.kind) == [.bool(true), .bool(false), .null])
        #expect(value["b"].flatMap(string) == "x")
        #expect(value["missing"] == nil)
    }

    @Test func emptyContainersAndScalarDocumentsParse() throws {
        // `{}`, `[]` and bare scalars are whole documents.
        #expect(try parse("{}").kind == .object([]))
        #expect(try parse(" [ ] ").kind == .array([]))
        #expect(try parse("\"s\"").kind == .string("s"))
        #expect(try parse("null").kind == .null)
        #expect(try parse("-0.5e1").kind == .number(JSONNumber(-5.0)))
    }

    @Test func stringEscapesDecodeIncludingSurrogatePairs() throws {
        // Every RFC 8259 escape decodes, and a \u surrogate pair becomes one scalar.
        let value = try parse(#""a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00z""#)
        #expect(string(value) == "a\"b\\c/d\u{8}\u{C}\n\r\tAé€😀z")
    }

    @Test func rawMultiByteUTF8IsKept() throws {
        // Valid UTF-8 of every length passes through unchanged.
        #expect(string(try parse("\"é€😀\"")) == "é€😀")
    }

    @Test func unpairedSurrogateEscapesAreRejected() {
        // A lone high or low surrogate escape is not a Unicode scalar.
        #expect(parseError(#""\ud83d""#)?.code == .invalidUTF8)
        #expect(parseError(#""\ud83dx""#)?.code == .invalidUTF8)
        #expect(parseError(#""\ud83d\u0041""#)?.code == .invalidUTF8)
        let low = parseError(#"["\ude00"]"#)
        #expect(low?.code == .invalidUTF8)
        #expect(low?.offset == 2)
    }

    @Test func invalidUTF8IsRejectedAtItsOffset() {
        // Stray continuation bytes, overlong forms, encoded surrogates and code points above U+10FFFF fail.
        let quote = UInt8(ascii: "\"")
        for bad: [UInt8] in [[0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]] {
            let error = parseError([quote, UInt8(ascii: "a")] + bad + [quote])
            #expect(error?.code == .invalidUTF8, "\(bad)")
            #expect(error?.offset == 2, "\(bad)")
        }
    }

    @Test func controlCharactersAndBadEscapesAreMalformed() {
        // Raw control characters must be escaped; only the RFC escapes exist.
        #expect(parseError("\"a\nb\"")?.code == .malformed)
        #expect(parseError(#""\x""#)?.code == .malformed)
        #expect(parseError(#""\u12G4""#)?.code == .malformed)
    }

    @Test func nestingDeeperThanTheLimitIsTooDeep() throws {
        // The outermost container is depth 1; one more than the limit fails where it opens.
        _ = try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        let error = parseError(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 64)
        #expect(parseError(#"{"a":{"b":{}}}"#, maxDepth: 2)?.code == .tooDeep)
        _ = try parse(#"{"a":{"b":1}}"#, maxDepth: 2)
    }

    @Test func inputEndingInsideAValueIsTruncated() {
        // Every proper prefix of a document fails as truncated (never as a crash or success).
        let document = #"{"a": [1, -2.5e3, "x\u0041", true, null], "b": {"c": false}}"#
        let bytes = Array(document.utf8)
        for length in 0..<bytes.count {
            let error = parseError(Array(bytes[0..<length]))
            #expect(error?.code == .truncated, "prefix of \(length) bytes")
            #expect(error?.offset == length, "prefix of \(length) bytes")
        }
    }

    @Test func trailingGarbageAndBadSyntaxAreMalformed() {
        // Only whitespace may follow the value; commas, colons and literals are strict.
        for text in ["{} x", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "+1", ".5", "1e",
                     "tru", "nul", "NaN", "[1]]", "'a'", "{\"a\":1 \"b\":2}"] {
            let error = parseError(text)
            #expect(error?.code == .malformed || error?.code == .truncated, "\(text)")
        }
        #expect(parseError("{} x")?.offset == 3)
        #expect(parseError("[1,]")?.code == .malformed)
        #expect(parseError("01")?.code == .malformed)
        #expect(parseError("trux")?.code == .malformed)
        #expect(parseError("")?.code == .truncated)
    }

    @Test func bigIntegersStayExact() throws {
        // 64-bit integer literals keep every digit; larger ones fall back to the nearest double.
        let max = try #require(number(try parse("18446744073709551615")))
        #expect(max.uint64Value == UInt64.max)
        #expect(max.int64Value == nil)
        let min = try #require(number(try parse("-9223372036854775808")))
        #expect(min.int64Value == Int64.min)
        #expect(min.uint64Value == nil)
        let nanos = try #require(number(try parse("1544712660300000001")))
        #expect(nanos.int64Value == 1_544_712_660_300_000_001)
        let huge = try #require(number(try parse("18446744073709551616")))
        #expect(huge.uint64Value == nil)
        #expect(huge.doubleValue == 18446744073709551616.0)
        #expect(number(try parse("1e3"))?.uint64Value == 1000)
        #expect(number(try parse("1.5"))?.int64Value == nil)
        #expect(number(try parse("-0"))?.uint64Value == 0)
        #expect(number(try parse("1e400"))?.doubleValue == .infinity)
    }

    @Test func numberLiteralsParseFromStrings() {
        // `JSONNumber(parsing:)` accepts exactly the JSON number grammar.
        #expect(JSONNumber(parsing: "123")?.uint64Value == 123)
        #expect(JSONNumber(parsing: "-1.25E-2")?.doubleValue == -0.0125)
        for bad in ["", " 1", "1 ", "+1", "0x10", "1_000", "01", "NaN"] {
            #expect(JSONNumber(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func longRepeatedKeysReadTheSameWithOrWithoutEscapes() throws {
        // Keys longer than 15 bytes are shared between objects, which must not change what they say.
        let value = try parse(#"[{"startTimeUnixNano":1},{"startTime\u0055nixNano":2},{"startTimeUnixNanö_long":3},{"startTimeUnixNano":4}]"#)
        let keys = try #require(value.arrayElements).compactMap { $0.objectMembers?.first?.key }
        #expect(keys == ["startTimeUnixNano", "startTimeUnixNano", "startTimeUnixNanö_long", "startTimeUnixNano"])
        #expect(parseError(#"{"startTimeUnixNano"#)?.code == .truncated)
        #expect(parseError(Array(#"{"startTimeUnixNano"#.utf8) + [0xFF] + Array(#"":1}"#.utf8))?.code == .invalidUTF8)
    }

    @Test func aLeadingByteOrderMarkIsSkipped() throws {
        // A UTF-8 BOM before the value is tolerated.
        #expect(try JSONParser().parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)).kind == .array([]))
    }
}
