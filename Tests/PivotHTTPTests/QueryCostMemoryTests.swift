import Testing

@testable import PivotHTTP

/// Which queries may evaluate on the event loop: the ones whose last run of the same shape was quick.
@Suite struct QueryCostMemoryTests {
    @Test("unknown and slow shapes are not quick; a quick last run is; the shape includes range and step")
    func quickByLastRun() {
        let memory = QueryCostMemory()
        let shape = QueryCostMemory.Shape(query: "up", range: 0, step: 0)
        #expect(!memory.isQuick(shape))
        memory.record(shape, took: .microseconds(300))
        #expect(memory.isQuick(shape))
        #expect(!memory.isQuick(QueryCostMemory.Shape(query: "up", range: 3_600_000, step: 15_000)))
        memory.record(shape, took: QueryCostMemory.quickLimit + .microseconds(1))
        #expect(!memory.isQuick(shape))
        memory.record(shape, took: QueryCostMemory.quickLimit)
        #expect(memory.isQuick(shape))
    }

    @Test("past its capacity the memory starts over")
    func bounded() {
        let memory = QueryCostMemory()
        for index in 0..<QueryCostMemory.capacity {
            memory.record(QueryCostMemory.Shape(query: "q\(index)", range: 0, step: 0), took: .microseconds(10))
        }
        #expect(memory.count == QueryCostMemory.capacity)
        memory.record(QueryCostMemory.Shape(query: "q0", range: 0, step: 0), took: .microseconds(10))
        #expect(memory.count == QueryCostMemory.capacity)
        memory.record(QueryCostMemory.Shape(query: "new", range: 0, step: 0), took: .microseconds(10))
        #expect(memory.count == 1)
        #expect(!memory.isQuick(QueryCostMemory.Shape(query: "q1", range: 0, step: 0)))
    }
}
