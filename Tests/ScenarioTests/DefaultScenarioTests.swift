import XCTest
@testable import Scenario
import PollModel
import PollingPolicy
import SimKernel

/// Field-by-field equality (ModelConfiguration is not Equatable).
func assertSameConfiguration(_ actual: ModelConfiguration, _ expected: ModelConfiguration,
                             file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.name, expected.name, "name", file: file, line: line)
    XCTAssertEqual(actual.seed, expected.seed, "seed", file: file, line: line)
    XCTAssertEqual(actual.runtime, expected.runtime, "runtime", file: file, line: line)
    XCTAssertEqual(actual.rampTime, expected.rampTime, "ramp_time", file: file, line: line)
    XCTAssertEqual(actual.profile, expected.profile, "profile", file: file, line: line)
    XCTAssertEqual(actual.guest, expected.guest, "guest", file: file, line: line)
    XCTAssertEqual(actual.devices, expected.devices, "devices", file: file, line: line)
    XCTAssertEqual(actual.iothreads, expected.iothreads, "iothreads", file: file, line: line)
    XCTAssertEqual(actual.disks, expected.disks, "disks", file: file, line: line)
    XCTAssertEqual(actual.jobs, expected.jobs, "jobs", file: file, line: line)
}

final class DefaultScenarioTests: XCTestCase {
    func testBuiltInTextIsScenariosDefaultYAML() throws {
        XCTAssertEqual(ScenarioLoader.defaultScenarioYAML, try readPackageFile("scenarios/default.yaml"))
    }

    func testDefaultScenarioEqualsTheSwiftDefaults() throws {
        let parsed = try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml")
        let expected = ModelConfiguration(
            name: "default", seed: 1, runtime: 200_000_000, rampTime: 20_000_000, profile: .bareMetal,
            devices: [DeviceConfig(id: "nvme0",
                                   readLatency: try .lognormal(median: 9_000, p99: 20_000),
                                   writeLatency: try .lognormal(median: 11_000, p99: 25_000),
                                   bandwidth: 2.2e9, parallelism: 8)],
            iothreads: [IOThreadConfig(id: "iothread0", policy: .pollWeight, poll: .pollWeightMerged)],
            disks: [DiskConfig(id: "vda", device: "nvme0", iothread: "iothread0")],
            jobs: [JobConfig(name: "reader", disk: "vda", rw: .randread, bs: 4096, iodepth: 8, numjobs: 1)])
        assertSameConfiguration(parsed, expected)
    }

    func testLoadFromPathMatchesTheBuiltInText() throws {
        let path = packageRoot.appendingPathComponent("scenarios/default.yaml").path
        assertSameConfiguration(try ScenarioLoader.load(path: path),
                                try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: path))
    }

    /// A minimal scenario takes every default the Swift initialisers have.
    func testOmittedKeysTakeTheSwiftDefaults() throws {
        let parsed = try parse(minimalScenario, file: "dir/minimal.yaml")
        let expected = ModelConfiguration(
            name: "minimal", runtime: 10_000_000,
            devices: [DeviceConfig(id: "nvme0", readLatency: try .constant(10_000))],
            iothreads: [IOThreadConfig(id: "iothread0")],
            disks: [DiskConfig(id: "vda", device: "nvme0", iothread: "iothread0")],
            jobs: [JobConfig(name: "reader", disk: "vda")])
        assertSameConfiguration(parsed, expected)
        XCTAssertEqual(parsed.devices[0].writeLatency, parsed.devices[0].readLatency, "write-latency defaults to read-latency")
        XCTAssertNil(parsed.devices[0].bandwidth)
    }

    func testPollParameterDefaultsDependOnThePolicy() throws {
        for policy in PolicyKind.allCases {
            let yaml = minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    policy: \(policy.rawValue)")
            let poll = try parse(yaml).iothreads[0].poll
            XCTAssertEqual(poll, policy == .pollWeight ? .pollWeightMerged : .qemuClassic, policy.rawValue)
        }
        let explicit = minimal(replacing: "  - id: iothread0", with: """
              - id: iothread0
                policy: poll-weight
                poll-weight: 2
                poll-shrink: 0
            """)
        XCTAssertEqual(try parse(explicit).iothreads[0].poll, PollParameters(maxNs: 32768, grow: 2, shrink: 0, weight: 2))
    }

    func testSeedParameterReplacesTheFileSeed() throws {
        XCTAssertEqual(try parse(ScenarioLoader.defaultScenarioYAML).seed, 1)
        XCTAssertEqual(try parse(ScenarioLoader.defaultScenarioYAML, seed: 42).seed, 42)
        XCTAssertEqual(try parse(ScenarioLoader.defaultScenarioYAML, overrides: ["seed=7"]).seed, 7)
        XCTAssertEqual(try parse(ScenarioLoader.defaultScenarioYAML, overrides: ["seed=7"], seed: 9).seed, 9)
    }

    func testEveryScenarioFileUnderScenariosParses() throws {
        let directory = packageRoot.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertTrue(files.contains("default.yaml"))
        for file in files {
            XCTAssertNoThrow(try ScenarioLoader.load(path: directory.appendingPathComponent(file).path), file)
        }
    }
}
