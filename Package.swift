// swift-tools-version:6.1
import PackageDescription

// Layers (targets import only downward; see ../shared/DESIGN.md "Module layout"):
//   L0  PivotRegex, PivotModel, PivotWire (generated protobuf), PivotSQLite, CSnappy, CSQLite
//   L1  PivotRemoteWrite (decoding), PivotStorage (interfaces + in-memory store)
//   L2  PivotMetricStore
//   L3  PivotIngest (the one insert path)
//   L4  PivotHTTP (Hummingbird)
//   L5  PivotCLI (flags, wiring, lifecycle) and the `pivot` executable

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "pivot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pivot", targets: ["pivot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        // L0
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "PivotRegex", swiftSettings: swiftSettings),
        .target(name: "PivotModel", dependencies: ["PivotRegex"], swiftSettings: swiftSettings),
        .target(name: "CPivotSupport"),
        .target(name: "PivotSQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),

        // L1
        .target(name: "PivotStorage", dependencies: ["PivotModel"], swiftSettings: swiftSettings),
        .target(name: "PivotPromQL", dependencies: ["PivotModel"], swiftSettings: swiftSettings),
        .target(name: "PivotRemoteWrite", dependencies: ["PivotModel", "CSnappy"], swiftSettings: swiftSettings),



        .target(name: "PivotPromQLEngine", dependencies: ["PivotPromQL", "PivotStorage", "PivotModel", "PivotRegex"], swiftSettings: swiftSettings),
        .target(name: "PivotPromQLTesting", dependencies: ["PivotPromQLEngine", "PivotPromQL", "PivotStorage", "PivotModel"], swiftSettings: swiftSettings),

        // L2
        .target(
            name: "PivotMetricStore",
            dependencies: [
                "PivotStorage", "PivotSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),

        // L3
        .target(
            name: "PivotIngest",
            dependencies: [
                "PivotStorage",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),

        // L4
        .target(
            name: "PivotHTTP",
            dependencies: [
                "PivotIngest", "PivotRemoteWrite", "PivotStorage", "PivotPromQL", "PivotPromQLEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),

        // L5
        .target(
            name: "PivotCLI",
            dependencies: [
                "PivotHTTP", "PivotIngest", "PivotPromQL", "PivotMetricStore", "PivotRemoteWrite", "CPivotSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "PivotConformance",
            dependencies: ["PivotMetricStore", "PivotPromQLTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .executableTarget(name: "pivot", dependencies: ["PivotCLI", "CPivotSupport"], swiftSettings: swiftSettings),

        // Tests: one target per source target, plus end-to-end tests against the built binary.
        .testTarget(name: "PivotRegexTests", dependencies: ["PivotRegex"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotModelTests", dependencies: ["PivotModel"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotSQLiteTests", dependencies: ["PivotSQLite"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotPromQLTests", dependencies: ["PivotPromQL", "PivotModel"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotRemoteWriteTests", dependencies: ["PivotRemoteWrite"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotPromQLEngineTests", dependencies: ["PivotPromQLEngine", "PivotPromQLTesting", "PivotPromQL", "PivotStorage", "PivotModel"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotMetricStoreTests", dependencies: ["PivotMetricStore", "PivotPromQLTesting", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(name: "PivotStorageTests", dependencies: ["PivotStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotIngestTests", dependencies: ["PivotIngest"], swiftSettings: swiftSettings),
        .testTarget(name: "PivotHTTPTests", dependencies: ["PivotHTTP", "PivotRemoteWrite", "PivotStorage", "PivotIngest", .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "HummingbirdTesting", package: "hummingbird")], swiftSettings: swiftSettings),
        .testTarget(
            name: "PivotCLITests",
            dependencies: [
                "PivotCLI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "PivotEndToEndTests", dependencies: ["PivotModel", "PivotRemoteWrite", "PivotMetricStore", "PivotStorage"], swiftSettings: swiftSettings),
    ]
)
