// swift-tools-version: 6.0
// pollsim: a deterministic discrete-event simulator of event-loop polling policies.
// The target list mirrors the architecture in README.md: C stays behind CGSL/CURing, policies are pure,
// the CLI is thin.
import PackageDescription

let package = Package(
    name: "pollsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pollsim", targets: ["pollsim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C libraries, each behind one system-library target.
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CURing", pkgConfig: "liburing", providers: [.apt(["liburing-dev"])]),

        // Virtual clock, event queue, random streams and distributions. Knows nothing about I/O.
        .target(name: "SimKernel", dependencies: ["CGSL"]),
        // QEMU's polling policies as pure state machines, shared by the simulator and the real loop.
        .target(name: "PollingPolicy"),
        // The simulator proper: devices, virtio disks, IOThreads running aio_poll, guest jobs, metrics.
        .target(name: "PollModel", dependencies: [
            "SimKernel", "PollingPolicy", "Traces",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: [
            // The simulator is single-threaded and touches its entity arrays through one class; Swift's dynamic
            // exclusivity checks on those class properties took 37 % of a run (docs/performance.md).
            .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        ]),
        // I/O traces: the native format, importers (fio iolog, blkparse, MSR Cambridge), statistics. Pure Swift.
        .target(name: "Traces"),
        // YAML scenario files: schema, units, defaults, validation with file:line:column errors, overrides.
        .target(name: "Scenario", dependencies: ["PollModel", "SimKernel", "PollingPolicy", "Yams"]),
        // Results as tables, JSON and CSV.
        .target(name: "Reporting", dependencies: ["PollModel"]),
        // Parameter sweeps: grids, replications with common random numbers, parallel runs, journals, shards, merge,
        // confidence intervals and the baseline-vs-candidate comparison.
        .target(name: "Sweep", dependencies: ["Scenario", "PollModel", "Reporting"]),

        // The hold-model benchmark: the Swift kernel against a C reference built by this package.
        .target(name: "HoldModelReference", path: "Sources/HoldModelReference",
                cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "KernelBenchmark", dependencies: ["SimKernel", "HoldModelReference", "CGSL"]),

        // The real loop: an io_uring IOThread running the same PollingPolicy code, a guest driver, file and synthetic
        // devices, calibration and validation. Every system call is in RealLoop/System.swift.
        .target(name: "RealLoop", dependencies: [
            "CURing", "PollingPolicy", "PollModel", "Reporting", "SimKernel",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),

        // The command-line tool: wiring and formatting only.
        .executableTarget(name: "pollsim", dependencies: [
            "SimKernel", "PollingPolicy", "PollModel", "Scenario", "Reporting", "KernelBenchmark", "Traces", "Sweep", "RealLoop",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "SimKernelTests", dependencies: ["SimKernel", "CGSL"]),
        .testTarget(name: "PollingPolicyTests", dependencies: ["PollingPolicy"]),
        .testTarget(name: "PollModelTests", dependencies: ["PollModel", "SimKernel", "PollingPolicy"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "PollModel", "SimKernel", "PollingPolicy"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "PollModel"]),
        .testTarget(name: "KernelBenchmarkTests", dependencies: ["KernelBenchmark"]),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Scenario", "PollModel", "Reporting", "CGSL"]),
        .testTarget(name: "RealLoopTests", dependencies: ["RealLoop", "PollModel", "PollingPolicy", "SimKernel", "Scenario"]),
        .testTarget(name: "TracesTests", dependencies: ["Traces", "PollModel", "Scenario", "SimKernel"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CURing", "CGSL"]),
    ]
)
