import PivotModel
import Testing

@Suite struct WriteBatchTests {
    @Test func appendedSeriesReadBackThroughTheArena() {
        // Series built into a batch come back with the same labels, samples and exemplars.
        var batch = WriteBatch()
        let labels = Labels(["__name__": "http_requests_total", "job": "api"])
        let exemplar = Exemplar(labels: Labels(["trace_id": "0af7651916cd43dd8448eb211c80319c"]), value: 1.5, timestamp: 1_000)
        batch.append(labels: labels, samples: [Sample(timestamp: 1_000, value: 3)], exemplars: [exemplar])
        batch.append(labels: Labels(["__name__": "up"]), samples: [Sample(timestamp: 2_000, value: 1)])
        #expect(batch.series.count == 2)
        #expect(batch.labels(of: batch.series[0]) == labels)
        #expect(batch.samples[batch.series[1].samples] == [Sample(timestamp: 2_000, value: 1)])
        #expect(batch.exemplars[batch.series[0].exemplars].map(batch.exemplar) == [exemplar])
        #expect(batch.series[1].exemplars.isEmpty)
    }

    @Test func staleMarkerIsRecognisedByItsBits() {
        // Only the exact stale NaN counts as a staleness marker.
        #expect(StaleMarker.isStale(StaleMarker.value))
        #expect(!StaleMarker.isStale(.nan))
        #expect(Sample(timestamp: 1, value: StaleMarker.value).isIdentical(to: Sample(timestamp: 1, value: StaleMarker.value)))
    }
}
