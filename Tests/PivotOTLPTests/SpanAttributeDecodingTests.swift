import Foundation
import PivotModel
import PivotOTLP
import Testing

/// Span attributes are read from the request into `AttributeEncoding` in place when a value is one
/// scalar field, and through the full `AnyValue` decoder otherwise: both must give what the full
/// decoder gives.
@Suite struct SpanAttributeDecodingTests {
    static func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] {
        OTLPTracesDecoderTests.delimited(number, bytes)
    }

    /// An export of one span (trace aa…, span 01) whose attributes are the given raw `KeyValue` messages.
    static func export(_ keyValues: [[UInt8]]) -> [UInt8] {
        var span = field(1, [UInt8](repeating: 0xaa, count: 16)) + field(2, [0, 0, 0, 0, 0, 0, 0, 1]) + field(5, Array("op".utf8))
        for keyValue in keyValues { span += field(9, keyValue) }
        let scopeSpans = field(2, span)
        let resourceSpans = field(2, scopeSpans)
        return field(1, resourceSpans)
    }

    static func keyValue(_ key: [UInt8], value: [UInt8]?) -> [UInt8] {
        field(1, key) + (value.map { field(2, $0) } ?? [])
    }

    static func attributes(_ keyValues: [[UInt8]]) throws -> [SpanAttribute] {
        let decoded = try OTLPTracesProtobufDecoder().decode(export(keyValues))
        #expect(decoded.rejectedSpans == 0)
        return decoded.batch.spans.first?.attributes ?? []
    }

    @Test func scalarsAndEdgeCasesDecodeAsTheFullDecoderDecodesThem() throws {
        let text: [UInt8] = [0x0a, 1, UInt8(ascii: "x")]  // string_value "x"
        let number: [UInt8] = [0x18, 7]  // int_value 7
        let negative: [UInt8] = [0x18] + [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]  // int_value -2
        let double: [UInt8] = [0x21] + withUnsafeBytes(of: (0.25).bitPattern.littleEndian, Array.init)
        let flag: [UInt8] = [0x10, 1]
        let found = try Self.attributes([
            Self.keyValue(Array("s".utf8), value: text),
            Self.keyValue(Array("i".utf8), value: number),
            Self.keyValue(Array("n".utf8), value: negative),
            Self.keyValue(Array("d".utf8), value: double),
            Self.keyValue(Array("b".utf8), value: flag),
            Self.keyValue(Array("größe".utf8), value: [0x0a, 2, 0xc3, 0xbc]),
            // Two fields of the oneof: the last one counts.
            Self.keyValue(Array("twice".utf8), value: text + number),
            // An empty value and no value at all.
            Self.keyValue(Array("empty".utf8), value: []),
            Self.keyValue(Array("none".utf8), value: nil),
            // key_strindex beside the key.
            Self.keyValue(Array("indexed".utf8), value: text) + [0x18, 3],
            // bytes_value: not a scalar the store lists.
            Self.keyValue(Array("raw".utf8), value: [0x3a, 2, 1, 2]),
        ])
        #expect(found == [
            SpanAttribute(key: "s", value: .string("x")), SpanAttribute(key: "i", value: .int(7)),
            SpanAttribute(key: "n", value: .int(-2)), SpanAttribute(key: "d", value: .double(0.25)),
            SpanAttribute(key: "b", value: .bool(true)), SpanAttribute(key: "größe", value: .string("ü")),
            SpanAttribute(key: "twice", value: .int(7)), SpanAttribute(key: "empty", value: .other("")),
            SpanAttribute(key: "none", value: .other("")), SpanAttribute(key: "indexed", value: .string("x")),
            found.last ?? SpanAttribute(key: "", value: .string("")),
        ])
        guard case .other(let raw) = found.last?.value, found.last?.key == "raw", !raw.isEmpty else {
            Issue.record("bytes_value should be kept as text, got \(String(describing: found.last))")
            return
        }
    }

    @Test func invalidUTF8InAKeyOrStringValueIsAnError() {
        #expect(throws: OTLPDecodeError.self) {
            _ = try OTLPTracesProtobufDecoder().decode(Self.export([Self.keyValue([0xff, 0xfe], value: [0x18, 1])]))
        }
        #expect(throws: OTLPDecodeError.self) {
            _ = try OTLPTracesProtobufDecoder().decode(Self.export([Self.keyValue(Array("k".utf8), value: [0x0a, 1, 0xff])]))
        }
    }

    @Test func everyValueOfAKeyValueIsChecked() {
        // Two values: the last counts, but a malformed first one still makes the request unreadable (as
        // the full decoder says), or the span would be stored and no read of its trace could parse it.
        // Found by the otlp-traces-proto fuzz target (fuzz/regressions/otlp-traces-proto).
        let malformed: [UInt8] = [0x32, 1, 0x0a]  // a kvlist_value ending inside its first element
        #expect(throws: OTLPDecodeError.self) {
            _ = try OTLPTracesProtobufDecoder().decode(Self.export([Self.keyValue(Array("k".utf8), value: malformed) + Self.field(2, [0x18, 1])]))
        }
    }

    @Test func manyAttributesKeepTheirCount() throws {
        // 200 attributes: the count no longer fits the one byte reserved for it.
        let keyValues = (0..<200).map { Self.keyValue(Array("k\($0)".utf8), value: [0x18, UInt8($0 % 100)]) }
        let found = try Self.attributes(keyValues)
        #expect(found.count == 200 && found.last == SpanAttribute(key: "k199", value: .int(99)))
    }
}
