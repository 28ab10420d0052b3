import Foundation

/// The requests of a `pivot-bench otlp` run, read into memory before anything is timed from a
/// directory written by `bench/otlp/otlp_payloads.py`: `manifest.json` lists each round's files
/// (`rounds_files`: `[[name, points], …]` per round) and every file is one serialized
/// `ExportMetricsServiceRequest`.
struct OTLPPayloads {
    /// `rounds[r][q]` is the protobuf body of request `q` in round `r`.
    let rounds: [[[UInt8]]]
    /// `points[r][q]`: data points in that request as the manifest counts them (a histogram point is one).
    let points: [[Int]]
    /// Total bytes of all request bodies.
    let bytes: Int
    /// The manifest's `prometheus_series` (series named `bench_*`, without `target_info`); 0 when absent.
    let expectedSeries: Int
    /// The manifest's `exemplars`; 0 when absent.
    let exemplars: Int

    var requests: Int { rounds.reduce(0) { $0 + $1.count } }
    var totalPoints: Int { points.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Reads `directory/manifest.json` and every file it lists. Throws a `BenchError` naming what is
    /// missing or malformed.
    init(directory: String) throws {
        let manifestPath = directory + "/manifest.json"
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw BenchError("cannot read \(manifestPath) (write it with bench/otlp/otlp_payloads.py --out \(directory))")
        }
        guard let manifest = (try? JSONSerialization.jsonObject(with: manifestData)) as? [String: Any],
              let roundsFiles = manifest["rounds_files"] as? [[[Any]]]
        else {
            throw BenchError("\(manifestPath) has no rounds_files list")
        }
        var rounds: [[[UInt8]]] = []
        var points: [[Int]] = []
        var bytes = 0
        for files in roundsFiles {
            var bodies: [[UInt8]] = []
            var counts: [Int] = []
            for entry in files {
                guard entry.count == 2, let name = entry[0] as? String, let count = (entry[1] as? NSNumber)?.intValue else {
                    throw BenchError("\(manifestPath): a rounds_files entry is not [name, points]")
                }
                guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                    throw BenchError("cannot read \(directory)/\(name)")
                }
                bodies.append([UInt8](data))
                counts.append(count)
                bytes += data.count
            }
            rounds.append(bodies)
            points.append(counts)
        }
        guard rounds.contains(where: { !$0.isEmpty }) else { throw BenchError("\(manifestPath) lists no requests") }
        self.rounds = rounds
        self.points = points
        self.bytes = bytes
        expectedSeries = (manifest["prometheus_series"] as? NSNumber)?.intValue ?? 0
        exemplars = (manifest["exemplars"] as? NSNumber)?.intValue ?? 0
    }

    /// The first `count` requests in round order (fewer when there are fewer).
    func firstRequests(_ count: Int) -> [[UInt8]] {
        Array(rounds.joined().prefix(count))
    }
}
