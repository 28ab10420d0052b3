import PivotWire
import SwiftProtobuf

/// A remote-write 1.0 request of the shape the project's load generator sends
/// (`../shared/bench/rw_payloads.py`): 2,000 node-exporter-like series with one sample each, 139 per host
/// (CPU, filesystem, network, disk, memory, load and an `http_request_duration_seconds` histogram of an
/// app on the same host), every series with `cluster`, `env`, `region`, `instance` and `job`, labels sorted
/// by name (8.3 per series on average), and an exemplar (`span_id`, `trace_id`) on one sample in a hundred.
struct RemoteWriteFixture {
    /// The uncompressed `prometheus.WriteRequest` bytes.
    let bytes: [UInt8]
    /// What a complete decode must see.
    let expected: RemoteWriteTally

    init(seriesCount: Int, seed: UInt64 = 1) {
        var random = BenchRandom(seed: seed)
        var request = Prometheus_WriteRequest()
        request.timeseries.reserveCapacity(seriesCount)
        let timestamp: Int64 = 1_767_225_600_000
        var host = 0
        while request.timeseries.count < seriesCount {
            for pairs in Self.hostSeries(host) where request.timeseries.count < seriesCount {
                var series = Prometheus_TimeSeries()
                series.labels = pairs.sorted { $0.0 < $1.0 }.map { Self.label($0.0, $0.1) }
                var sample = Prometheus_Sample()
                sample.value = Double(random.next() % 100_000_000) / 100
                sample.timestamp = timestamp
                series.samples = [sample]
                if random.next() % 100 == 0 {
                    var exemplar = Prometheus_Exemplar()
                    exemplar.labels = [Self.label("span_id", random.hex(bytes: 8)), Self.label("trace_id", random.hex(bytes: 16))]
                    exemplar.value = Double(random.next() % 5_000) / 1_000
                    exemplar.timestamp = timestamp
                    series.exemplars = [exemplar]
                }
                request.timeseries.append(series)
            }
            host += 1
        }
        bytes = try! request.serializedBytes()
        expected = RemoteWriteTally(request)
    }

    private static func label(_ name: String, _ value: String) -> Prometheus_Label {
        var label = Prometheus_Label()
        label.name = name
        label.value = value
        return label
    }

    /// The label sets of host number `host`'s series, unsorted.
    static func hostSeries(_ host: Int) -> [[(String, String)]] {
        let region = ["eu-west-1", "us-east-1", "ap-south-1"][host % 3]
        let env = ["prod", "staging"][(host / 3) % 2]
        let address = "10.\((host >> 16) & 255).\((host >> 8) & 255).\(host & 255)"
        let base = [("cluster", "\(region)-\(env)-\(host / 50)"), ("env", env), ("region", region)]
        let node = base + [("instance", "\(address):9100"), ("job", "node")]
        var out: [[(String, String)]] = []
        for cpu in 0..<8 {
            for mode in ["idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"] {
                out.append(node + [("__name__", "node_cpu_seconds_total"), ("cpu", "\(cpu)"), ("mode", mode)])
            }
        }
        let filesystems = [("/dev/sda1", "ext4", "/"), ("/dev/sda2", "ext4", "/var"), ("/dev/sdb1", "xfs", "/var/lib/data"), ("tmpfs", "tmpfs", "/run")]
        for (device, fstype, mount) in filesystems {
            for name in ["node_filesystem_avail_bytes", "node_filesystem_size_bytes"] {
                out.append(node + [("__name__", name), ("device", device), ("fstype", fstype), ("mountpoint", mount)])
            }
        }
        for device in ["eth0", "eth1", "lo"] {
            for metric in ["receive_bytes", "transmit_bytes", "receive_packets", "transmit_packets"] {
                out.append(node + [("__name__", "node_network_\(metric)_total"), ("device", device)])
            }
        }
        for device in ["sda", "sdb", "nvme0n1"] {
            for metric in ["read_bytes", "written_bytes", "io_time_seconds"] {
                out.append(node + [("__name__", "node_disk_\(metric)_total"), ("device", device)])
            }
        }
        for metric in ["MemAvailable", "MemFree", "Cached", "Buffers"] {
            out.append(node + [("__name__", "node_memory_\(metric)_bytes")])
        }
        for name in ["node_load1", "node_load5", "node_load15"] {
            out.append(node + [("__name__", name)])
        }
        let app = base + [("instance", "\(address):8080"), ("job", "api")]
        for handler in ["/api/v1/query", "/api/v1/write", "/metrics"] {
            let request = app + [("handler", handler), ("method", "GET"), ("code", "200")]
            for le in ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"] {
                out.append(request + [("__name__", "http_request_duration_seconds_bucket"), ("le", le)])
            }
            out.append(request + [("__name__", "http_request_duration_seconds_sum")])
            out.append(request + [("__name__", "http_request_duration_seconds_count")])
        }
        return out
    }
}
