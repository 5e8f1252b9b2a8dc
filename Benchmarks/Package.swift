// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "CardGateBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CardGate", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "AccessPolicy", package: "CardGate"),
            ],
            path: "PolicyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
