import Foundation
import SimKernel

/// The kernel benchmark: the hold model on SimKernel's `Simulation` and `EventQueue` against the C reference heap,
/// for several queue sizes, in one process.
///
/// The machines are shared and noisy (±10–30 % run to run), so absolute rates from different runs are not
/// comparable; ratios are. Every repetition therefore runs all implementations for all sizes back to back, in an
/// order that rotates from one repetition to the next, and the ratios compare runs from the same process. Every run's
/// checksum must equal the C reference's for the same size (same pop order), or the benchmark throws.
public enum KernelBenchmark {
    public struct Configuration: Sendable, Codable, Equatable {
        /// Pending-event counts (queue sizes) to measure.
        public var pendingSizes: [Int]
        /// Hold operations (pop + push) per timed run.
        public var operations: Int
        /// Timed runs per (size, implementation); the table reports the best and the median.
        public var repetitions: Int
        /// Mean of the exponential increments, in nanoseconds.
        public var incrementMean: Double
        /// Length of the precomputed increment table (reused cyclically).
        public var incrementCount: Int
        public var seed: UInt64

        public init(pendingSizes: [Int] = [10, 100, 1000, 10000], operations: Int = 1_000_000,
                    repetitions: Int = 7, incrementMean: Double = 1000, incrementCount: Int = 1 << 16,
                    seed: UInt64 = 1) {
            self.pendingSizes = pendingSizes
            self.operations = operations
            self.repetitions = repetitions
            self.incrementMean = incrementMean
            self.incrementCount = incrementCount
            self.seed = seed
        }

        func validate() throws {
            guard !pendingSizes.isEmpty else { throw KernelBenchmarkError.invalidConfiguration("no queue sizes") }
            for size in pendingSizes where size < 1 || size > Int(Int32.max) {
                throw KernelBenchmarkError.invalidConfiguration("queue size \(size) is not in 1...\(Int32.max)")
            }
            guard operations >= 1 else {
                throw KernelBenchmarkError.invalidConfiguration("operations must be >= 1, got \(operations)")
            }
            guard repetitions >= 1 else {
                throw KernelBenchmarkError.invalidConfiguration("repetitions must be >= 1, got \(repetitions)")
            }
            guard incrementCount >= 1 else {
                throw KernelBenchmarkError.invalidConfiguration("incrementCount must be >= 1, got \(incrementCount)")
            }
        }
    }

    /// One implementation at one size.
    public struct Measurement: Sendable, Codable, Equatable {
        public var implementation: HoldImplementation
        /// Wall time of each timed run, in repetition order.
        public var nanoseconds: [UInt64]
        public var bestMillionEventsPerSecond: Double
        public var medianMillionEventsPerSecond: Double
    }

    /// All implementations at one size.
    public struct Row: Sendable, Codable, Equatable {
        public var pending: Int
        public var simulation: Measurement
        public var eventQueue: Measurement
        public var c: Measurement
        /// Best Swift rate / best C rate.
        public var simulationToC: Double
        public var eventQueueToC: Double
        /// Median over repetitions of the ratio within each repetition (runs measured seconds apart).
        public var simulationToCPairedMedian: Double
        public var eventQueueToCPairedMedian: Double
        /// The checksum every implementation produced at this size.
        public var result: HoldResult
    }

    public struct Report: Sendable, Codable, Equatable {
        public var configuration: Configuration
        /// False when KernelBenchmark was compiled without optimisation: the numbers then mean nothing.
        public var optimized: Bool
        public var rows: [Row]
        /// Every run of every implementation produced the C reference's checksum (always true in a returned report).
        public var checksumsAgree: Bool
    }

    /// True when this module was compiled with optimisation (`swift build -c release`).
    public static var isOptimizedBuild: Bool { !_isDebugAssertConfiguration() }

    /// Runs the benchmark. `progress` receives one line per repetition (for a stderr progress display).
    public static func run(_ configuration: Configuration = Configuration(),
                           progress: ((String) -> Void)? = nil) throws -> Report {
        try configuration.validate()
        let increments = try HoldModel.increments(count: configuration.incrementCount,
                                                  mean: configuration.incrementMean, seed: configuration.seed)
        let implementations = HoldImplementation.allCases
        let sizes = configuration.pendingSizes

        // The C reference's result per size is the expected result of every run.
        var expected: [Int: HoldResult] = [:]
        for size in sizes {
            expected[size] = try HoldModel.run(.c, pending: size, operations: configuration.operations,
                                               increments: increments).result
        }

        func measure(_ implementation: HoldImplementation, _ size: Int, operations: Int) throws -> UInt64 {
            let (result, nanoseconds) = try HoldModel.run(implementation, pending: size, operations: operations,
                                                          increments: increments)
            if operations == configuration.operations, let reference = expected[size], result != reference {
                throw KernelBenchmarkError.checksumMismatch(pending: size, implementation: implementation,
                                                            expected: reference, got: result)
            }
            return nanoseconds
        }

        // Warm-up: every (size, implementation) once, untimed (page faults, caches, branch predictors, CPU clock).
        for size in sizes {
            for implementation in implementations {
                _ = try measure(implementation, size, operations: max(1, configuration.operations / 4))
            }
        }

        var samples: [Int: [HoldImplementation: [UInt64]]] = [:]
        for repetition in 0..<configuration.repetitions {
            for size in sizes {
                // Rotate the order so that no implementation always runs first (or right after another).
                for offset in 0..<implementations.count {
                    let implementation = implementations[(repetition + offset) % implementations.count]
                    let nanoseconds = try measure(implementation, size, operations: configuration.operations)
                    samples[size, default: [:]][implementation, default: []].append(nanoseconds)
                }
            }
            progress?("repetition \(repetition + 1)/\(configuration.repetitions) done")
        }

        let operations = Double(configuration.operations)
        func measurement(_ implementation: HoldImplementation, _ times: [UInt64]) -> Measurement {
            let sorted = times.sorted()
            return Measurement(implementation: implementation, nanoseconds: times,
                               bestMillionEventsPerSecond: operations / Double(sorted[0]) * 1e3,
                               medianMillionEventsPerSecond: operations / median(sorted.map { Double($0) }) * 1e3)
        }
        let rows = sizes.map { size -> Row in
            let bySize = samples[size]!
            let simulation = measurement(.simulation, bySize[.simulation]!)
            let eventQueue = measurement(.eventQueue, bySize[.eventQueue]!)
            let c = measurement(.c, bySize[.c]!)
            func pairedMedian(_ swift: [UInt64]) -> Double {
                median(zip(bySize[.c]!, swift).map { Double($0) / Double($1) })
            }
            return Row(pending: size, simulation: simulation, eventQueue: eventQueue, c: c,
                       simulationToC: simulation.bestMillionEventsPerSecond / c.bestMillionEventsPerSecond,
                       eventQueueToC: eventQueue.bestMillionEventsPerSecond / c.bestMillionEventsPerSecond,
                       simulationToCPairedMedian: pairedMedian(bySize[.simulation]!),
                       eventQueueToCPairedMedian: pairedMedian(bySize[.eventQueue]!),
                       result: expected[size]!)
        }
        return Report(configuration: configuration, optimized: isOptimizedBuild, rows: rows, checksumsAgree: true)
    }

    /// Runs every implementation once at `pending` and checks that all of them popped the same events in the same
    /// order as the C reference. Returns the common result; throws `checksumMismatch` otherwise. Used by tests.
    public static func verifyAgreement(pending: Int, operations: Int, increments: [Int64]) throws -> HoldResult {
        let reference = try HoldModel.run(.c, pending: pending, operations: operations, increments: increments).result
        for implementation in HoldImplementation.allCases where implementation != .c {
            let result = try HoldModel.run(implementation, pending: pending, operations: operations,
                                           increments: increments).result
            guard result == reference else {
                throw KernelBenchmarkError.checksumMismatch(pending: pending, implementation: implementation,
                                                            expected: reference, got: result)
            }
        }
        return reference
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

public enum KernelBenchmarkError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case checksumMismatch(pending: Int, implementation: HoldImplementation, expected: HoldResult, got: HoldResult)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message):
            return "bench kernel: \(message)"
        case .checksumMismatch(let pending, let implementation, let expected, let got):
            return """
                bench kernel: CHECKSUM MISMATCH at \(pending) pending events: \(implementation.label) popped events \
                in a different order from the C reference (checksum \(hex(got.checksum)) vs \(hex(expected.checksum)), \
                time sum \(got.timeSum) vs \(expected.timeSum), last time \(got.lastTime) vs \(expected.lastTime)). \
                The event queue is broken; its timings are meaningless.
                """
        }
    }

    private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}

// MARK: Rendering

extension KernelBenchmark.Report {
    /// A fixed-width table: best rate (median in parentheses) per implementation, and the Swift/C ratios.
    public func table() -> String {
        let c = configuration
        var lines: [String] = []
        lines.append("Hold model: \(c.operations) operations per run, best (median) of \(c.repetitions) interleaved "
            + "repetitions, exponential increments with mean \(KernelBenchmark.formatNumber(c.incrementMean)) ns.")
        lines.append("Rates in M events/s (one pop + one push = one event). Ratio = Swift rate / C rate: best/best "
            + "(median of per-repetition ratios).")
        if !optimized {
            lines.append("WARNING: debug build; these numbers are meaningless. Use swift build -c release.")
        }
        let header = ["pending", "Swift Simulation", "Swift EventQueue", "C -O2 heap", "Simulation/C", "EventQueue/C"]
        var cells: [[String]] = [header]
        for row in rows {
            cells.append([
                String(row.pending),
                Self.rate(row.simulation), Self.rate(row.eventQueue), Self.rate(row.c),
                Self.ratio(row.simulationToC, row.simulationToCPairedMedian),
                Self.ratio(row.eventQueueToC, row.eventQueueToCPairedMedian),
            ])
        }
        var widths = header.map(\.count)
        for line in cells { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (index, line) in cells.enumerated() {
            let padded = line.enumerated().map { i, cell in
                String(repeating: " ", count: widths[i] - cell.count) + cell
            }
            lines.append(padded.joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines.append("Checksums: all runs agree with the C reference (same events popped in the same order).")
        return lines.joined(separator: "\n")
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    private static func rate(_ measurement: KernelBenchmark.Measurement) -> String {
        String(format: "%.2f (%.2f)", measurement.bestMillionEventsPerSecond, measurement.medianMillionEventsPerSecond)
    }

    private static func ratio(_ best: Double, _ paired: Double) -> String {
        String(format: "%.2f (%.2f)", best, paired)
    }
}

extension KernelBenchmark {
    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
