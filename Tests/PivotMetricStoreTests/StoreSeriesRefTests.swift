import PivotModel
import PivotStorage
import Testing

@testable import PivotMetricStore

@Suite("Metric store: series references")
struct StoreSeriesRefTests {
    /// A batch asking for references.
    static func reporting(_ series: [(Labels, [Sample])]) -> WriteBatch {
        var batch = StoreTest.batch(series)
        batch.reportsSeriesRefs = true
        return batch
    }

    /// A batch of one sample per reference.
    static func byReference(_ samples: [(UInt64, Sample)], exemplar: Exemplar? = nil) -> WriteBatch {
        var batch = WriteBatch()
        for (ref, sample) in samples {
            batch.append(seriesRef: ref, sample: sample, exemplars: exemplar.map { [$0] } ?? [])
        }
        return batch
    }

    @Test("references come back in batch order, and samples sent by reference land in those series")
    func roundTrip() async throws {
        // Expects one distinct non-zero reference per series (the same for a series sent twice), and a
        // by-reference batch stored exactly as the same batch by labels would be.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try await StoreTest.open(directory)
        let a = StoreTest.labels(["__name__": "m", "s": "a"])
        let b = StoreTest.labels(["__name__": "m", "s": "b"])
        let first = try await StoreTest.write(store, Self.reporting([(a, [Sample(timestamp: 1000, value: 1)]), (b, [Sample(timestamp: 1000, value: 2)])]))
        #expect(first.seriesRefs.count == 2)
        #expect(!first.seriesRefs.contains(0))
        #expect(Set(first.seriesRefs).count == 2)
        // Known series report the same reference; a batch without the flag reports none.
        let again = try await StoreTest.write(store, Self.reporting([(b, [Sample(timestamp: 2000, value: 3)])]))
        #expect(again.seriesRefs == [first.seriesRefs[1]])
        let plain = try await StoreTest.write(store, StoreTest.batch([(a, [Sample(timestamp: 2000, value: 4)])]))
        #expect(plain.seriesRefs.isEmpty)

        let trace = Exemplar(labels: StoreTest.labels(["trace_id": "abc"]), value: 5, timestamp: 3000)
        let result = try await StoreTest.write(store, Self.byReference(
            [(first.seriesRefs[0], Sample(timestamp: 3000, value: 5))], exemplar: trace))
        #expect(result.samplesWritten == 1)
        #expect(result.exemplarsWritten == 1)
        #expect(result.seriesCreated == 0)
        let stored = try StoreTest.everything(store)
        #expect(stored.map(\.labels) == [a, b])
        #expect(stored[0].samples.map(\.timestamp) == [1000, 2000, 3000])
        #expect(stored[1].samples.map(\.value) == [2, 3])
        let exemplars = try store.exemplars([[StoreTest.matcher(.equal, "s", "a")]], mint: 0, maxt: .max)
        #expect(exemplars.first?.exemplars.map(\.value) == [5])

        // By-reference samples obey the same order rules as by labels, and the message names the series.
        #expect {
            try store.appender().append(Self.byReference([(first.seriesRefs[0], Sample(timestamp: 2500, value: 9))]))
        } throws: { error in
            guard let error = error as? AppendError else { return false }
            return error.code == .outOfOrderSample && error.message.contains("s=\"a\"")
        }
        await store.close()
    }

    @Test("a reference from another store, or from before a restart, is refused whole and stores nothing")
    func foreignReferences() async throws {
        // Expects `unknownSeriesReference` and the other series of the batch not stored either.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory)
        let a = StoreTest.labels(["__name__": "m", "s": "a"])
        let refs = try await StoreTest.write(store, Self.reporting([(a, [Sample(timestamp: 1000, value: 1)])])).seriesRefs
        await store.close()
        store = try await StoreTest.open(directory)
        var batch = StoreTest.batch([(StoreTest.labels(["__name__": "m", "s": "b"]), [Sample(timestamp: 2000, value: 2)])])
        batch.append(seriesRef: refs[0], sample: Sample(timestamp: 2000, value: 2))
        #expect { try store.appender().append(batch) } throws: { ($0 as? AppendError)?.code == .unknownSeriesReference }
        #expect { try store.appender().append(Self.byReference([(0x1234, Sample(timestamp: 2000, value: 2))])) } throws: {
            ($0 as? AppendError)?.code == .unknownSeriesReference
        }
        #expect(try StoreTest.everything(store).map(\.samples.count) == [1])
        await store.close()
    }

    @Test("a reference to a series retention removed is refused, at append or, if removed after staging, at commit")
    func removedSeries() async throws {
        // Expects a stale reference refused with `unknownSeriesReference` (the sender goes by labels
        // again) and nothing of that batch stored, whether the series went before the append or
        // between the append and the commit.
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        var store = try await StoreTest.open(directory, StoreRetentionTests.configure)
        let a = StoreTest.labels(["__name__": "m", "s": "a"])
        let b = StoreTest.labels(["__name__": "m", "s": "b"])
        let refs = try await StoreTest.write(store, Self.reporting([(a, [Sample(timestamp: 1000, value: 1)])])).seriesRefs

        let appender = store.appender()
        var batch = Self.byReference([(refs[0], Sample(timestamp: 500_000, value: 2))])
        batch.append(labels: b, sample: Sample(timestamp: 500_000, value: 2))
        _ = try appender.append(batch)
        try await store.applyRetention(now: 400_000)
        #expect(store.headStats().numSeries == 0)
        await #expect { try await appender.commit() } throws: { ($0 as? AppendError)?.code == .unknownSeriesReference }
        appender.rollback()
        #expect(try StoreTest.everything(store).isEmpty)

        #expect { try store.appender().append(Self.byReference([(refs[0], Sample(timestamp: 600_000, value: 3))])) } throws: {
            ($0 as? AppendError)?.code == .unknownSeriesReference
        }
        // By labels, the series comes back with a new reference.
        let renewed = try await StoreTest.write(store, Self.reporting([(a, [Sample(timestamp: 600_000, value: 3)])])).seriesRefs
        #expect(renewed.count == 1 && renewed != refs)
        _ = try await StoreTest.write(store, Self.byReference([(renewed[0], Sample(timestamp: 700_000, value: 4))]))
        await store.shutDown(checkpointing: .abandon)
        store = try await StoreTest.open(directory, StoreRetentionTests.configure)
        #expect(try StoreTest.everything(store).map(\.labels) == [a])
        #expect(try StoreTest.everything(store).first?.samples.map(\.timestamp) == [600_000, 700_000])
        await store.close()
    }
}
