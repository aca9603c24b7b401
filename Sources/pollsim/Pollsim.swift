import ArgumentParser

/// The `pollsim` command: each subcommand wires modules together and formats their output; no model logic here.
@main
struct Pollsim: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "pollsim",
        abstract: "Deterministic discrete-event simulator of event-loop polling policies (QEMU IOThreads, SPDK-style loops).",
        discussion: """
            Simulates devices, virtio disks, IOThreads running aio_poll and guest fio-style jobs under a polling \
            policy (none, busy, classic, per-handler, poll-weight, hybrid), and reports IOPS, latency percentiles, \
            IOThread CPU and polling statistics. Same scenario and seed give byte-identical results.
            """,
        version: version,
        subcommands: [Run.self, SweepCommand.self, CompareCommand.self, MergeCommand.self, Trace.self,
                      ReplayCommand.self, ValidateCommand.self, CalibrateCommand.self, Bench.self]
    )
}
