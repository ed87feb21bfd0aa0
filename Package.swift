// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The release executables are linked whole (`-static-executable`: liblz4, SQLite, the C++ and C
/// libraries from their `.a` files in the -dev packages): no dynamic loader maps and binds shared
/// libraries at every process start, which took a one-event append from 12.06 to 8.88 ms (medians
/// of 100 in turn, the forty-third session). The login name (`--actor`'s default) is still looked
/// up through glibc's NSS modules, which a static glibc loads at run time; `$USER` stands in where
/// none load. Debug builds stay dynamic, linked at a fixed address (not position-independent): a
/// PIE image of this size (Foundation and ICU linked in) spends ~2.5 ms of every start applying
/// 83,000 relocations.
let fixedAddress: [LinkerSetting] = [
    .unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .debug)),
    .unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release)),
]

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
        // XXH32 of eight buffers at once in AVX-512 or AVX2 registers, the widest the processor has.
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
            dependencies: ["LedgerCore", "LedgerLog", "LedgerProjections", "CSQLite"],
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
