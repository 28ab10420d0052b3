import Foundation
import PivotFuzzTargets
import Testing

/// Every committed fuzz input replayed through its target: a regression that comes back crashes (or
/// traps on an invariant) here, in `make test`, without libFuzzer.
@Suite struct FuzzReplayTests {
    @Test(arguments: FuzzTarget.allCases)
    func everyCorpusInputIsHandledWithoutACrash(target: FuzzTarget) throws {
        // Each committed seed of the target decodes or is refused with an error; none traps.
        let files = FuzzInputs.corpus(target)
        #expect(!files.isEmpty, "fuzz/corpus/\(target.rawValue) has no seeds")
        for file in files {
            target.run(Array(try Data(contentsOf: file)))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyRegressionInputIsHandledWithoutACrash(target: FuzzTarget) throws {
        // Each crash the fuzzer once found (fuzz/regressions/<target>) is now handled.
        for file in FuzzInputs.regressions(target) {
            target.run(Array(try Data(contentsOf: file)))
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyReferenceSeedIsHandledWithoutACrash(target: FuzzTarget) {
        // The reference files `make fuzz` adds as seeds (OTLP examples, PromQL scripts and queries) pass too.
        for seed in FuzzInputs.referenceSeeds(target) {
            target.run(seed)
        }
    }

    @Test func everyTargetHasADistinctNameAndSummary() {
        // Names are what `pivot-fuzz` and the corpus folders use, so they must be unique.
        let names = FuzzTarget.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(FuzzTarget.allCases.allSatisfy { !$0.summary.isEmpty })
        #expect(FuzzTarget(rawValue: "remote-write-1") == .remoteWrite1)
    }
}
