import Foundation
import PivotRemoteWrite

// pivot-bench decode: protobuf decode speed of each route Pivot could take (see docs/decisions.md).
// pivot-bench ingest: the remote-write ingest path in process (decode, validation, append, commit).
// pivot-bench otlp: the OTLP metrics path in process over payload files (decode, translate, append, commit).
// pivot-bench query: the peer benchmark's queries in process over a loaded metric store.
// pivot-bench traces: the OTLP trace path in process over payload files (decode, append, commit).

if CommandLine.arguments.dropFirst().first == "ingest" {
    do {
        try await IngestBench.run(try IngestBenchOptions(arguments: Array(CommandLine.arguments.dropFirst())))
        exit(0)
    } catch {
        let message = "\(error)"
        if !message.isEmpty { FileHandle.standardError.write(Data("pivot-bench: \(message)\n".utf8)) }
        print(IngestBenchOptions.usage)
        exit(message.isEmpty ? 0 : 2)
    }
}

if CommandLine.arguments.dropFirst().first == "query" {
    do {
        try await QueryBench.run(try QueryBench.Options(arguments: Array(CommandLine.arguments.dropFirst())))
        exit(0)
    } catch {
        let message = "\(error)"
        if !message.isEmpty { FileHandle.standardError.write(Data("pivot-bench: \(message)\n".utf8)) }
        print(QueryBench.Options.usage)
        exit(message.isEmpty ? 0 : 2)
    }
}

if CommandLine.arguments.dropFirst().first == "traces" {
    do {
        try await TraceBench.run(try TraceBench.Options(arguments: Array(CommandLine.arguments.dropFirst())))
        exit(0)
    } catch {
        let message = "\(error)"
        if !message.isEmpty { FileHandle.standardError.write(Data("pivot-bench: \(message)\n".utf8)) }
        print(TraceBench.Options.usage)
        exit(message.isEmpty ? 0 : 2)
    }
}

if CommandLine.arguments.dropFirst().first == "otlp" {
    do {
        try await OTLPBench.run(try OTLPBenchOptions(arguments: Array(CommandLine.arguments.dropFirst())))
        exit(0)
    } catch {
        let message = "\(error)"
        if !message.isEmpty { FileHandle.standardError.write(Data("pivot-bench: \(message)\n".utf8)) }
        print(OTLPBenchOptions.usage)
        exit(message.isEmpty ? 0 : 2)
    }
}

let options: DecodeBenchOptions
do {
    options = try DecodeBenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    let message = "\(error)"
    if !message.isEmpty { FileHandle.standardError.write(Data("pivot-bench: \(message)\n".utf8)) }
    print(DecodeBenchOptions.usage)
    exit(message.isEmpty ? 0 : 2)
}

let timer = DecodeTimer(runs: options.runs, minRunSeconds: Double(options.minRunMilliseconds) / 1_000)
let remoteWrite = RemoteWriteFixture(seriesCount: options.series)
let otlp = OTLPFixture(resources: options.otlpResources)
let decoder = RemoteWriteDecoder()

print(machineDescription())
print("remote-write 1.0: \(remoteWrite.bytes.count) bytes, \(remoteWrite.expected.series) series, "
    + "\(remoteWrite.expected.samples) samples, "
    + String(format: "%.1f", Double(remoteWrite.expected.labels) / Double(remoteWrite.expected.series))
    + " labels per series, \(remoteWrite.expected.exemplars) exemplars")
print("OTLP metrics: \(otlp.bytes.count) bytes, \(otlp.expected.points) points, \(otlp.expected.metrics) metrics, "
    + "\(otlp.expected.exemplars) exemplars, \(otlp.expected.attributes) attributes")
print("runs: \(options.runs) per variant, each at least \(options.minRunMilliseconds) ms; one thread\n")

var timings: [DecodeTiming] = []
do {
    let rw = (payload: "remote-write 1.0", bytes: remoteWrite.bytes.count, items: remoteWrite.expected.samples)
    timings.append(try timer.time(payload: rw.payload, variant: "swift-protobuf", bytes: rw.bytes, items: rw.items,
                                  expected: remoteWrite.expected) { try RemoteWriteDecodeVariants.swiftProtobuf(remoteWrite.bytes) })
    timings.append(try timer.time(payload: rw.payload, variant: "protobuf-c", bytes: rw.bytes, items: rw.items,
                                  expected: remoteWrite.expected) { try RemoteWriteDecodeVariants.protobufC(remoteWrite.bytes) })
    timings.append(try timer.time(payload: rw.payload, variant: "hand-written (WriteBatch)", bytes: rw.bytes, items: rw.items,
                                  expected: remoteWrite.expected) { try RemoteWriteDecodeVariants.handWritten(remoteWrite.bytes, decoder: decoder) })
    let ot = (payload: "OTLP metrics", bytes: otlp.bytes.count, items: otlp.expected.points)
    timings.append(try timer.time(payload: ot.payload, variant: "swift-protobuf", bytes: ot.bytes, items: ot.items,
                                  expected: otlp.expected) { try OTLPDecodeVariants.swiftProtobuf(otlp.bytes) })
    timings.append(try timer.time(payload: ot.payload, variant: "protobuf-c", bytes: ot.bytes, items: ot.items,
                                  expected: otlp.expected) { try OTLPDecodeVariants.protobufC(otlp.bytes) })
    timings.append(try timer.time(payload: ot.payload, variant: "hand-written walker", bytes: ot.bytes, items: ot.items,
                                  expected: otlp.expected) { try OTLPDecodeVariants.walker(otlp.bytes) })
} catch {
    FileHandle.standardError.write(Data("pivot-bench: \(error)\n".utf8))
    exit(1)
}

print("| payload | decoder | MB/s | samples or points/s | µs per request (median) | min–max µs | check |")
print("|---|---|---:|---:|---:|---:|---|")
for t in timings {
    print("| \(t.payload) | \(t.variant) | " + String(format: "%.0f", t.megabytesPerSecond)
        + " | " + String(format: "%.2f M", t.itemsPerSecond / 1_000_000)
        + " | " + String(format: "%.1f", t.median * 1e6)
        + " | " + String(format: "%.1f–%.1f", t.fastest * 1e6, t.slowest * 1e6) + " | \(t.items) ✓ |")
}

func machineDescription() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("model name") }?
        .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    return "machine: \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}
