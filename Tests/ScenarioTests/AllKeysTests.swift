import XCTest
@testable import Scenario
import PollModel
import PollingPolicy
import SimKernel

/// scenarios/all-keys.yaml sets every key to a non-default value; each must reach its configuration field.
final class AllKeysTests: XCTestCase {
    func testEverySchemaKeyIsInAllKeysYAML() throws {
        let text = try readPackageFile("scenarios/all-keys.yaml")
        let root = try XCTUnwrap(try ScenarioNode.parse(yaml: text, source: "all-keys.yaml"))
        func keys(of nodes: [ScenarioNode]) -> Set<String> { Set(nodes.flatMap { $0.entries?.map(\.key) ?? [] }) }
        let sections: [(ScenarioSection, [ScenarioNode])] = [
            (ScenarioSchema.top, [root]),
            (ScenarioSchema.guest, [root["guest"]].compactMap { $0 }),
            (ScenarioSchema.device, root["devices"]?.elements ?? []),
            (ScenarioSchema.iothread, root["iothreads"]?.elements ?? []),
            (ScenarioSchema.disk, root["disks"]?.elements ?? []),
            (ScenarioSchema.job, root["jobs"]?.elements ?? []),
            (ScenarioSchema.jobTrace, (root["jobs"]?.elements ?? []).compactMap { $0["trace"] }),
        ]
        for (section, nodes) in sections {
            XCTAssertEqual(Set(section.keyNames).subtracting(keys(of: nodes)), [], "keys of \(section.name) missing from all-keys.yaml")
        }
        // Every kind of distribution too.
        let dists = Set(text.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "dist: ") else { return nil }
            return String(line[range.upperBound...].prefix { $0.isLetter })
        })
        XCTAssertEqual(Set(DistributionParser.names).subtracting(dists), [])
    }

    func testEveryKeyReachesTheConfiguration() throws {
        let path = packageRoot.appendingPathComponent("scenarios/all-keys.yaml").path
        let config = try ScenarioLoader.load(path: path)
        XCTAssertEqual(config.name, "all-keys")
        XCTAssertEqual(config.seed, 42)
        XCTAssertEqual(config.runtime, 1_000_000_000)
        XCTAssertEqual(config.rampTime, 100_000_000)
        XCTAssertEqual(config.profile.wakeupSameCPU, .ns(3_500), "from profiles/dev-vm.yaml")
        XCTAssertEqual(config.profile.guestKick, .ns(2_000), "from profile-overrides")
        XCTAssertEqual(config.profile.interruptInjection, Cost(try .exponential(mean: 2_000)))
        XCTAssertEqual(config.guest.vcpus, 4)

        XCTAssertEqual(config.devices.map(\.id), ["optane", "consumer", "nullblk", "fcp", "slow"])
        XCTAssertEqual(config.devices[0], DeviceConfig(id: "optane", readLatency: try .lognormal(median: 9_000, p99: 20_000),
                                                       writeLatency: try .lognormal(mu: 9.3, sigma: 0.35),
                                                       bandwidth: 2.2e9, parallelism: 8))
        XCTAssertEqual(config.devices[1].readLatency, try .mixture([
            .init(weight: 0.95, distribution: .gamma(shape: 4, scale: 20_000)),
            .init(weight: 0.05, distribution: .empirical(percentiles: [(50, 400_000), (99, 2_000_000), (100, 5_000_000)])),
        ]))
        XCTAssertEqual(config.devices[1].writeLatency, try .weibull(shape: 1.5, scale: 30_000))
        XCTAssertEqual(config.devices[1].bandwidth, 1.5 * 1_073_741_824)
        XCTAssertEqual(config.devices[2].readLatency, try .constant(5_000))
        XCTAssertEqual(config.devices[2].writeLatency, try .empirical(samples: [5_000, 6_000, 7_000]))
        XCTAssertEqual(config.devices[3].readLatency, try .normal(mean: 150_000, sd: 20_000))
        XCTAssertEqual(config.devices[3].writeLatency, try .uniform(min: 100_000, max: 200_000))
        XCTAssertEqual(config.devices[3].parallelism, 32)
        XCTAssertEqual(config.devices[3].completionCPU, .vcpu)
        XCTAssertEqual(config.devices[0].completionCPU, .other)
        XCTAssertEqual(config.devices[4].readLatency, try .pareto(shape: 2.5, scale: 50_000))
        XCTAssertEqual(config.devices[4].writeLatency, try .constant(80_000))

        XCTAssertEqual(config.iothreads, [
            IOThreadConfig(id: "iothread0", policy: .pollWeight,
                           poll: PollParameters(maxNs: 65536, grow: 4, shrink: 4, weight: 2),
                           fdmon: .epoll, idleHandlerRemoval: false, dispatch: .scan, aioMaxBatch: 16),
            IOThreadConfig(id: "iothread1", policy: .perHandler, poll: .qemuClassic),
        ])
        XCTAssertEqual(config.disks, [
            DiskConfig(id: "vda", device: "optane", iothread: "iothread0", numQueues: 4, aio: .ioUring, submit: .adaptive),
            DiskConfig(id: "vdb", device: "consumer", iothread: nil, iothreadVQMapping: ["iothread0", "iothread1"], aio: .threads, submit: .sio, count: 100),
            DiskConfig(id: "vhost", device: "nullblk", iothread: nil, architecture: .vhostBlk, vhostWorkers: 2),
        ])
        XCTAssertEqual(config.jobs, [
            JobConfig(name: "mixed", disk: "vda", rw: .randrw, rwmixread: 70, bs: 16_384, iodepth: 32, numjobs: 4, thinktime: 10_000),
            JobConfig(name: "open-loop", disk: "vdb7", rw: .read, bs: 131_072, rateIOPS: 100_000, rateProcess: .poisson),
            JobConfig(name: "vhost-writer", disk: "vhost", rw: .write),
            JobConfig(name: "replay-open", disk: "vda",
                      trace: TraceJobConfig(path: packageRoot.appendingPathComponent("scenarios/traces/example.csv").path,
                                            mode: .open, timeScale: 0.5, diskMap: ["hm_0": "vda", "hm_1": "vdb3"])),
            JobConfig(name: "replay-closed", disk: "vdb", iodepth: 4,
                      trace: TraceJobConfig(path: packageRoot.appendingPathComponent("scenarios/traces/example.csv").path,
                                            mode: .closed)),
        ])
    }
}
