/// Turns a `RegexNode` into a `Program` (a Thompson NFA).
///
/// Code is generated back to front: each node is compiled knowing where to continue after it, so
/// no patching is needed except for the split that closes a loop.
struct Compiler {
    private var instructions: [Program.Instruction] = []
    private var classes: [ScalarSet] = []
    private var classIndex: [ScalarSet: UInt32] = [:]

    static func compile(_ node: RegexNode) -> Program {
        var compiler = Compiler()
        let match = compiler.emit(.init(opcode: .match))
        let start = compiler.compile(node, next: match)
        return Program(instructions: compiler.instructions, start: start, classes: compiler.classes)
    }

    private mutating func emit(_ instruction: Program.Instruction) -> Int32 {
        instructions.append(instruction)
        return Int32(instructions.count - 1)
    }

    private mutating func emit(_ opcode: Program.Instruction.Opcode, argument: UInt32 = 0, next: Int32) -> Int32 {
        emit(.init(opcode: opcode, argument: argument, next: next))
    }

    /// Emits `node` so that after it the program continues at `next`; returns its entry point.
    private mutating func compile(_ node: RegexNode, next: Int32) -> Int32 {
        switch node {
        case .empty:
            return next
        case .literal(let scalars):
            var entry = next
            for scalar in scalars.reversed() { entry = emit(.scalar, argument: scalar, next: entry) }
            return entry
        case .characterClass(let set):
            return emit(.inClass, argument: index(of: set), next: next)
        case .anyScalar:
            return emit(.anyScalar, next: next)
        case .anyScalarExceptNewline:
            return emit(.anyScalarExceptNewline, next: next)
        case .assertion(let assertion):
            return emit(.assertion, argument: UInt32(assertion.rawValue), next: next)
        case .concatenation(let items):
            var entry = next
            for item in items.reversed() { entry = compile(item, next: entry) }
            return entry
        case .alternation(let branches):
            let entries = branches.map { compile($0, next: next) }
            var entry = entries[entries.count - 1]
            for branch in entries.dropLast().reversed() {
                entry = emit(.init(opcode: .split, next: branch, alternative: entry))
            }
            return entry
        case .repetition(let body, let min, let max):
            var entry = next
            if let max {
                // x{n,m} = x…x (x(x(x)?)?)? with n mandatory and m-n optional copies.
                for _ in 0..<(max - min) {
                    let copy = compile(body, next: entry)
                    entry = emit(.init(opcode: .split, next: copy, alternative: next))
                }
            } else {
                // The last copy loops: loop: split(body → loop, next).
                let loop = emit(.init(opcode: .split))
                let copy = compile(body, next: loop)
                instructions[Int(loop)].next = copy
                instructions[Int(loop)].alternative = next
                entry = min == 0 ? loop : copy
            }
            let mandatory = max == nil ? Swift.max(min - 1, 0) : min
            for _ in 0..<mandatory { entry = compile(body, next: entry) }
            return entry
        }
    }

    private mutating func index(of set: ScalarSet) -> UInt32 {
        if let existing = classIndex[set] { return existing }
        let index = UInt32(classes.count)
        classes.append(set)
        classIndex[set] = index
        return index
    }
}
