// swift-tools-version: 6.1
// Load measurements of the running CardGate daemon (see README.md). Depends on the CardGate package by path; that
// package's identity is the name of its folder, which differs between checkouts, so it is computed here. Building
// `--product cardgated` in this package builds the root's daemon into the same scratch folder.
import Foundation
import PackageDescription

let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().deletingLastPathComponent()
let cardGate = root.lastPathComponent

let package = Package(
    name: "LoadBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: root.path),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    ],
    targets: [
        .executableTarget(
            name: "load-bench",
            dependencies: [
                .product(name: "AccessPolicy", package: cardGate),
                .product(name: "AccessStore", package: cardGate),
                .product(name: "Credentials", package: cardGate),
                .product(name: "GateServer", package: cardGate),
                .product(name: "PIV", package: cardGate),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
