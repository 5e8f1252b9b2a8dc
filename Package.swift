// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "CardGate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cardgate", targets: ["cardgate"]),
        .library(name: "SmartCard", targets: ["SmartCard"]),
        .library(name: "CardSimulator", targets: ["CardSimulator"]),
        .library(name: "PIV", targets: ["PIV"]),
        .library(name: "AccessPolicy", targets: ["AccessPolicy"]),
        .library(name: "SiteFile", targets: ["SiteFile"]),
        .library(name: "AccessStore", targets: ["AccessStore"]),
        .library(name: "DoorAgent", targets: ["DoorAgent"]),
        .library(name: "Credentials", targets: ["Credentials"]),
        .library(name: "GateServer", targets: ["GateServer"]),
        .executable(name: "cardgated", targets: ["cardgated"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCSCLite",
            pkgConfig: "libpcsclite",
            providers: [.apt(["libpcsclite-dev"])]
        ),
        .target(name: "SmartCard", dependencies: ["CPCSCLite"]),
        .target(
            name: "PIV",
            dependencies: [
                "SmartCard",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "CardSimulator",
            dependencies: [
                "SmartCard", "PIV",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "AccessPolicy"),
        .target(name: "DoorAgent", dependencies: ["SmartCard", "PIV", "Credentials"]),
        .target(name: "SiteFile", dependencies: ["AccessPolicy", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "AccessStore",
            dependencies: [
                "AccessPolicy",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Credentials",
            dependencies: [
                "AccessPolicy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "GateServer",
            dependencies: [
                "AccessPolicy", "AccessStore", "Credentials", "SiteFile", "DoorAgent", "SmartCard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("openapi.yaml")]
        ),
        .executableTarget(name: "cardgated", dependencies: ["GateServer"]),
        .executableTarget(
            name: "cardgate",
            dependencies: [
                "SmartCard", "CardSimulator", "PIV", "AccessPolicy", "SiteFile", "AccessStore", "DoorAgent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "SmartCardTests", dependencies: ["SmartCard", "CardSimulator"]),
        .testTarget(name: "CardSimulatorTests", dependencies: ["CardSimulator", "SmartCard"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SmartCard", "CardSimulator", "PIV", "GateServer", "DoorAgent", "AccessStore", "AccessPolicy",
                "Credentials", "SiteFile", .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "PIVTests", dependencies: ["PIV", "CardSimulator", "SmartCard"]),
        .testTarget(
            name: "AccessPolicyTests",
            dependencies: ["AccessPolicy", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "DoorAgentTests", dependencies: ["DoorAgent", "Credentials", "CardSimulator", "PIV", "SmartCard"]),
        .testTarget(name: "SiteFileTests", dependencies: ["SiteFile", "AccessPolicy"]),
        .executableTarget(name: "JournalCrashChild", dependencies: ["AccessStore"], path: "Tests/JournalCrashChild"),
        .testTarget(
            name: "AccessStoreTests", dependencies: ["AccessStore", "AccessPolicy", "SiteFile", "JournalCrashChild"]),
        .testTarget(
            name: "CredentialsTests",
            dependencies: [
                "Credentials", "AccessPolicy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "CardGateCLITests",
            dependencies: [
                "cardgate", "GateServer", "AccessStore", "AccessPolicy", "SiteFile", "DoorAgent",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "GateServerTests",
            dependencies: [
                "GateServer", "AccessPolicy", "AccessStore", "Credentials", "SiteFile", "PIV", "DoorAgent",
                "CardSimulator", "SmartCard", "cardgated",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
