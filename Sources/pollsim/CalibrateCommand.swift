import ArgumentParser
import RealLoop

/// `pollsim calibrate`: measure this host's costs and write a profile file the scenario loader reads.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure this host's costs (io_uring_enter, eventfd, wake-ups, timers, polling) and write a host profile.",
        discussion: """
            Micro-benchmarks on the real loop's own machinery. The profile is a YAML map of profile keys to durations \
            (with `base: bare-metal` for the keys it does not measure); use it with `profile: host.yaml` in a \
            scenario, `--set profile=host.yaml`, or `pollsim validate --profile host.yaml`. With --device, the \
            device's 4 KiB O_DIRECT read latency distribution is measured too and written as a comment to paste \
            into a scenario's device. Takes about 10 s at --scale 1.
            """)

    @Option(name: .shortAndLong, help: "Write the profile to this file instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("A file or block device to measure the read latency of (read only).", valueName: "PATH"))
    var device: String?

    @Option(help: "Multiply the number of repetitions (0.2 is quick and rough).")
    var scale: Double = 1

    func validate() throws {
        guard scale > 0, scale <= 100 else { throw ValidationError("--scale must be in (0, 100]") }
    }

    func run() throws {
        Replay.installInterruptHandler()
        defer { Replay.removeInterruptHandler() }
        let calibration: Calibration
        do {
            calibration = try Calibrator.run(.init(scale: scale, device: device)) { StandardError.write("calibrate: \($0)\n") }
        } catch let error as ReplayError {
            throw CommandFailure(message: "calibrate: \(error)")
        } catch let error as SystemError {
            throw CommandFailure(message: "calibrate: \(error)")
        }
        let text = calibration.yaml()
        if let output {
            try FileOutput.writeAtomically(text, to: output)
        } else {
            print(text, terminator: "")
        }
    }
}
