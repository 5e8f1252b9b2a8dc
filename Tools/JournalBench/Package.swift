// swift-tools-version: 6.1
// Measurements of the CardGate journal (see README.md). Depends on the CardGate package by path; that
// package's identity is the name of its folder, which differs between checkouts, so it is computed here.
import Foundation
import PackageDescription

let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "JournalBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: root.path),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "journal-bench",
            dependencies: [
                .product(name: "AccessPolicy", package: root.lastPathComponent),
                .product(name: "AccessStore", package: root.lastPathComponent),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
