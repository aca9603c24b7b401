import Histogram
#if canImport(Glibc)
import Glibc
#endif
import PollModel
import SimKernel
import Synchronization

/// One measured host cost: a constant (the median) or, when its spread matters, a lognormal fitted to the median
/// and the 99th percentile of the samples.
public struct CalibratedCost: Sendable, Equatable {
    public let key: String
    public let median: Double
    public let p99: Double
    public let samples: Int
    /// The 90th percentile, for the lognormal fit (0 when not measured).
    public var p90: Double = 0
    /// Keep the spread (write a lognormal) rather than the median alone.
    public let spread: Bool
    /// How it was measured, written as a comment into the profile.
    public let method: String

    /// The p99 of a lognormal through the median and the p90: a robust fit, because on a shared VM the sample p99
    /// is often a scheduling accident (a 4 ms preemption) rather than the cost's own tail.
    public var fittedP99: Double {
        guard median > 0, p90 > median else { return median }
        let sigma = log(p90 / median) / 1.2815516
        return median * exp(2.3263479 * sigma)
    }

    private var usesDistribution: Bool { spread && fittedP99 > median * 1.05 }

    public var yamlValue: String {
        if usesDistribution {
            return "{ dist: lognormal, median: \(Self.ns(median)), p99: \(Self.ns(fittedP99)) }"
        }
        return Self.ns(median)
    }

    public var distribution: Distribution {
        if usesDistribution, let d = try? Distribution.lognormal(median: median, p99: fittedP99) {
            return d
        }
        return (try? Distribution.constant(max(0, median))) ?? (try! Distribution.constant(0))
    }

    static func ns(_ value: Double) -> String {
        let rounded = (max(0, value) * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int64(rounded))ns" : "\(rounded)ns"
    }
}

extension [CalibratedCost] {
    /// A replay's measurement over a micro-benchmark's: each cost takes the place of the one with its key, if any,
    /// so that a profile names every key once and keeps its order.
    mutating func replaceOrAppend(_ measured: [CalibratedCost]) {
        for cost in measured {
            if let index = firstIndex(where: { $0.key == cost.key }) { self[index] = cost } else { append(cost) }
        }
    }
}

/// The result of `pollsim calibrate`: host-profile costs as the real loop pays them, and optionally the device's
/// latency distribution.
public struct Calibration: Sendable {
    public var costs: [CalibratedCost]
    /// Device read latency percentiles (1...99 and 99.9), ns, when a device was measured.
    public var deviceLatency: [(percentile: Double, ns: Int64)]?
    public var devicePath: String?
    public var host: String
    public var kernel: String
    public var cpus: Int

    /// The profile: `base` with every calibrated key replaced.
    public func profile(base: HostProfile = .bareMetal) -> HostProfile {
        var profile = base
        profile.replace(with: costs)
        return profile
    }

    /// A profile file the scenario loader reads (`profile: host.yaml`), with the device snippet as a comment.
    public func yaml() -> String {
        var lines = [
            "# Host profile measured by `pollsim calibrate` on \(host) (kernel \(kernel), \(cpus) CPUs).",
            "# Costs as pollsim's real loop (pollsim replay) pays them: see docs/validation.md for each method.",
            "# Keys not listed keep the values of `base`.",
            "base: bare-metal",
        ]
        for cost in costs {
            lines.append("\(cost.key): \(cost.yamlValue)    # \(cost.method); median \(CalibratedCost.ns(cost.median)), p99 \(CalibratedCost.ns(cost.p99)), n=\(cost.samples)")
        }
        if let deviceLatency, let devicePath {
            lines.append("")
            lines.append("# Device '\(devicePath)': 4 KiB O_DIRECT random reads at queue depth 1, busy-polled, from the submit")
            lines.append("# syscall's return to the CQE. Paste into a scenario's device:")
            let table = deviceLatency.map { "\(formatPercentile($0.percentile)): \(CalibratedCost.ns(Double($0.ns)))" }
            lines.append("#   read-latency: { dist: empirical, percentiles: { \(table.joined(separator: ", ")) } }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func formatPercentile(_ p: Double) -> String {
        p == p.rounded() ? "\(Int(p))" : "\(p)"
    }
}

extension HostProfile {
    /// Replaces every key that `costs` measured (a key that is not a profile parameter is left out).
    public mutating func replace(with costs: [CalibratedCost]) {
        for cost in costs {
            if let parameter = HostProfile.parameter(named: cost.key) { self[keyPath: parameter.keyPath] = Cost(cost.distribution) }
        }
    }
}
