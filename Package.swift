// swift-tools-version:6.0
import PackageDescription

// No package dependencies, by rule: cold start, memory and zip size are features.
let package = Package(
    name: "StagingRefresh",
    products: [
        .executable(name: "bootstrap", targets: ["bootstrap"]),
        .executable(name: "runtime-emulator", targets: ["RuntimeEmulator"]),
        .executable(name: "sigv4-check", targets: ["SigV4Check"]),
        .executable(name: "aws-call", targets: ["AWSCall"]),
        .executable(name: "split-bench", targets: ["SplitBench"]),
    ],
    targets: [
        .target(name: "HTTP1"),
        .target(name: "Basics"),
        .target(name: "LambdaRuntime", dependencies: ["HTTP1", "Basics"]),
        .target(name: "CCurl"),
        .target(name: "GlibcCompat"),
        .target(name: "Digests"),
        .target(name: "AWSClient", dependencies: ["CCurl", "Digests", "Basics"]),
        .target(name: "Migrations", dependencies: ["Digests", "Basics"]),
        .target(name: "Sanitization", dependencies: ["Digests", "Migrations"]),
        .target(name: "InPlace"),
        .target(name: "Refresh", dependencies: ["LambdaRuntime", "AWSClient", "Digests", "Migrations", "Sanitization", "InPlace", "Basics"]),
        .executableTarget(
            name: "bootstrap", dependencies: ["LambdaRuntime", "AWSClient", "Refresh", "InPlace", "Basics", "GlibcCompat"],
            linkerSettings: [.unsafeFlags([
                // Non-PIE: 35k relative relocations otherwise dirty ~100 data pages at every cold start
                // (measured: 284 → 181 page faults, ~0.2 ms of init).
                "-Xclang-linker", "-no-pie",
                // provided.al2023 has glibc 2.34: route the newer symbols to GlibcCompat.
                "-Xlinker", "--wrap=hypotf", "-Xlinker", "--wrap=arc4random", "-Xlinker", "--wrap=_dl_find_object",
            ])]),
        .executableTarget(name: "RuntimeEmulator", dependencies: ["HTTP1"], path: "tools/RuntimeEmulator"),
        .executableTarget(name: "SigV4Check", dependencies: ["AWSClient"], path: "tools/SigV4Check"),
        .executableTarget(name: "AWSCall", dependencies: ["AWSClient"], path: "tools/AWSCall"),
        .executableTarget(name: "SplitBench", dependencies: ["Migrations", "Basics"], path: "tools/SplitBench"),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
        .testTarget(name: "LambdaRuntimeTests", dependencies: ["LambdaRuntime"]),
        .testTarget(name: "AWSClientTests", dependencies: ["AWSClient", "Digests", "HTTP1"]),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"]),
        .testTarget(name: "MigrationsTests", dependencies: ["Migrations"]),
        .testTarget(name: "SanitizationTests", dependencies: ["Sanitization", "Migrations", "Digests"]),
        .testTarget(name: "InPlaceTests", dependencies: ["InPlace", "Basics"], exclude: ["Expected"]),
        .testTarget(name: "RefreshTests", dependencies: ["Refresh", "AWSClient", "LambdaRuntime", "Basics"]),
    ],
    swiftLanguageModes: [.v6]
)
