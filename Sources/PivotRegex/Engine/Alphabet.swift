/// A partition of all code points into intervals that every instruction of a program treats
/// alike, so a DFA needs one transition per interval rather than per code point.
///
/// When the program has line or word assertions, `\n` and the ASCII word characters get
/// intervals of their own too, so the interval also determines the context after it.
struct Alphabet: Sendable {
    /// First code point of every interval after the first (which starts at 0), ascending.
    let boundaries: [UInt32]
    /// Interval index of each ASCII code point.
    let asciiClass: [Int32]
    /// Lowest code point of each interval: any member behaves like it.
    let representatives: [UInt32]

    /// Number of intervals.
    var count: Int { representatives.count }

    init(instructions: [Program.Instruction], classes: [ScalarSet], splitNewline: Bool, splitWord: Bool) {
        var cuts: [UInt32] = []
        func cut(_ range: ClosedRange<UInt32>) {
            cuts.append(range.lowerBound)
            cuts.append(range.upperBound &+ 1)
        }
        var usedClasses = Set<UInt32>()
        for instruction in instructions {
            switch instruction.opcode {
            case .scalar: cut(instruction.argument...instruction.argument)
            case .inClass: usedClasses.insert(instruction.argument)
            case .anyScalarExceptNewline: cut(0x0A...0x0A)
            default: break
            }
        }
        for index in usedClasses {
            for range in classes[Int(index)].ranges { cut(range) }
        }
        if splitNewline { cut(0x0A...0x0A) }
        if splitWord {
            for range in NamedClasses.word.ranges { cut(range) }
        }
        let sorted = Set(cuts.filter { $0 > 0 && $0 <= ScalarSet.maxScalar }).sorted()
        boundaries = sorted
        representatives = [0] + sorted
        var ascii = [Int32](repeating: 0, count: 128)
        var interval: Int32 = 0
        for code in 0..<128 {
            while Int(interval) < sorted.count, sorted[Int(interval)] <= UInt32(code) { interval += 1 }
            ascii[code] = interval
        }
        asciiClass = ascii
    }

    /// The interval holding `scalar`.
    @inline(__always)
    func classOf(_ scalar: UInt32) -> Int {
        if scalar < 128 { return Int(asciiClass[Int(scalar)]) }
        // Number of boundaries <= scalar.
        var low = 0
        var high = boundaries.count
        while low < high {
            let mid = (low + high) &>> 1
            if boundaries[mid] <= scalar { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
