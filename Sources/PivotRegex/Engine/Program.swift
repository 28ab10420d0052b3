/// A compiled regular expression: a Thompson NFA over Unicode code points, plus the partition of
/// code points into classes that no instruction can tell apart (the DFA's alphabet).
///
/// The program matches the whole input: its start state is the beginning of the text and reaching
/// `match` counts only at the end of the text.
final class Program: Sendable {
    struct Instruction: Sendable {
        enum Opcode: UInt8, Sendable {
            /// Consume the code point `argument`, go to `next`.
            case scalar
            /// Consume a code point in `classes[argument]`, go to `next`.
            case inClass
            /// Consume any code point, go to `next`.
            case anyScalar
            /// Consume any code point but `\n`, go to `next`.
            case anyScalarExceptNewline
            /// Continue at both `next` and `alternative`.
            case split
            /// Continue at `next`.
            case jump
            /// Continue at `next` if the assertion `argument` holds here.
            case assertion
            /// Accept (at the end of the text).
            case match
        }

        var opcode: Opcode
        var argument: UInt32 = 0
        var next: Int32 = -1
        var alternative: Int32 = -1
    }

    /// Context bits describing the code point before the current position.
    struct Context: OptionSet, Hashable, Sendable {
        let rawValue: UInt8
        static let atBeginning = Context(rawValue: 1)
        static let afterNewline = Context(rawValue: 2)
        static let afterWord = Context(rawValue: 4)
    }

    let instructions: [Instruction]
    let start: Int32
    let classes: [ScalarSet]
    /// The context bits any assertion in the program looks at; others are dropped from DFA states.
    let contextMask: Context
    let alphabet: Alphabet

    init(instructions: [Instruction], start: Int32, classes: [ScalarSet]) {
        self.instructions = instructions
        self.start = start
        self.classes = classes
        var mask: Context = []
        var needsNewline = false
        var needsWord = false
        for instruction in instructions where instruction.opcode == .assertion {
            switch RegexNode.Assertion(rawValue: UInt8(instruction.argument))! {
            case .beginText: mask.insert(.atBeginning)
            case .beginLine: mask.formUnion([.atBeginning, .afterNewline]); needsNewline = true
            case .endText: break
            case .endLine: needsNewline = true
            case .wordBoundary, .notWordBoundary: mask.insert(.afterWord); needsWord = true
            }
        }
        contextMask = mask
        alphabet = Alphabet(
            instructions: instructions, classes: classes, splitNewline: needsNewline, splitWord: needsWord)
    }

    var size: Int { instructions.count }

    /// Whether the consuming instruction accepts the code point.
    @inline(__always)
    func accepts(_ instruction: Instruction, _ scalar: UInt32) -> Bool {
        switch instruction.opcode {
        case .scalar: instruction.argument == scalar
        case .inClass: classes[Int(instruction.argument)].contains(scalar)
        case .anyScalar: true
        case .anyScalarExceptNewline: scalar != 0x0A
        default: false
        }
    }

    /// Whether an assertion holds between the context before and the code point after (`nil`: end
    /// of text).
    @inline(__always)
    static func holds(_ assertion: UInt32, before: Context, after: UInt32?) -> Bool {
        switch RegexNode.Assertion(rawValue: UInt8(truncatingIfNeeded: assertion)) {
        case .beginText: before.contains(.atBeginning)
        case .beginLine: before.contains(.atBeginning) || before.contains(.afterNewline)
        case .endText: after == nil
        case .endLine: after == nil || after == 0x0A
        case .wordBoundary: before.contains(.afterWord) != isWord(after)
        case .notWordBoundary: before.contains(.afterWord) == isWord(after)
        case nil: false
        }
    }

    /// The context after consuming `scalar`.
    @inline(__always)
    static func context(after scalar: UInt32) -> Context {
        var context: Context = []
        if scalar == 0x0A { context.insert(.afterNewline) }
        if isWord(scalar) { context.insert(.afterWord) }
        return context
    }

    @inline(__always)
    static func isWord(_ scalar: UInt32?) -> Bool {
        guard let scalar else { return false }
        return (scalar >= 0x30 && scalar <= 0x39) || (scalar >= 0x41 && scalar <= 0x5A) || scalar == 0x5F
            || (scalar >= 0x61 && scalar <= 0x7A)
    }
}
