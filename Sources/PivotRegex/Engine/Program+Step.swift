/// Reusable work space for `Program.step`: generation-stamped marks, so nothing is cleared
/// between steps.
struct StepScratch: Sendable {
    private(set) var visited: [UInt32]
    private(set) var queued: [UInt32]
    private(set) var generation: UInt32 = 0
    var stack: [Int32] = []

    init(programSize: Int) {
        visited = [UInt32](repeating: 0, count: programSize)
        queued = [UInt32](repeating: 0, count: programSize)
    }

    var isAllocated: Bool { !visited.isEmpty }

    mutating func beginStep() {
        generation &+= 1
        if generation == 0 {
            for index in visited.indices {
                visited[index] = 0
                queued[index] = 0
            }
            generation = 1
        }
    }

    /// Marks `pc` visited; false if it already was in this step.
    @inline(__always)
    mutating func visit(_ pc: Int32) -> Bool {
        if visited[Int(pc)] == generation { return false }
        visited[Int(pc)] = generation
        return true
    }

    /// Marks `pc` queued for the next position; false if it already was in this step.
    @inline(__always)
    mutating func enqueue(_ pc: Int32) -> Bool {
        if queued[Int(pc)] == generation { return false }
        queued[Int(pc)] = generation
        return true
    }
}

extension Program {
    /// One position of the NFA simulation.
    ///
    /// Starting from the `kernel` instructions, follows empty-width edges (splits, jumps, assertions
    /// that hold between the context `before` and the code point `next`), and appends to `output`,
    /// once each, the continuations of consuming instructions that accept `next`. With
    /// `next == nil` (end of text) nothing is consumed and the result says whether `match` was
    /// reached. Each instruction is expanded at most once, so the work (added to `work`) is at most
    /// the program size.
    func step(
        kernel: ArraySlice<Int32>, before: Context, next: UInt32?,
        output: inout [Int32], scratch: inout StepScratch, work: inout Int
    ) -> Bool {
        scratch.beginStep()
        var matched = false
        scratch.stack.removeAll(keepingCapacity: true)
        for pc in kernel.reversed() { scratch.stack.append(pc) }
        while let pc = scratch.stack.popLast() {
            guard scratch.visit(pc) else { continue }
            work += 1
            let instruction = instructions[Int(pc)]
            switch instruction.opcode {
            case .match:
                if next == nil { matched = true }
            case .split:
                scratch.stack.append(instruction.alternative)
                scratch.stack.append(instruction.next)
            case .jump:
                scratch.stack.append(instruction.next)
            case .assertion:
                if Self.holds(instruction.argument, before: before, after: next) {
                    scratch.stack.append(instruction.next)
                }
            case .scalar, .inClass, .anyScalar, .anyScalarExceptNewline:
                if let next, accepts(instruction, next), scratch.enqueue(instruction.next) {
                    output.append(instruction.next)
                }
            }
        }
        return matched
    }

    /// Whole-input match by plain NFA simulation: O(input length × program size) time, no cache.
    func simulate(_ bytes: UnsafeBufferPointer<UInt8>, work: inout Int) -> Bool {
        var scratch = StepScratch(programSize: size)
        var current: [Int32] = [start]
        var following: [Int32] = []
        var context: Context = .atBeginning
        var offset = 0
        while offset < bytes.count {
            let (scalar, length) = UTF8Decoding.scalar(in: bytes, at: offset)
            following.removeAll(keepingCapacity: true)
            _ = step(
                kernel: current[...], before: context, next: scalar, output: &following, scratch: &scratch,
                work: &work)
            if following.isEmpty { return false }
            swap(&current, &following)
            context = Self.context(after: scalar)
            offset += length
        }
        return step(
            kernel: current[...], before: context, next: nil, output: &following, scratch: &scratch, work: &work)
    }
}

/// Decoding of the (always valid) UTF-8 of a Swift `String`.
enum UTF8Decoding {
    /// The code point starting at `offset` and its length in bytes.
    @inline(__always)
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[offset])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 {
            return (((lead & 0x1F) << 6) | (UInt32(bytes[offset + 1]) & 0x3F), 2)
        }
        if lead < 0xF0 {
            return (
                ((lead & 0x0F) << 12) | ((UInt32(bytes[offset + 1]) & 0x3F) << 6)
                    | (UInt32(bytes[offset + 2]) & 0x3F), 3
            )
        }
        return (
            ((lead & 0x07) << 18) | ((UInt32(bytes[offset + 1]) & 0x3F) << 12)
                | ((UInt32(bytes[offset + 2]) & 0x3F) << 6) | (UInt32(bytes[offset + 3]) & 0x3F), 4
        )
    }
}
