#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PivotModel
import PivotStorage

/// The label rules every series must meet, whatever protocol brought it: at least one label, a
/// non-empty `__name__`, names non-empty, sorted and unique, names and values valid UTF-8. Checked on
/// the batch's bytes, without building strings, and before anything is stored.
public enum SeriesLabelValidation {
    public struct Problem: Hashable, Sendable {
        public var code: AppendError.Code
        public var message: String
    }

    /// The first series that breaks a rule, with a message naming it and the reason; nil if all pass.
    public static func firstProblem(in batch: WriteBatch) -> Problem? {
        batch.bytes.withUnsafeBufferPointer { bytes in
            let allPass = batch.labelRefs.withUnsafeBufferPointer { refs in
                // A series sent by store reference has no labels here: they were checked when it was created.
                batch.series.allSatisfy { $0.seriesRef != 0 || isWellFormedASCII(labels: $0.labels, refs: refs, bytes: bytes) }
            }
            if allPass { return nil }
            for series in batch.series where series.seriesRef == 0 {
                if let reason = problem(labels: series.labels, refs: batch.labelRefs, bytes: bytes) {
                    return Problem(
                        code: reason.code,
                        message: "\(reason.text) for series \(describe(series.labels, in: batch))")
                }
            }
            return nil
        }
    }

    /// Removes labels with an empty value (an empty value means "no such label", as in Prometheus).
    /// Returns the batch unchanged when it has none, which is the common case.
    public static func droppingEmptyValues(_ batch: WriteBatch) -> WriteBatch {
        guard batch.labelRefs.contains(where: { $0.value.length == 0 }) else { return batch }
        var result = batch
        var refs: [WriteBatch.LabelRef] = []
        refs.reserveCapacity(batch.labelRefs.count)
        func copy(_ range: Range<Int>) -> Range<Int> {
            let start = refs.count
            for ref in batch.labelRefs[range] where ref.value.length > 0 { refs.append(ref) }
            return start..<refs.count
        }
        for index in result.series.indices { result.series[index].labels = copy(batch.series[index].labels) }
        for index in result.exemplars.indices { result.exemplars[index].labels = copy(batch.exemplars[index].labels) }
        result.labelRefs = refs
        return result
    }

    private struct Reason {
        var code: AppendError.Code
        var text: String
    }

    private static func problem(
        labels: Range<Int>, refs: [WriteBatch.LabelRef], bytes: UnsafeBufferPointer<UInt8>
    ) -> Reason? {
        if labels.isEmpty { return Reason(code: .missingMetricName, text: "missing metric name (__name__ label)") }
        var hasName = false
        var previous: WriteBatch.ByteRange?
        for ref in refs[labels] {
            let name = slice(bytes, ref.name)
            let value = slice(bytes, ref.value)
            if name.isEmpty { return Reason(code: .invalidLabels, text: "empty label name") }
            if !isValidUTF8(name) { return Reason(code: .invalidLabels, text: "label name is not valid UTF-8") }
            if !isValidUTF8(value) { return Reason(code: .invalidLabels, text: "label value of \(quoted(name)) is not valid UTF-8") }
            if let previous {
                let before = slice(bytes, previous)
                if before.elementsEqual(name) {
                    return Reason(code: .invalidLabels, text: "duplicate label name \(quoted(name))")
                }
                if !before.lexicographicallyPrecedes(name) {
                    return Reason(code: .invalidLabels, text: "labels not sorted by name (\(quoted(name)) after \(quoted(before)))")
                }
            }
            if name.elementsEqual(Label.metricName.utf8) {
                if value.isEmpty { return Reason(code: .missingMetricName, text: "empty metric name") }
                hasName = true
            }
            previous = ref.name
        }
        if !hasName { return Reason(code: .missingMetricName, text: "missing metric name (__name__ label)") }
        return nil
    }

    /// A fast check of the common case, one pass over each label with word-sized loads: true only
    /// when `problem` would find nothing and every name and value is ASCII. False means "ask `problem`"
    /// (non-ASCII text, or a rule broken).
    private static func isWellFormedASCII(
        labels: Range<Int>, refs: UnsafeBufferPointer<WriteBatch.LabelRef>, bytes: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard !labels.isEmpty, labels.upperBound <= refs.count, let base = bytes.baseAddress else { return false }
        let size = bytes.count
        let nameWord = metricNameWord
        var hasName = false
        var previousStart = 0
        var previousLength = -1
        for index in labels {
            let ref = refs[index]
            let nameStart = Int(ref.name.offset), nameLength = Int(ref.name.length)
            let valueStart = Int(ref.value.offset), valueLength = Int(ref.value.length)
            guard nameLength > 0, nameStart + nameLength <= size, valueStart + valueLength <= size,
                isASCII(base + nameStart, nameLength), isASCII(base + valueStart, valueLength)
            else { return false }
            if previousLength >= 0 {
                let common = Swift.min(previousLength, nameLength)
                let order = memcmp(base + previousStart, base + nameStart, common)
                // Strictly increasing: a smaller first difference, or a proper prefix.
                guard order < 0 || (order == 0 && previousLength < nameLength) else { return false }
            }
            if nameLength == 8 && UnsafeRawPointer(base + nameStart).loadUnaligned(as: UInt64.self) == nameWord {
                guard valueLength > 0 else { return false }
                hasName = true
            }
            previousStart = nameStart
            previousLength = nameLength
        }
        return hasName
    }

    /// `__name__` as one little- or big-endian word, as `loadUnaligned` reads it on this machine.
    private static let metricNameWord: UInt64 = Array(Label.metricName.utf8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }

    @inline(__always)
    private static func isASCII(_ start: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let raw = UnsafeRawPointer(start)
        var offset = 0
        var bits: UInt64 = 0
        while offset + 8 <= count {
            bits |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            bits |= UInt64(start[offset])
            offset += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0
    }

    @inline(__always)
    private static func slice(_ bytes: UnsafeBufferPointer<UInt8>, _ range: WriteBatch.ByteRange) -> Slice<UnsafeBufferPointer<UInt8>> {
        let start = Int(range.offset)
        return bytes[start..<start + Int(range.length)]
    }

    private static func isValidUTF8(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        if bytes.allSatisfy({ $0 < 0x80 }) { return true }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private static func quoted(_ bytes: some Sequence<UInt8>) -> String {
        "\"" + String(decoding: Array(bytes), as: UTF8.self) + "\""
    }

    /// The series in Prometheus's text form, built only for the message.
    static func describe(_ labels: Range<Int>, in batch: WriteBatch) -> String {
        let pairs = batch.labelRefs[labels].map { "\(batch.string($0.name))=\"\(batch.string($0.value))\"" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }
}
