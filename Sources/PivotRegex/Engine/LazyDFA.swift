/// A DFA built lazily from a `Program` while matching, with a memory budget.
///
/// A DFA state is the set of NFA instructions reached right after consuming a code point (the
/// "kernel", before following empty-width edges) plus the context bits the program's assertions
/// need. A transition is computed with one `Program.step` the first time it is taken and then
/// cached; an input therefore costs at most one step per code point (linear time), and usually
/// one table look-up. When the cache outgrows its budget it is emptied and refilled as needed.
struct LazyDFA: Sendable {
    private let program: Program
    /// The program's alphabet, held here so the matching loop reads it without touching the class.
    private let alphabet: Alphabet
    /// Transitions per state: one per alphabet interval, then one for the end of the text.
    private let stride: Int
    private let budget: Int

    private static let unknown: Int32 = -1
    private static let dead: Int32 = -2
    private static let accept: Int32 = -3
    private static let reject: Int32 = -4

    private struct StateKey: Hashable {
        var context: UInt8
        var kernel: [Int32]
    }

    private var transitions: [Int32] = []
    private var kernelStorage: [Int32] = []
    private var kernelOffsets: [Int] = [0]
    private var contexts: [Program.Context] = []
    /// Row offset of each known state.
    private var stateIDs: [StateKey: Int32] = [:]
    /// Row offset of the start state, or -1.
    private var startState: Int32 = -1
    private var usedBytes = 0
    private var scratch = StepScratch(programSize: 0)
    private var output: [Int32] = []

    /// How often the cache was emptied because it reached its budget.
    private(set) var flushCount = 0

    init(program: Program, memoryBudget: Int) {
        self.program = program
        alphabet = program.alphabet
        stride = program.alphabet.count + 1
        budget = memoryBudget
    }

    var stateCount: Int { contexts.count }

    /// Whether the whole input matches. Adds the work done (table look-ups plus instructions
    /// expanded while building states) to `work`.
    ///
    /// States are identified by their row offset in `transitions` (index × stride), so the loop
    /// needs one load and one add per code point.
    mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, work: inout Int) -> Bool {
        if !scratch.isAllocated { scratch = StepScratch(programSize: program.size) }
        if startState < 0 {
            let context = program.contextMask.intersection(.atBeginning)
            startState = addState(StateKey(context: context.rawValue, kernel: [program.start]))
        }
        var row = Int(startState)
        var offset = 0
        let count = bytes.count
        var lookups = 0
        defer { work += lookups }
        while offset < count {
            lookups &+= 1
            let lead = bytes[offset]
            let interval: Int
            let length: Int
            if lead < 0x80 {
                interval = Int(alphabet.asciiClass[Int(lead)])
                length = 1
            } else {
                let (scalar, scalarLength) = UTF8Decoding.scalar(in: bytes, at: offset)
                interval = alphabet.classOf(scalar)
                length = scalarLength
            }
            var next = transitions[row &+ interval]
            if next < 0 {
                if next == Self.unknown { next = computeTransition(from: row, interval: interval, work: &work) }
                if next == Self.dead { return false }
            }
            row = Int(next)
            offset &+= length
        }
        var verdict = transitions[row + stride - 1]
        if verdict == Self.unknown { verdict = computeTransition(from: row, interval: nil, work: &work) }
        return verdict == Self.accept
    }

    /// Computes, caches and returns the transition from the state at `row` on `interval` (`nil`:
    /// the end of the text, giving `accept` or `reject`).
    private mutating func computeTransition(from row: Int, interval: Int?, work: inout Int) -> Int32 {
        let state = row / stride
        let representative = interval.map { alphabet.representatives[$0] }
        output.removeAll(keepingCapacity: true)
        let matched: Bool
        do {
            // Scoped so the slice is released before `addState` may mutate the storage.
            let kernel = kernelStorage[kernelOffsets[state]..<kernelOffsets[state + 1]]
            matched = program.step(
                kernel: kernel, before: contexts[state], next: representative, output: &output,
                scratch: &scratch, work: &work)
        }
        let slot = row + (interval ?? stride - 1)
        guard let representative else {
            transitions[slot] = matched ? Self.accept : Self.reject
            return transitions[slot]
        }
        if output.isEmpty {
            transitions[slot] = Self.dead
            return Self.dead
        }
        output.sort()
        let context = Program.context(after: representative).intersection(program.contextMask)
        let key = StateKey(context: context.rawValue, kernel: output)
        if let existing = stateIDs[key] {
            transitions[slot] = existing
            return existing
        }
        let flushesBefore = flushCount
        let target = addState(key)
        if flushCount == flushesBefore { transitions[slot] = target }
        return target
    }

    /// Adds a state and returns its row offset, first emptying the cache if the state would not
    /// fit in the budget.
    private mutating func addState(_ key: StateKey) -> Int32 {
        let cost = stride * 4 + key.kernel.count * 12 + 64
        if usedBytes + cost > budget, !contexts.isEmpty {
            flush()
        }
        let id = Int32(transitions.count)  // the row offset
        transitions.append(contentsOf: repeatElement(Self.unknown, count: stride))
        kernelStorage.append(contentsOf: key.kernel)
        kernelOffsets.append(kernelStorage.count)
        contexts.append(Program.Context(rawValue: key.context))
        stateIDs[key] = id
        usedBytes += cost
        return id
    }

    private mutating func flush() {
        flushCount += 1
        transitions.removeAll(keepingCapacity: true)
        kernelStorage.removeAll(keepingCapacity: true)
        kernelOffsets.removeAll(keepingCapacity: true)
        kernelOffsets.append(0)
        contexts.removeAll(keepingCapacity: true)
        stateIDs.removeAll(keepingCapacity: true)
        startState = -1
        usedBytes = 0
    }
}
