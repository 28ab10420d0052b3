import CPivotSupport
import Foundation
import Logging
import PivotModel
import PivotOTLP
import PivotStorage
import PivotTraceStore

/// `pivot-bench traces`: the server's OTLP trace path in process, without HTTP. Each request
/// (`ExportTraceServiceRequest` files written by `bench/otlp/trace_payloads.py`) is decoded
/// (`OTLPTracesProtobufDecoder`) and appended to a `TraceStore` in a temporary directory, which
/// commits before returning, as `OTLPTracesReceiver` does; `concurrency` requests run at once.
enum TraceBench {
    struct Options {
        var directory = ""
        var concurrency = 4
        var keepDirectory = false

        static let usage = """
            usage: pivot-bench traces --dir DIR [--concurrency N] [--keep-directory]

            Loads every request written by `python3 bench/otlp/trace_payloads.py --out DIR` into memory, then
            decodes and appends them to a trace store in a temporary directory, --concurrency (4) at a time.
            Reports spans/s, CPU seconds per million spans, a one-thread decode cost, the store's prepare
            (encode, compress) and write (serial SQLite transaction) time per span, and bytes on disk.
            """

        init(arguments: [String]) throws {
            var rest = arguments.dropFirst()
            while let flag = rest.popFirst() {
                switch flag {
                case "--help", "-h": throw BenchError("")
                case "--keep-directory": keepDirectory = true
                case "--dir":
                    guard let value = rest.popFirst() else { throw BenchError("--dir needs a value") }
                    directory = value
                case "--concurrency":
                    guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0 else {
                        throw BenchError("--concurrency needs a positive integer")
                    }
                    concurrency = value
                default: throw BenchError("unknown flag \(flag)")
                }
            }
            if directory.isEmpty { throw BenchError("--dir is required") }
        }
    }

    static func run(_ options: Options) async throws {
        pivot_tune_malloc()
        print(machineDescription())
        let names = try FileManager.default.contentsOfDirectory(atPath: options.directory)
            .filter { $0.hasSuffix(".pb") }.sorted()
        guard !names.isEmpty else { throw BenchError("no .pb files in \(options.directory)") }
        let bodies = try names.map { name -> [UInt8] in
            guard let data = FileManager.default.contents(atPath: options.directory + "/" + name) else {
                throw BenchError("cannot read \(name)")
            }
            return [UInt8](data)
        }
        let decoder = OTLPTracesProtobufDecoder()
        var decodeSeconds: [Double] = []
        var phaseSpans = 0
        for _ in 0..<3 {
            let before = ProcessStats.threadCPUSeconds()
            phaseSpans = 0
            for body in bodies.prefix(20) { phaseSpans += try decoder.decode(body).batch.spans.count }
            decodeSeconds.append(ProcessStats.threadCPUSeconds() - before)
        }
        let decodeNanos = decodeSeconds.sorted()[1] / Double(max(phaseSpans, 1)) * 1e9

        let directory = NSTemporaryDirectory() + "pivot-bench-traces-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        defer { if !options.keepDirectory { try? FileManager.default.removeItem(atPath: directory) } }
        let store = try await TraceStore.open(
            options: TraceStoreOptions(path: directory), logger: Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() })
        let cpuBefore = ProcessStats.cpuSeconds()
        let started = ContinuousClock.now
        let written = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var written = 0
            func submit() {
                let body = bodies[next]
                next += 1
                group.addTask { try await store.append(try decoder.decode(body).batch).spansWritten }
            }
            while next < min(options.concurrency, bodies.count) { submit() }
            while let count = try await group.next() {
                written += count
                if next < bodies.count { submit() }
            }
            return written
        }
        let elapsed = ProcessStats.seconds(ContinuousClock.now - started)
        let cpu = ProcessStats.cpuSeconds() - cpuBefore
        let statistics = store.statistics
        await store.close()
        let spans = Double(max(written, 1))
        print("\(bodies.count) requests, \(written) spans written, concurrency \(options.concurrency)")
        print(String(format: "ingest: %.0f spans/s, %.2f CPU-s per 1M spans", spans / elapsed, cpu / spans * 1e6))
        print(String(format: "per span: decode %.0f ns (one thread), prepare %.0f ns, write %.0f ns (serial)",
                     decodeNanos, Double(statistics.prepareNanos) / spans, Double(statistics.writeNanos) / spans))
        let bytes = ProcessStats.directoryBytes(directory)
        print(String(format: "disk after close: %.0f bytes per span", Double(bytes) / spans)
            + (options.keepDirectory ? " in \(directory)" : ""))
    }
}
