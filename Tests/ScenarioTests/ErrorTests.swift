import XCTest
@testable import Scenario

/// Every class of error, with its position and message.
final class ErrorTests: XCTestCase {
    // MARK: YAML syntax

    func testYAMLSyntaxErrorsAreLocated() {
        assertError("runtime: 10ms\ndevices: [\n", at: "3:1", contains: "YAML syntax: did not find expected node content")
        assertError("runtime: 10ms\n  bad: indent\n", at: "2:6", contains: "YAML syntax: mapping values are not allowed in this context")
        assertError("runtime: 10ms\ndevices:\n\t- id: x\n", at: "3:1", contains: "YAML syntax: found character that cannot start any token")
        XCTAssertEqual(scenarioError("runtime: 10ms\ndevices:\n\t- id: x\n")?.note, "YAML does not allow tabs for indentation; use spaces")
        assertError("runtime: 10ms\n---\nruntime: 20ms\n", at: "2:1", contains: "but found another document")
        assertError("a: *missing\n", at: "1:4", contains: "found undefined alias")
        assertError("name: \"unterminated\n", at: "2:1", contains: "YAML syntax: found unexpected end of stream")
    }

    func testDuplicateKeysPointAtTheSecondOccurrence() {
        let yaml = minimal(replacing: "    iothread: iothread0", with: "    iothread: iothread0\n    device: nvme1")
        XCTAssertEqual(scenarioError(yaml)?.description, """
            scenario.yaml:11:5: error: duplicate key 'device'
            note: first defined at scenario.yaml:9:5
            """)
        assertError("runtime: 1s\nruntime: 2s\n", at: "2:1", contains: "duplicate key 'runtime'")
        assertError("{runtime: 1s, runtime: 2s}\n", at: "1:15", contains: "duplicate key 'runtime'")
    }

    func testUnreadableFiles() {
        XCTAssertThrowsError(try ScenarioLoader.load(path: "/nonexistent/scenario.yaml")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/scenario.yaml: cannot read the scenario file: no such file")
        }
        let directory = packageRoot.appendingPathComponent("scenarios").path
        XCTAssertThrowsError(try ScenarioLoader.load(path: directory)) { error in
            XCTAssertEqual((error as? ScenarioError)?.message, "cannot read the scenario file: it is a directory")
        }
    }

    func testWholeDocumentShapes() {
        assertError("", at: "1:1", contains: "missing required key 'runtime' at the top level")
        assertError("# only a comment\n", at: "1:1", contains: "missing required key 'runtime' at the top level")
        assertError("- a\n- b\n", "scenario.yaml:1:1: error: expected a map of scenario keys (name, runtime, devices, ...) at the top level, got a list")
        assertError("just text\n", at: "1:1", contains: "got 'just text'")
    }

    // MARK: Unknown keys

    func testUnknownKeysAtEveryLevel() {
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-wieght: 3"),
                    "scenario.yaml:7:5: error: unknown key 'poll-wieght' in iothreads[0]; did you mean 'poll-weight'?")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtim: 10ms"),
                    "scenario.yaml:1:1: error: unknown key 'runtim' at the top level; did you mean 'runtime'?")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nramp-time: 1ms"),
                    "scenario.yaml:2:1: error: unknown key 'ramp-time' at the top level; did you mean 'ramp_time'?")
        assertError(minimal(replacing: "    read-latency: 10us", with: "    read-latency: 10us\n    paralellism: 4"),
                    at: "5:5", contains: "unknown key 'paralellism' in devices[0]; did you mean 'parallelism'?")
        assertError(minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    num_queues: 2"),
                    at: "10:5", contains: "unknown key 'num_queues' in disks[0]; did you mean 'num-queues'?")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    io-depth: 8"),
                    at: "14:5", contains: "unknown key 'io-depth' in jobs[0]; did you mean 'iodepth'?")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    rate-iops: 8"),
                    at: "14:5", contains: "unknown key 'rate-iops' in jobs[0]; did you mean 'rate_iops'?")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nguest: {vcpu: 2}"),
                    at: "2:9", contains: "unknown key 'vcpu' in guest; did you mean 'vcpus'?")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\npoll-weight: 3"),
                    "scenario.yaml:2:1: error: unknown key 'poll-weight' at the top level ('poll-weight' is a key of iothreads[])")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    device: nvme0"),
                    at: "7:5", contains: "unknown key 'device' in iothreads[0] ('device' is a key of disks[])")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nzzzzzz: 1"),
                    "scenario.yaml:2:1: error: unknown key 'zzzzzz' at the top level")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nprofile-overrides: {wakeup-crosscpu: 8us}"),
                    at: "2:21", contains: "unknown key 'wakeup-crosscpu' in profile-overrides; did you mean 'wakeup-cross-cpu'?")
    }

    func testUnknownKeysInDistributions() {
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, median: 9us, p90: 20us}"),
                    "scenario.yaml:4:50: error: unknown key 'p90' in devices[0].read-latency (lognormal takes median, p99 (durations) or mu, sigma (plain numbers: the mean and sd of ln(ns))); did you mean 'p99'?")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, meadian: 9us, p99: 20us}"),
                    at: "4:37", contains: "unknown key 'meadian' in devices[0].read-latency (lognormal takes median, p99")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognorml, median: 9us, p99: 20us}"),
                    "scenario.yaml:4:26: error: unknown dist 'lognorml' (expected constant, uniform, exponential, normal, lognormal, gamma, weibull, pareto, mixture, empirical); did you mean 'lognormal'?")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {median: 9us, p99: 20us}"),
                    at: "4:19", contains: "missing required key 'dist' in devices[0].read-latency")
    }

    // MARK: Wrong types and units

    func testWrongTypes() {
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: fast"),
                    "scenario.yaml:1:10: error: expected a duration like 10us, got 'fast'")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10"),
                    "scenario.yaml:1:10: error: '10' needs a unit, like 10s or 10ms")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: quick"),
                    "scenario.yaml:4:19: error: expected a duration like 10us or a distribution map like {dist: lognormal, median: 9us, p99: 20us}, got 'quick'")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: [1, 2]"),
                    at: "4:19", contains: "expected a duration like 10us or a distribution map like {dist: lognormal, median: 9us, p99: 20us} for devices[0].read-latency, got a list")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    bs: large"),
                    "scenario.yaml:14:9: error: expected a size like 4k or 4096, got 'large'")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    iodepth: many"),
                    at: "14:14", contains: "expected a whole number, got 'many'")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    iodepth: [1]"),
                    at: "14:14", contains: "expected a single value for 'iodepth', got a list")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    policy: poll-wieght"),
                    "scenario.yaml:7:13: error: unknown policy 'poll-wieght' (expected none, busy, classic, per-handler, poll-weight, hybrid); did you mean 'poll-weight'?")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    fdmon: iouring"),
                    at: "7:12", contains: "unknown fdmon 'iouring' (expected poll, epoll, io_uring); did you mean 'io_uring'?")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    idle-handler-removal: yes"),
                    at: "7:27", contains: "expected true or false, got 'yes'")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-max-ns: 32us"),
                    "scenario.yaml:7:18: error: expected a whole number of nanoseconds for poll-max-ns (a plain integer, as QEMU takes it), got '32us'")
        assertError(minimal(replacing: "devices:\n  - id: nvme0\n    read-latency: 10us\n", with: "devices:\n  nvme0: {read-latency: 10us}\n"),
                    at: "3:3", contains: "expected a list for 'devices' (entries like '- id: nvme0'), got a map")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nguest: 4"),
                    at: "2:8", contains: "expected a map for guest, got '4'")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nseed: -1"),
                    at: "2:7", contains: "expected a whole number from 0 to 18446744073709551615 for seed, got '-1'")
        assertError(minimal(replacing: "    read-latency: 10us", with: "    read-latency: 10us\n    bandwidth: 2.2GB"),
                    at: "5:16", contains: "a bandwidth is per second: write '2.2GB/s'")
        assertError(minimal(replacing: "    read-latency: 10us", with: "    read-latency: 10us\n    bandwidth:"),
                    "scenario.yaml:5:5: error: 'bandwidth' has no value")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: [iothread0]"),
                    at: "6:9", contains: "expected a name for 'id', got a list")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\n? [a, b]\n: c"),
                    at: "2:3", contains: "a key must be a name, not a list")
    }

    // MARK: Ranges

    func testQEMUMessagesForPollParameters() {
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-max-ns: -1"),
                    "scenario.yaml:7:18: error: poll-max-ns value must be in range [0, 9223372036854775807]")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-grow: -2"),
                    "scenario.yaml:7:16: error: poll-grow value must be in range [0, 9223372036854775807]")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-shrink: -2"),
                    "scenario.yaml:7:18: error: poll-shrink value must be in range [0, 9223372036854775807]")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-weight: 64"),
                    "scenario.yaml:7:18: error: poll-weight value must be in range [0, 63]")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    poll-max-ns: 9223372036854775808"),
                    "scenario.yaml:7:18: error: poll-max-ns value must be in range [0, 9223372036854775807]")
        assertError(minimal(replacing: "  - id: iothread0", with: "  - id: iothread0\n    aio-max-batch: -1"),
                    "scenario.yaml:7:20: error: aio-max-batch value must be in range [0, 9223372036854775807]")
    }

    func testRanges() {
        func job(_ line: String) -> String { minimal(replacing: "    disk: vda", with: "    disk: vda\n    \(line)") }
        assertError(job("iodepth: 0"), "scenario.yaml:14:14: error: iodepth must be >= 1, got 0")
        assertError(job("numjobs: 0"), "scenario.yaml:14:14: error: numjobs must be >= 1, got 0")
        assertError(job("bs: 0"), "scenario.yaml:14:9: error: bs must be > 0")
        assertError(job("thinktime: -1us"), at: "14:16", contains: "expected a non-negative duration like 10us, got '-1us'")
        assertError(job("rate_iops: 0"), at: "14:16", contains: "rate must be > 0, got '0'")
        assertError(job("rw: randrw\n    rwmixread: 101"), "scenario.yaml:15:16: error: rwmixread must be in 0...100, got 101")
        assertError(job("rw: randrw\n    rwmixread: -1"), at: "15:16", contains: "rwmixread must be in 0...100, got -1")
        assertError(job("rwmixread: 70"), at: "14:16", contains: "rwmixread applies only to mixed workloads (rw: randrw, readwrite or rw), not rw: randread")
        assertError(job("rate_process: poisson"), at: "14:19", contains: "rate_process applies only with rate_iops (an open-loop job)")
        assertError(minimal(replacing: "    read-latency: 10us", with: "    read-latency: 10us\n    parallelism: 0"),
                    "scenario.yaml:5:18: error: parallelism must be >= 1, got 0")
        func disk(_ line: String) -> String { minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    \(line)") }
        assertError(disk("num-queues: 0"), "scenario.yaml:10:17: error: num-queues must be >= 1, got 0")
        assertError(disk("count: 0"), "scenario.yaml:10:12: error: count must be in 1...1000000, got 0")
        assertError(disk("vhost-workers: 2"), at: "10:20", contains: "vhost-workers applies only to disks with architecture vhost-blk")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 0s"), "scenario.yaml:1:10: error: runtime must be > 0")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nramp_time: -1ms"),
                    at: "2:12", contains: "expected a non-negative duration like 10us, got '-1ms'")
        assertError(minimal(replacing: "runtime: 10ms", with: "runtime: 10ms\nguest: {vcpus: -1}"),
                    at: "2:16", contains: "vcpus must be >= 0, got -1")
    }

    // MARK: Identity and references

    func testDuplicateIds() {
        let yaml = minimal(replacing: "iothreads:\n", with: """
            iothreads:
              - id: iothread0

            """)
        XCTAssertEqual(scenarioError(yaml)?.description, """
            scenario.yaml:7:9: error: duplicate iothread id 'iothread0'
            note: first defined at scenario.yaml:6:9
            """)
        let jobs = minimalScenario + "  - name: reader\n    disk: vda\n"
        assertError(jobs, at: "14:11", contains: "duplicate job name 'reader'")
    }

    func testDanglingReferences() {
        assertError(minimal(replacing: "    device: nvme0", with: "    device: nvme1"),
                    "scenario.yaml:9:13: error: disks[0] names device 'nvme1', which does not exist (defined: nvme0); did you mean 'nvme0'?")
        assertError(minimal(replacing: "    iothread: iothread0", with: "    iothread: iothread1"),
                    "scenario.yaml:10:15: error: disks[0] names iothread 'iothread1', which does not exist (defined: iothread0); did you mean 'iothread0'?")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vdb"),
                    "scenario.yaml:13:11: error: jobs[0] names disk 'vdb', which does not exist (defined: vda); did you mean 'vda'?")
    }

    func testDiskCopies() throws {
        let copies = minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    count: 8")
        XCTAssertEqual(try parse(copies.replacingOccurrences(of: "disk: vda", with: "disk: vda7")).jobs[0].disk, "vda7")
        XCTAssertEqual(try parse(copies.replacingOccurrences(of: "disk: vda", with: "disk: vda0")).jobs[0].disk, "vda0")
        XCTAssertEqual(try parse(copies).jobs[0].disk, "vda")
        assertError(copies.replacingOccurrences(of: "disk: vda", with: "disk: vda8"),
                    "scenario.yaml:14:11: error: jobs[0] names disk 'vda8', but disk 'vda' has count 8 (copies vda0 ... vda7)")
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda0"), at: "13:11",
                    contains: "jobs[0] names disk 'vda0', which does not exist (defined: vda)")
        let collision = """
            runtime: 10ms
            devices: [{id: nvme0, read-latency: 10us}]
            iothreads: [{id: iothread0}]
            disks:
              - {id: vda, device: nvme0, iothread: iothread0, count: 8}
              - {id: vda3, device: nvme0, iothread: iothread0}
            jobs: [{name: reader, disk: vda}]

            """
        assertError(collision, "scenario.yaml:6:10: error: disk id 'vda3' is also the name of copy 3 of disk 'vda'")
        let reversed = """
            runtime: 10ms
            devices: [{id: nvme0, read-latency: 10us}]
            iothreads: [{id: iothread0}]
            disks:
              - {id: vda3, device: nvme0, iothread: iothread0}
              - {id: vda, device: nvme0, iothread: iothread0, count: 8}
            jobs: [{name: reader, disk: vda}]

            """
        assertError(reversed, "scenario.yaml:5:10: error: disk id 'vda3' is also the name of copy 3 of disk 'vda'")
        let copiesOfBoth = """
            runtime: 10ms
            devices: [{id: nvme0, read-latency: 10us}]
            iothreads: [{id: iothread0}]
            disks:
              - {id: vd, device: nvme0, iothread: iothread0, count: 20}
              - {id: vd1, device: nvme0, iothread: iothread0, count: 5}
            jobs: [{name: reader, disk: vd}]

            """
        // vd1 would mean both copy 1 of vd and the first copy of vd1.
        assertError(copiesOfBoth, "scenario.yaml:6:10: error: disk id 'vd1' is also the name of copy 1 of disk 'vd'")
        XCTAssertNoThrow(try parse(copiesOfBoth.replacingOccurrences(of: "count: 20", with: "count: 1")), "vd and vd10...vd14 are distinct")
        // A large count is checked without listing the copies.
        let many = copiesOfBoth.replacingOccurrences(of: "count: 20", with: "count: 1000000")
            .replacingOccurrences(of: "  - {id: vd1, device: nvme0, iothread: iothread0, count: 5}\n", with: "")
            .replacingOccurrences(of: "disk: vd}", with: "disk: vd999999}")
        XCTAssertEqual(try parse(many).disks[0].count, 1_000_000)
        assertError(minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    count: 8")
                        .replacingOccurrences(of: "disk: vda", with: "disk: vda07"),
                    at: "14:11", contains: "jobs[0] names disk 'vda07', which does not exist")
    }

    // MARK: Missing keys

    func testMissingRequiredKeys() {
        assertError(minimal(replacing: "runtime: 10ms\n", with: ""), "scenario.yaml:1:1: error: missing required key 'runtime' at the top level")
        assertError("runtime: 1s\n", "scenario.yaml:1:1: error: missing required key 'devices' at the top level")
        assertError(minimal(replacing: "devices:\n  - id: nvme0\n    read-latency: 10us\n", with: "devices: []\n"),
                    "scenario.yaml:2:10: error: 'devices' needs at least one entry")
        assertError(minimal(replacing: "  - id: nvme0\n", with: "  - name: nvme0\n"),
                    at: "3:5", contains: "unknown key 'name' in devices[0]")
        assertError(minimal(replacing: "    read-latency: 10us\n", with: "    bandwidth: 1GB/s\n"),
                    "scenario.yaml:3:5: error: missing required key 'read-latency' in devices[0]")
        assertError(minimal(replacing: "    iothread: iothread0\n", with: ""),
                    "scenario.yaml:8:5: error: missing required key 'iothread' in disks[0] (a virtio disk runs in an IOThread; only architecture vhost-blk has none)")
        assertError(minimal(replacing: "  - name: reader\n", with: "  - rw: read\n"),
                    "scenario.yaml:12:5: error: missing required key 'name' in jobs[0]")
        assertError(minimal(replacing: "iothreads:\n  - id: iothread0\n", with: ""),
                    "scenario.yaml:1:1: error: missing required key 'iothreads' at the top level (disk 'vda' is a virtio disk, which runs in an IOThread)")
    }

    func testIOThreadsAreOptionalWhenEveryDiskIsVhostBlk() throws {
        let yaml = minimal(replacing: "iothreads:\n  - id: iothread0\n", with: "")
            .replacingOccurrences(of: "    iothread: iothread0\n", with: "    architecture: vhost-blk\n    vhost-workers: 2\n")
        let config = try parse(yaml)
        XCTAssertTrue(config.iothreads.isEmpty)
        XCTAssertEqual(config.disks[0].architecture, .vhostBlk)
        XCTAssertEqual(config.disks[0].vhostWorkers, 2)
        XCTAssertNil(config.disks[0].iothread)
    }

    // MARK: Distributions

    func testDistributionErrorsAreLocatedAtTheirParameter() {
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, median: 9us, p99: 5us}"),
                    "scenario.yaml:4:55: error: lognormal: p99 = 5000 is invalid: must be finite and >= median (9000)")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: uniform, min: 5us, max: 1us}"),
                    at: "4:50", contains: "uniform: max = 1000 is invalid: must be finite and >= min (5000)")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: gamma, shape: 0, scale: 1us}"),
                    at: "4:40", contains: "gamma: shape = 0 is invalid: must be a finite number > 0")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: exponential, mean: 0us}"),
                    at: "4:45", contains: "exponential: mean = 0 is invalid: must be a finite number > 0")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, mu: 800, sigma: 1}"),
                    at: "4:41", contains: "lognormal: mu = 800 is invalid")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, mu: 9, sigma: 1, median: 3us}"),
                    at: "4:19", contains: "lognormal takes either median and p99, or mu and sigma, not both")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: lognormal, median: 9us}"),
                    at: "4:19", contains: "missing required key 'p99'")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: empirical, samples: []}"),
                    at: "4:46", contains: "empirical: samples = [] is invalid: must hold at least one value")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: empirical, percentiles: {50: 9us, 99: 5us}}"),
                    at: "4:64", contains: "empirical: percentiles[99] = 5000 is invalid: must be >= the value at percentile 50 (9000)")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: empirical, percentiles: {0: 9us}}"),
                    at: "4:51", contains: "percentile must be in (0, 100], got 0")
        assertError(minimal(replacing: "read-latency: 10us", with: "read-latency: {dist: empirical, percentiles: {50: 9us}, samples: [1us]}"),
                    at: "4:19", contains: "empirical needs either samples or percentiles (exactly one)")
        assertError(minimal(replacing: "read-latency: 10us",
                            with: "read-latency: {dist: mixture, components: [{weight: 1, dist: constant, value: 1us}, {weight: -1, dist: constant, value: 2us}]}"),
                    at: "4:98", contains: "mixture: components[1].weight = -1 is invalid: must be a finite number >= 0")
        assertError(minimal(replacing: "read-latency: 10us",
                            with: "read-latency: {dist: mixture, components: [{dist: constant, value: 1us}]}"),
                    at: "4:48", contains: "missing required key 'weight' in devices[0].read-latency.components[0]")
        assertError(minimal(replacing: "read-latency: 10us",
                            with: "read-latency: {dist: mixture, components: [{weight: 1, dist: constant, valu: 1us}]}"),
                    at: "4:76", contains: "unknown key 'valu' in devices[0].read-latency.components[0] (constant takes value (duration)); did you mean 'value'?")
    }

    func testEveryDistributionParses() throws {
        let forms: [(String, (Double) -> Bool)] = [
            ("12us", { $0 == 12_000 }),
            ("{dist: constant, value: 5us}", { $0 == 5_000 }),
            ("{dist: uniform, min: 1us, max: 3us}", { $0 == 2_000 }),
            ("{dist: exponential, mean: 4us}", { $0 == 4_000 }),
            ("{dist: normal, mean: 10us, sd: 0}", { $0 == 10_000 }),
            ("{dist: lognormal, median: 9us, p99: 9us}", { abs($0 - 9_000) < 1e-6 }),
            ("{dist: lognormal, mu: 9, sigma: 0}", { abs($0 - 8103.08) < 0.01 }),
            ("{dist: gamma, shape: 2, scale: 1us}", { $0 == 2_000 }),
            ("{dist: weibull, shape: 1, scale: 3us}", { abs($0 - 3_000) < 1e-6 }),
            ("{dist: pareto, shape: 2, scale: 1us}", { $0 == 2_000 }),
            ("{dist: mixture, components: [{weight: 0.5, dist: constant, value: 1us}, {weight: 0.5, dist: constant, value: 3us}]}", { abs($0 - 2_000) < 1e-9 }),
            ("{dist: empirical, samples: [1us, 3us]}", { $0 == 2_000 }),
            ("{dist: empirical, percentiles: {50: 2us, 100: 2us}}", { $0 == 2_000 }),
        ]
        for (form, meanIsRight) in forms {
            let config = try parse(minimal(replacing: "read-latency: 10us", with: "read-latency: \(form)"))
            XCTAssertTrue(meanIsRight(config.devices[0].readLatency.mean), "\(form): mean \(config.devices[0].readLatency.mean)")
        }
    }
}
