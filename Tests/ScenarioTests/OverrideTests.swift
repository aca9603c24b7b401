import XCTest
@testable import Scenario
import PollingPolicy

final class OverrideTests: XCTestCase {
    let base = ScenarioLoader.defaultScenarioYAML

    func testValidOverrides() throws {
        let config = try parse(base, overrides: [
            "iothreads.0.poll-weight=2",
            "jobs.reader.iodepth=16",
            "runtime=1s",
            "devices.nvme0.read-latency.median=12us",
            "devices.nvme0.parallelism=4",
            "disks.vda.count=4",
            "guest.vcpus=2",
            "name=tuned",
        ])
        XCTAssertEqual(config.iothreads[0].poll.weight, 2)
        XCTAssertEqual(config.jobs[0].iodepth, 16)
        XCTAssertEqual(config.runtime, 1_000_000_000)
        XCTAssertEqual(config.devices[0].readLatency, try .lognormal(median: 12_000, p99: 20_000))
        XCTAssertEqual(config.devices[0].parallelism, 4)
        XCTAssertEqual(config.disks[0].count, 4)
        XCTAssertEqual(config.guest.vcpus, 2)
        XCTAssertEqual(config.name, "tuned")
    }

    func testListEntriesAreSelectedByIdOrIndex() throws {
        let byId = try parse(base, overrides: ["iothreads.iothread0.poll-weight=3", "iothreads.iothread0.poll-max-ns=65536"])
        let byIndex = try parse(base, overrides: ["iothreads.0.poll-weight=3", "iothreads.0.poll-max-ns=65536"])
        XCTAssertEqual(byId.iothreads, byIndex.iothreads)
        XCTAssertEqual(byId.iothreads[0].poll, PollParameters(maxNs: 65536, grow: 2, shrink: 2, weight: 3))
        XCTAssertEqual(try parse(base, overrides: ["jobs.0.bs=8k"]).jobs[0].bs, 8192)
        XCTAssertEqual(try parse(base, overrides: ["jobs.reader.bs=8k"]).jobs[0].bs, 8192)
    }

    func testAPolicyOverrideChangesThePolicyDependentDefaults() throws {
        let classic = try parse(base, overrides: ["iothreads.0.policy=classic"])
        XCTAssertEqual(classic.iothreads[0].poll, .qemuClassic)
    }

    func testOverridesAddKeysAndMapsTheFileLeavesOut() throws {
        let config = try parse(minimalScenario, overrides: [
            "profile-overrides.wakeup-cross-cpu=8us",
            "guest.vcpus=3",
            "devices.nvme0.write-latency={dist: exponential, mean: 20us}",
            "jobs.reader.rate_iops=50k",
            "jobs.reader.rate_process=poisson",
        ])
        XCTAssertEqual(config.profile.wakeupCrossCPU, .ns(8_000))
        XCTAssertEqual(config.guest.vcpus, 3)
        XCTAssertEqual(config.devices[0].writeLatency, try .exponential(mean: 20_000))
        XCTAssertEqual(config.jobs[0].rateIOPS, 50_000)
        XCTAssertEqual(config.jobs[0].rateProcess, .poisson)
    }

    func testLaterOverridesWin() throws {
        XCTAssertEqual(try parse(base, overrides: ["jobs.reader.iodepth=2", "jobs.reader.iodepth=4"]).jobs[0].iodepth, 4)
    }

    func testInvalidPaths() {
        assertError(base, overrides: ["iothreads.0.poll-wieght=3"],
                    "--set iothreads.0.poll-wieght=3: unknown key 'poll-wieght'; did you mean 'poll-weight'?")
        assertError(base, overrides: ["runtme=1s"], "--set runtme=1s: unknown key 'runtme'; did you mean 'runtime'?")
        assertError(base, overrides: ["iothreads.iothread9.poll-weight=3"],
                    "--set iothreads.iothread9.poll-weight=3: 'iothreads' has no entry with id or index 'iothread9' (ids: iothread0); did you mean 'iothread0'?")
        assertError(base, overrides: ["iothreads.5.poll-weight=3"],
                    "--set iothreads.5.poll-weight=3: 'iothreads' has no entry with id or index '5' (ids: iothread0)")
        assertError(base, overrides: ["jobs.writer.iodepth=3"],
                    "--set jobs.writer.iodepth=3: 'jobs' has no entry with name or index 'writer' (names: reader)")
        assertError(base, overrides: ["runtime.value=3"], "--set runtime.value=3: 'runtime' is a single value; it has no key 'value'")
        assertError(base, overrides: ["iothreads=1", "iothreads.0.poll-weight=3"],
                    "--set iothreads.0.poll-weight=3: 'iothreads' is '1', not a list")
        assertError(base, overrides: ["devices.nvme0.read-latency.meadian=12us"],
                    "--set devices.nvme0.read-latency.meadian=12us: unknown key 'meadian'; did you mean 'median'?")
        assertError(minimalScenario, overrides: ["devices.nvme0.read-latency.median=12us"],
                    "--set devices.nvme0.read-latency.median=12us: 'devices.nvme0.read-latency' is a single duration, not a distribution map; set it whole, e.g. --set devices.nvme0.read-latency={dist: lognormal, median: 9us, p99: 20us}")
        assertError(base, overrides: ["profile-overrides.wakeup-crosscpu=1us"],
                    "--set profile-overrides.wakeup-crosscpu=1us: unknown profile key 'wakeup-crosscpu'; did you mean 'wakeup-cross-cpu'?")
        assertError(base, overrides: ["iothreads"], "--set iothreads: expected key.path=value")
        assertError(base, overrides: ["jobs..iodepth=3"], "--set jobs..iodepth=3: the key path 'jobs..iodepth' has an empty component")
        assertError(base, overrides: ["name=[unclosed"],
                    "--set name=[unclosed: the value is not valid YAML: YAML syntax: did not find expected ',' or ']' (while parsing a flow sequence at 1:1)")
        assertError(minimalScenario.replacingOccurrences(of: "iothreads:\n  - id: iothread0\n", with: ""),
                    overrides: ["iothreads.0.poll-weight=3"],
                    "--set iothreads.0.poll-weight=3: the scenario has no iothreads to select '0' from")
    }

    func testInvalidValuesGetTheChecksFileValuesGet() {
        assertError(base, overrides: ["iothreads.0.poll-weight=-1"], "--set iothreads.0.poll-weight=-1: poll-weight value must be in range [0, 63]")
        assertError(base, overrides: ["iothreads.0.poll-max-ns=-5"],
                    "--set iothreads.0.poll-max-ns=-5: poll-max-ns value must be in range [0, 9223372036854775807]")
        assertError(base, overrides: ["jobs.reader.iodepth=0"], "--set jobs.reader.iodepth=0: iodepth must be >= 1, got 0")
        assertError(base, overrides: ["runtime=fast"], "--set runtime=fast: expected a duration like 10us, got 'fast'")
        assertError(base, overrides: ["jobs.reader.disk=vdz"],
                    "--set jobs.reader.disk=vdz: jobs[0] names disk 'vdz', which does not exist (defined: vda); did you mean 'vda'?")
        assertError(base, overrides: ["devices.nvme0.read-latency.p99=1us"],
                    "--set devices.nvme0.read-latency.p99=1us: lognormal: p99 = 1000 is invalid: must be finite and >= median (9000)")
        assertError(base, overrides: ["jobs.reader.bs="], "--set jobs.reader.bs=: 'bs' has no value")
        assertError(base, overrides: ["iothreads.0={id: iothread0, poll-wieght: 3}"],
                    "--set iothreads.0={id: iothread0, poll-wieght: 3}: unknown key 'poll-wieght' in iothreads[0]; did you mean 'poll-weight'?")
    }

    func testMixtureComponentsAndPercentilesCanBeOverridden() throws {
        let yaml = minimal(replacing: "read-latency: 10us", with: """
            read-latency:
                  dist: mixture
                  components:
                    - {weight: 0.9, dist: constant, value: 10us}
                    - {weight: 0.1, dist: empirical, percentiles: {50: 100us, 99: 200us}}
            """)
        let config = try parse(yaml, overrides: [
            "devices.nvme0.read-latency.components.0.value=20us",
            "devices.nvme0.read-latency.components.1.weight=0.9",
            "devices.nvme0.read-latency.components.1.percentiles.99=300us",
        ])
        let expected = try Distribution.mixture([
            .init(weight: 0.9, distribution: .constant(20_000)),
            .init(weight: 0.9, distribution: .empirical(percentiles: [(50, 100_000), (99, 300_000)])),
        ])
        XCTAssertEqual(config.devices[0].readLatency, expected)
    }
}

import SimKernel
