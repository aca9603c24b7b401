import ArgumentParser
import Foundation
import KernelBenchmark

/// `pollsim bench`: performance measurements of pollsim itself. Wiring and printing only; the work is in
/// KernelBenchmark.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure pollsim's own speed.",
        discussion: "Build in release first: swift build -c release && .build/release/pollsim bench kernel",
        subcommands: [Kernel.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    struct Kernel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold-model benchmark of the event kernel against a C -O2 binary heap.",
            discussion: """
                Runs the hold model (pop the earliest event, push one at its time plus an exponential increment) \
                with 10, 100, 1000 and 10000 pending events on SimKernel's Simulation and EventQueue and on a C \
                reference heap, interleaved in one process, and prints M events/s and the Swift/C ratios. Fails if \
                any run pops events in a different order from the C reference.
                """
        )

        @Option(help: "Hold operations (pop + push) per timed run.")
        var operations: Int = 1_000_000

        @Option(help: "Timed runs per queue size and implementation (best and median are reported).")
        var repetitions: Int = 7

        @Option(help: "Output format: table or json.")
        var format: Format = .table

        func validate() throws {
            guard operations >= 1 else { throw ValidationError("--operations must be >= 1") }
            guard repetitions >= 1 else { throw ValidationError("--repetitions must be >= 1") }
        }

        func run() throws {
            if !KernelBenchmark.isOptimizedBuild {
                warn("warning: this is a debug build; timings are meaningless. "
                     + "Run: swift build -c release && .build/release/pollsim bench kernel")
            }
            let configuration = KernelBenchmark.Configuration(operations: operations, repetitions: repetitions)
            let report: KernelBenchmark.Report
            do {
                report = try KernelBenchmark.run(configuration) { warn("bench kernel: \($0)") }
            } catch let error as KernelBenchmarkError {
                warn("error: \(error)")
                throw ExitCode(2)
            }
            switch format {
            case .table: print(report.table())
            case .json: print(try report.json())
            }
        }

        private func warn(_ message: String) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
    }
}
