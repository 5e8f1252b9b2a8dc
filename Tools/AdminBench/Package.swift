// swift-tools-version: 6.1
// Measures one administrative change of the policy model at the reference site (see README.md). Depends on the
// CardGate package by path; that package's identity is the name of its folder, which differs between checkouts,
// so it is computed here.
import Foundation
import PackageDescription

let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "AdminBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: root.path)
    ],
    targets: [
        .executableTarget(
            name: "admin-bench",
            dependencies: [
                .product(name: "AccessStore", package: root.lastPathComponent),
                .product(name: "AccessPolicy", package: root.lastPathComponent),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
