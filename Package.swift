// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The executables are linked at a fixed address (not position-independent): a PIE image of this
/// size (Foundation and ICU linked in statically) spends ~2.5 ms of every process start applying
/// 83,000 relocations, a quarter of a one-event append. Libraries, heap and stack stay randomised.
let fixedAddress: [LinkerSetting] = [.unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux]))]

let package = Package(
    name: "MembershipLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ledger", targets: ["LedgerCLI"]),
        .executable(name: "ledger-bench", targets: ["LedgerBench"]),
        .executable(name: "ledger-fuzz", targets: ["LedgerFuzz"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerLog", targets: ["LedgerLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // glibc's allocator settings, CPU affinity and getrandom: part of libc, nothing to install.
        .systemLibrary(name: "CGlibc"),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // XXH32 of eight buffers at once in AVX-512 registers, where the processor has them.
        .target(name: "CXXHashLanes"),
        .target(name: "LedgerCore", dependencies: ["CGlibc"], swiftSettings: swiftSettings),
        .target(
            name: "LedgerLog",
            dependencies: [
                "LedgerCore", "CLZ4", "CGlibc", "CXXHashLanes", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LedgerProjections",
            dependencies: ["LedgerCore", "LedgerLog", "CSQLite", "CGlibc"],
            path: "Projections",
            exclude: ["README.md"],
            resources: [.copy("schema.sql"), .copy("queries")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "LedgerCLI",
            dependencies: [
                "LedgerCore", "LedgerLog", "LedgerProjections", "CGlibc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: fixedAddress
        ),
        .executableTarget(
            name: "LedgerBench",
            dependencies: ["LedgerCore", "LedgerLog", "CSQLite"],
            swiftSettings: swiftSettings,
            linkerSettings: fixedAddress
        ),
        .executableTarget(
            name: "LedgerFuzz",
            dependencies: ["LedgerCore", "LedgerLog"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LedgerTestSupport",
            dependencies: ["LedgerCore", "LedgerLog"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerProjectionsTests",
            dependencies: ["LedgerProjections", "LedgerCore", "LedgerLog", "LedgerTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "LedgerTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerLogTests",
            dependencies: ["LedgerLog", "LedgerCore", "LedgerTestSupport", "CLZ4"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerCLITests",
            dependencies: ["LedgerCore", "LedgerLog", "LedgerTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
