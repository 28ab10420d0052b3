import PivotOTLP
import PivotHTTP
import PivotIngest
import PivotMetricStore
import PivotModel
import PivotRemoteWrite

#if canImport(Glibc)
import Glibc
#endif

/// Everything `pivot serve` needs, validated. Built from flags by `ServeCommand`; tests build it directly.
public struct ServeConfiguration: Sendable {
    /// Prometheus API, remote-write, trace APIs and operations endpoints. Default `0.0.0.0:9090`.
    public var webListenAddress: ListenAddress
    /// OTLP/HTTP; nil disables the listener. Default `0.0.0.0:4318`.
    public var otlpHTTPListenAddress: ListenAddress?
    /// OTLP/gRPC; nil disables the listener. Default `0.0.0.0:4317`.
    public var otlpGRPCListenAddress: ListenAddress?
    /// Directory of all stored data. Default `./data`.
    public var storagePath: String
    /// How long samples, exemplars and spans are kept, in milliseconds. Default 15 days.
    public var retentionMilliseconds: Int64
    public var log: LogConfiguration
    /// When the write-ahead log is fsynced. Default every 1 s in the background.
    public var walSync: WALSyncPolicy = .interval(.seconds(1))
    /// Out-of-order acceptance window in milliseconds. Default 0.
    public var outOfOrderTimeWindowMilliseconds: Int64 = 0
    /// Most series in the head (`--storage.max-active-series`). Default 10,000,000.
    public var maxActiveSeries = 10_000_000
    public var remoteWriteLimits = RemoteWriteLimits.default
    public var queryLimits = QueryLimits()
    /// How long traces are kept (`--storage.traces.retention`, default: `--storage.retention`), milliseconds.
    public var traceRetentionMilliseconds: Int64 = 15 * 86_400_000
    /// Result cap and time bound of the Tempo and Jaeger searches (`--traces.*` flags).
    public var traceSearchLimits = TraceSearchLimits()
    /// OTLP metric translation (`--otlp.*` flags).
    public var otlpTranslation = OTLPTranslationOptions()
    /// Largest OTLP body or gRPC message, in bytes. Default 32 MiB.
    public var otlpMaxBodyBytes = 32 << 20
    /// Load shedding on every ingest path (`--ingest.max-inflight-bytes`, `--storage.max-memory`).
    public var ingestAdmission = IngestAdmissionLimits.default
    /// TLS and authentication for every listener (`--web.config.file`). Default: neither.
    public var web = WebConfig()

    public init(
        webListenAddress: ListenAddress = ListenAddress(host: "0.0.0.0", port: 9090),
        otlpHTTPListenAddress: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 4318),
        otlpGRPCListenAddress: ListenAddress? = ListenAddress(host: "0.0.0.0", port: 4317),
        storagePath: String = "./data",
        retentionMilliseconds: Int64 = 15 * 24 * 3_600_000,
        log: LogConfiguration = LogConfiguration()
    ) {
        self.webListenAddress = webListenAddress
        self.otlpHTTPListenAddress = otlpHTTPListenAddress
        self.otlpGRPCListenAddress = otlpGRPCListenAddress
        self.storagePath = storagePath
        self.retentionMilliseconds = retentionMilliseconds
        self.log = log
    }
}

extension ServeConfiguration {
    /// Parses a flag value with `parse`, naming the flag in the error.
    static func value<T>(
        _ flag: String, _ text: String, _ parse: (String) throws(ConfigurationError.Reason) -> T
    ) throws(ConfigurationError) -> T {
        do {
            return try parse(text)
        } catch {
            throw ConfigurationError(flag: flag, value: text, message: error.message)
        }
    }

    static func listenAddress(_ flag: String, _ text: String) throws(ConfigurationError) -> ListenAddress {
        try value(flag, text) { text throws(ConfigurationError.Reason) in try ListenAddress(parsing: text) }
    }

    static func optionalListenAddress(_ flag: String, _ text: String) throws(ConfigurationError) -> ListenAddress? {
        text.isEmpty ? nil : try listenAddress(flag, text)
    }

    static func duration(_ flag: String, _ text: String) throws(ConfigurationError) -> Int64 {
        try value(flag, text) { text throws(ConfigurationError.Reason) in
            do throws(PrometheusDuration.ParseError) {
                return try PrometheusDuration.milliseconds(text)
            } catch {
                throw .init(error.message)
            }
        }
    }

    static func positiveDuration(_ flag: String, _ text: String) throws(ConfigurationError) -> Int64 {
        let ms = try duration(flag, text)
        guard ms > 0 else { throw ConfigurationError(flag: flag, value: text, message: "must be greater than 0") }
        return ms
    }

    /// `always`, `never`, or a Prometheus duration for a background fsync interval.
    static func walSync(_ flag: String, _ text: String) throws(ConfigurationError) -> WALSyncPolicy {
        switch text {
        case "always": return .always
        case "never": return .never
        default:
            do throws(PrometheusDuration.ParseError) {
                let ms = try PrometheusDuration.milliseconds(text)
                guard ms > 0 else { return .always }
                return .interval(.milliseconds(ms))
            } catch {
                throw ConfigurationError(flag: flag, value: text, message: "must be always, never or a duration such as 1s")
            }
        }
    }

    /// Loads and checks `--web.config.file` (empty: no TLS, no authentication), including that the
    /// TLS certificate and key load and fit together.
    static func webConfig(_ flag: String, _ path: String, cacheCapacity: Int) throws(ConfigurationError) -> WebConfig {
        guard !path.isEmpty else { return WebConfig() }
        do throws(WebConfig.ParseError) {
            let config = try WebConfig.load(path: path, cacheCapacity: cacheCapacity)
            _ = try config.tls?.httpConfiguration()
            return config
        } catch {
            throw ConfigurationError(flag: flag, value: path, message: error.message)
        }
    }

    /// Creates the storage directory if needed and checks that it is writable.
    static func prepareStorageDirectory(_ path: String) throws(ConfigurationError) {
        let flag = "storage.path"
        guard !path.isEmpty else { throw ConfigurationError(flag: flag, value: path, message: "must not be empty") }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ConfigurationError(flag: flag, value: path, message: "cannot create directory \(prefix): \(errnoMessage())")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError(flag: flag, value: path, message: "not a directory")
        }
        let probe = path + "/.pivot-write-check"
        let fd = open(probe, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw ConfigurationError(flag: flag, value: path, message: "directory is not writable: \(errnoMessage())")
        }
        close(fd)
        unlink(probe)
    }
}

func errnoMessage() -> String { String(cString: strerror(errno)) }

extension ServeConfiguration {
    /// A memory size: `0` (no bound), a byte count, a count with a unit (`KB`, `MB`, `GB`, `TB`, powers of
    /// 1024 as in Prometheus's size flags; `KiB`, `MiB`, `GiB`, `TiB` too), or a percentage of `available`.
    static func memorySize(_ flag: String, _ text: String, available: Int) throws(ConfigurationError) -> Int {
        try value(flag, text) { text throws(ConfigurationError.Reason) in
            let trimmed = String(text.filter { !$0.isWhitespace })
            if trimmed.hasSuffix("%") {
                guard let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 else {
                    throw .init("a percentage must be above 0% and at most 100%")
                }
                return Int(Double(available) * percent / 100)
            }
            let units: [(String, Int)] = [
                ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
                ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40), ("B", 1),
            ]
            for (unit, factor) in units where trimmed.hasSuffix(unit) {
                guard let count = Double(trimmed.dropLast(unit.count)), count >= 0, count * Double(factor) < 9e18 else {
                    throw .init("must be a number followed by B, KB, MB, GB or TB")
                }
                return Int(count * Double(factor))
            }
            guard let bytes = Int(trimmed), bytes >= 0 else {
                throw .init("must be 0, a byte count, a size such as 2GB or 512MiB, or a percentage such as 80%")
            }
            return bytes
        }
    }
}
