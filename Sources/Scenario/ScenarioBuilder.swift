import PollModel
import PollingPolicy
import SimKernel

/// Turns a scenario's node tree into a validated `ModelConfiguration`: every key is checked against
/// `ScenarioSchema`, every value against its unit and range, every reference against the entities it names.
/// The first problem found is thrown as a `ScenarioError` at its node.
struct ScenarioBuilder {
    /// The scenario file as named to the loader: the default `name`, and the base of relative profile paths.
    let fileName: String

    /// The most copies one disk entry may stand for (a guard against a mistyped count exhausting memory).
    static let maxCount = 1_000_000

    var defaultName: String {
        var base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        for suffix in [".yaml", ".yml"] where base.hasSuffix(suffix) && base.count > suffix.count {
            base.removeLast(suffix.count)
        }
        return base
    }

    var baseDirectory: String {
        guard let slash = fileName.lastIndex(of: "/") else { return "" }
        return slash == fileName.startIndex ? "/" : String(fileName[..<slash])
    }

    func build(_ root: ScenarioNode) throws -> ModelConfiguration {
        let top = try MapReader(root, section: ScenarioSchema.top, context: "the top level")

        let name = try top["name"].map { try MapReader.name($0, key: "name") } ?? defaultName
        let seed = try top.value("seed", default: UInt64(1)) { text throws(Units.Failure) in
            guard let value = UInt64(text), text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw Units.Failure(message: "expected a whole number from 0 to \(UInt64.max) for seed, got '\(ScenarioNode.clip(text))'")
            }
            return value
        }
        let runtime = try top.requiredValue("runtime") { text throws(Units.Failure) in
            try Units.duration(text, bareIsNanoseconds: false)
        }
        if runtime <= 0, let node = top["runtime"] {
            throw ScenarioError(at: node.location, "runtime must be > 0")
        }
        let rampTime = try top.value("ramp_time", default: SimTime(0)) { text throws(Units.Failure) in
            try Units.duration(text, bareIsNanoseconds: false)
        }

        var profile = try top["profile"].map { try ProfileLoader.load($0, baseDirectory: baseDirectory) } ?? .bareMetal
        if let overrides = top["profile-overrides"] {
            try ProfileLoader.applyOverrides(overrides, to: &profile)
        }

        let guest = try top["guest"].map(parseGuest) ?? GuestConfig()
        _ = try top["sweep"].map(ScenarioSweep.init)  // checked here, read by ScenarioLoader.loadSweep

        var ids = IdRegistry()
        let devices = try entries(top, "devices", example: "id: nvme0").enumerated().map { index, node in
            try parseDevice(node, context: "devices[\(index)]", ids: &ids)
        }
        let iothreads = try top["iothreads"].map { node in
            try MapReader.list(node, key: "iothreads", example: "id: iothread0").enumerated().map { index, node in
                try parseIOThread(node, context: "iothreads[\(index)]", ids: &ids)
            }
        } ?? []
        let disks = try entries(top, "disks", example: "id: vda").enumerated().map { index, node in
            try parseDisk(node, context: "disks[\(index)]", ids: &ids)
        }
        let jobs = try entries(top, "jobs", example: "name: reader").enumerated().map { index, node in
            try parseJob(node, context: "jobs[\(index)]", ids: &ids)
        }

        if top["iothreads"] == nil, let virtio = disks.first(where: { $0.config.architecture == .virtio }) {
            throw ScenarioError(at: root.location,
                                "missing required key 'iothreads' at the top level (disk '\(virtio.config.id)' is a virtio disk, which runs in an IOThread)")
        }
        try checkReferences(devices: devices, iothreads: iothreads, disks: disks, jobs: jobs)

        return ModelConfiguration(name: name, seed: seed, runtime: runtime, rampTime: rampTime, profile: profile,
                                  guest: guest, devices: devices.map(\.config), iothreads: iothreads.map(\.config),
                                  disks: disks.map(\.config), jobs: jobs.map(\.config))
    }

    /// A required, non-empty list.
    private func entries(_ top: MapReader, _ key: String, example: String) throws -> [ScenarioNode] {
        let node = try top.required(key)
        let list = try MapReader.list(node, key: key, example: example)
        guard !list.isEmpty else {
            throw ScenarioError(at: node.location, "'\(key)' needs at least one entry")
        }
        return list
    }

    // MARK: Entities

    /// A parsed entity with the nodes its cross-references are reported at.
    struct Located<Config> {
        var config: Config
        var node: ScenarioNode
        var references: [String: ScenarioNode] = [:]
    }

    /// Ids must be unique within each kind of entity.
    struct IdRegistry {
        private var seen: [String: [String: SourceLocation]] = [:]

        mutating func register(_ kind: String, _ key: String, in map: MapReader) throws -> String {
            let node = try map.required(key)
            let id = try MapReader.name(node, key: key)
            if let first = seen[kind]?[id] {
                throw ScenarioError(at: node.location, "duplicate \(kind) \(key) '\(ScenarioNode.clip(id))'",
                                    note: "first defined at \(first)")
            }
            seen[kind, default: [:]][id] = node.location
            return id
        }
    }

    private func parseGuest(_ node: ScenarioNode) throws -> GuestConfig {
        let map = try MapReader(node, section: ScenarioSchema.guest, context: "guest")
        return GuestConfig(vcpus: try map.integer("vcpus", default: 0, in: 0...Int.max))
    }

    private func parseDevice(_ node: ScenarioNode, context: String, ids: inout IdRegistry) throws -> Located<DeviceConfig> {
        let map = try MapReader(node, section: ScenarioSchema.device, context: context)
        let id = try ids.register("device", "id", in: map)
        let read = try DistributionParser.parse(try map.required("read-latency"), context: "\(context).read-latency")
        let write = try map["write-latency"].map { try DistributionParser.parse($0, context: "\(context).write-latency") }
        let bandwidth = try map.optional("bandwidth", Units.bandwidth)
        let parallelism = try map.integer("parallelism", default: 1, in: 1...Int.max)
        return Located(config: DeviceConfig(id: id, readLatency: read, writeLatency: write, bandwidth: bandwidth,
                                            parallelism: parallelism,
                                            completionCPU: try map.choice("completion-cpu", default: CompletionCPU.other)),
                       node: node)
    }

    /// A poll-* or aio-max-batch value: a plain integer, with QEMU's range check and message.
    private func qemuInteger(_ map: MapReader, _ key: String, default defaultValue: Int64) throws -> Int64 {
        guard let node = map[key] else { return defaultValue }
        let value = try MapReader.scalar(node, key: key) { text throws(Units.Failure) -> Int64 in
            let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            do {
                return try Units.integer(text)
            } catch where !body.isEmpty && body.allSatisfy({ $0.isASCII && $0.isNumber }) {
                // Too large for int64: the same message QEMU gives for an out-of-range value.
                // (The message names the range, not the value, so any out-of-range value yields it.)
                var message = "\(key) value is out of range"
                do { try PollParameters.validate(key, -1) } catch { message = "\(error)" }
                throw Units.Failure(message: message)
            } catch {
                let unit = key == "poll-max-ns" ? " of nanoseconds" : ""
                throw Units.Failure(message: "expected a whole number\(unit) for \(key) (a plain integer, as QEMU takes it), got '\(ScenarioNode.clip(text))'")
            }
        }
        do {
            try PollParameters.validate(key, value)
        } catch {
            throw ScenarioError(at: node.location, "\(error)")
        }
        return value
    }

    private func parseIOThread(_ node: ScenarioNode, context: String, ids: inout IdRegistry) throws -> Located<IOThreadConfig> {
        let map = try MapReader(node, section: ScenarioSchema.iothread, context: context)
        let id = try ids.register("iothread", "id", in: map)
        let policy = try map.choice("policy", default: PolicyKind.classic)
        let defaults = policy == .pollWeight ? PollParameters.pollWeightMerged : PollParameters.qemuClassic
        let poll = PollParameters(maxNs: try qemuInteger(map, "poll-max-ns", default: defaults.maxNs),
                                  grow: try qemuInteger(map, "poll-grow", default: defaults.grow),
                                  shrink: try qemuInteger(map, "poll-shrink", default: defaults.shrink),
                                  weight: try qemuInteger(map, "poll-weight", default: defaults.weight))
        let config = IOThreadConfig(
            id: id, policy: policy, poll: poll,
            fdmon: try map.choice("fdmon", default: FdMonitorKind.ioUring),
            idleHandlerRemoval: try map.value("idle-handler-removal", default: true, Units.boolean),
            dispatch: try map.choice("dispatch", default: DispatchKind.readyList),
            aioMaxBatch: Int(try qemuInteger(map, "aio-max-batch", default: 0)))
        return Located(config: config, node: node)
    }

    private func parseDisk(_ node: ScenarioNode, context: String, ids: inout IdRegistry) throws -> Located<DiskConfig> {
        let map = try MapReader(node, section: ScenarioSchema.disk, context: context)
        let id = try ids.register("disk", "id", in: map)
        let deviceNode = try map.required("device")
        let device = try MapReader.name(deviceNode, key: "device")
        let iothread = try map["iothread"].map { try MapReader.name($0, key: "iothread") }
        let mappingNode = map["iothread-vq-mapping"]
        let mapping = try mappingNode.map { node in
            try MapReader.list(node, key: "iothread-vq-mapping", example: "[iothread0, iothread1]").map {
                try MapReader.name($0, key: "iothread-vq-mapping")
            }
        } ?? []
        if let mappingNode {
            if mapping.isEmpty {
                throw ScenarioError(at: mappingNode.location, "iothread-vq-mapping must list at least one IOThread")
            }
            if let single = map["iothread"] {
                throw ScenarioError(at: single.location, "iothread and iothread-vq-mapping exclude each other in \(context) (QEMU rejects both)")
            }
        }
        let architecture = try map.choice("architecture", default: DiskArchitecture.virtio)
        if architecture == .virtio, iothread == nil, mapping.isEmpty {
            throw ScenarioError(at: node.location,
                                "missing required key 'iothread' in \(context) (a virtio disk runs in an IOThread; only architecture vhost-blk has none)")
        }
        if architecture != .vhostBlk, let workers = map["vhost-workers"] {
            throw ScenarioError(at: workers.location, "vhost-workers applies only to disks with architecture vhost-blk")
        }
        let config = DiskConfig(
            id: id, device: device, iothread: iothread, iothreadVQMapping: mapping,
            numQueues: try map.integer("num-queues", default: 1, in: 1...Int.max),
            aio: try map.choice("aio", default: AioBackend.native),
            submit: try map.choice("submit", default: SubmitMode.aio),
            count: try map.integer("count", default: 1, in: 1...Self.maxCount),
            architecture: architecture,
            vhostWorkers: try map.integer("vhost-workers", default: 1, in: 1...Int.max))
        var references = ["device": deviceNode]
        references["iothread"] = map["iothread"]
        references["iothread-vq-mapping"] = mappingNode
        return Located(config: config, node: node, references: references)
    }

    private func parseJob(_ node: ScenarioNode, context: String, ids: inout IdRegistry) throws -> Located<JobConfig> {
        let map = try MapReader(node, section: ScenarioSchema.job, context: context)
        let name = try ids.register("job", "name", in: map)
        let diskNode = try map.required("disk")
        let disk = try MapReader.name(diskNode, key: "disk")
        var references = ["disk": diskNode]
        var trace: TraceJobConfig?
        if let traceNode = map["trace"] {
            let parsed = try parseTrace(traceNode, context: "\(context).trace", job: map)
            trace = parsed.config
            references.merge(parsed.references) { first, _ in first }
        }
        let rw = try map.choice("rw", default: ReadWrite.randread)
        if let mix = map["rwmixread"], ![.randrw, .readwrite, .rw].contains(rw) {
            throw ScenarioError(at: mix.location, "rwmixread applies only to mixed workloads (rw: randrw, readwrite or rw), not rw: \(rw.rawValue)")
        }
        let bs = try map.value("bs", default: 4096, Units.size)
        if bs <= 0, let node = map["bs"] {
            throw ScenarioError(at: node.location, "bs must be > 0")
        }
        let rate = try map.optional("rate_iops", Units.rate)
        if rate == nil, let process = map["rate_process"] {
            throw ScenarioError(at: process.location, "rate_process applies only with rate_iops (an open-loop job)")
        }
        let config = JobConfig(
            name: name, disk: disk, rw: rw,
            rwmixread: try map.integer("rwmixread", default: 50, in: 0...100),
            bs: Int(bs),
            iodepth: try map.integer("iodepth", default: 1, in: 1...Int.max),
            numjobs: try map.integer("numjobs", default: 1, in: 1...Int.max),
            thinktime: try map.value("thinktime", default: 0) { text throws(Units.Failure) in
                try Units.duration(text, bareIsNanoseconds: false)
            },
            rateIOPS: rate,
            rateProcess: try map.choice("rate_process", default: RateProcess.linear),
            trace: trace)
        return Located(config: config, node: node, references: references)
    }

    /// `trace:` of a job, and the keys of the job it excludes. The disk-map's targets are returned as references
    /// (`disk-map:<trace disk>`), checked with the other references.
    private func parseTrace(_ node: ScenarioNode, context: String, job: MapReader) throws
        -> (config: TraceJobConfig, references: [String: ScenarioNode]) {
        // The trace supplies what these keys would: reject them rather than ignore them.
        let excluded = [("rw", "the trace gives each request's operation"),
                        ("rwmixread", "the trace gives each request's operation"),
                        ("bs", "the trace gives each request's length"),
                        ("rate_iops", "requests arrive at the trace's times (mode: open) or as completions allow (mode: closed)"),
                        ("rate_process", "requests arrive at the trace's times (mode: open) or as completions allow (mode: closed)")]
        for (key, reason) in excluded {
            if let conflict = job[key] {
                throw ScenarioError(at: conflict.location, "\(key) does not apply to a job with a trace: \(reason)")
            }
        }
        let map = try MapReader(node, section: ScenarioSchema.jobTrace, context: context)
        let fileNode = try map.required("file")
        let file = try MapReader.name(fileNode, key: "file")
        let path = ProfileLoader.resolve(file, relativeTo: baseDirectory)
        if let problem = TraceJobConfig.problem(with: path) {
            let resolved = path == file ? "" : " (\(path))"
            throw ScenarioError(at: fileNode.location, "trace '\(ScenarioNode.clip(file))'\(resolved) cannot be replayed: \(problem)")
        }
        let mode = try map.choice("mode", default: TraceMode.open)
        if mode == .open {
            for key in ["iodepth", "thinktime"] {
                if let conflict = job[key] {
                    throw ScenarioError(at: conflict.location, "\(key) applies only to closed-loop trace jobs (trace mode: closed); in mode open every request is issued at its recorded time")
                }
            }
        } else if let scale = map["time-scale"] {
            throw ScenarioError(at: scale.location, "time-scale applies only to trace mode: open (mode closed does not use the recorded times)")
        }
        let timeScale = try map.value("time-scale", default: 1.0) { text throws(Units.Failure) in
            let value = try Units.number(text)
            guard value > 0, value.isFinite else {
                throw Units.Failure(message: "time-scale must be a number > 0, got '\(ScenarioNode.clip(text))'")
            }
            return value
        }
        var diskMap: [String: String] = [:]
        var references: [String: ScenarioNode] = [:]
        if let mapNode = map["disk-map"] {
            guard let entries = mapNode.entries else {
                throw ScenarioError(at: mapNode.location, "expected a map of trace disk -> disk id for 'disk-map' (e.g. {0: vda}), got \(mapNode.shown)")
            }
            guard !entries.isEmpty else {
                throw ScenarioError(at: mapNode.location, "'disk-map' needs at least one entry; leave it out to send every request to the job's disk")
            }
            for entry in entries {
                if entry.value.isNull {
                    throw ScenarioError(at: entry.keyLocation, "trace disk '\(ScenarioNode.clip(entry.key))' in disk-map has no disk")
                }
                diskMap[entry.key] = try MapReader.name(entry.value, key: "disk-map.\(entry.key)")
                references["disk-map:\(entry.key)"] = entry.value
            }
        }
        return (TraceJobConfig(path: path, mode: mode, timeScale: timeScale, diskMap: diskMap), references)
    }

    // MARK: References

    private func checkReferences(devices: [Located<DeviceConfig>], iothreads: [Located<IOThreadConfig>],
                                 disks: [Located<DiskConfig>], jobs: [Located<JobConfig>]) throws {
        let deviceIds = devices.map(\.config.id)
        let iothreadIds = iothreads.map(\.config.id)
        func missing(_ what: String, _ name: String, _ known: [String], at node: ScenarioNode, in context: String) -> ScenarioError {
            let list = known.isEmpty ? "none are defined" : "defined: \(known.prefix(10).joined(separator: ", "))\(known.count > 10 ? ", ..." : "")"
            return ScenarioError(at: node.location, "\(context) names \(what) '\(ScenarioNode.clip(name))', which does not exist (\(list))"
                                 + Suggestion.clause(for: name, among: known))
        }
        for (index, disk) in disks.enumerated() {
            if !deviceIds.contains(disk.config.device), let node = disk.references["device"] {
                throw missing("device", disk.config.device, deviceIds, at: node, in: "disks[\(index)]")
            }
            if let iothread = disk.config.iothread, !iothreadIds.contains(iothread), let node = disk.references["iothread"] {
                throw missing("iothread", iothread, iothreadIds, at: node, in: "disks[\(index)]")
            }
            for (position, iothread) in disk.config.iothreadVQMapping.enumerated() where !iothreadIds.contains(iothread) {
                let node = disk.references["iothread-vq-mapping"]?.elements?[position] ?? disk.node
                throw missing("iothread", iothread, iothreadIds, at: node, in: "disks[\(index)].iothread-vq-mapping")
            }
        }

        // Disk names as jobs see them: plain ids, and idN for the copies of a disk with count > 1. They must not
        // collide. Checked arithmetically rather than by listing every copy (count may be large). Comparing each id
        // with the copies of the others suffices: if copies of two disks collided (a + N == b + M, with b = a + r),
        // then b itself would be copy r of a, since r < N < count(a).
        for disk in disks {
            for other in disks where other.config.count > 1 && other.config.id != disk.config.id {
                if let copy = Self.copyIndex(of: disk.config.id, in: other.config) {
                    throw ScenarioError(at: disk.node["id"]?.location ?? disk.node.location,
                                        "disk id '\(ScenarioNode.clip(disk.config.id))' is also the name of copy \(copy) of disk '\(ScenarioNode.clip(other.config.id))'")
                }
            }
        }
        // A disk as a job names it: its own `disk`, and the targets of a trace's disk-map.
        func checkJobDisk(_ name: String, at node: ScenarioNode, in context: String) throws {
            if disks.contains(where: { $0.config.id == name || Self.copyIndex(of: name, in: $0.config) != nil }) { return }
            // vda9 with count 8: say so rather than just "does not exist".
            if let parent = disks.first(where: { disk in
                disk.config.count > 1 && name.hasPrefix(disk.config.id)
                    && Self.canonicalNumber(name.dropFirst(disk.config.id.count)) != nil
            }) {
                let count = parent.config.count
                throw ScenarioError(at: node.location,
                                    "\(context) names disk '\(ScenarioNode.clip(name))', but disk '\(parent.config.id)' has count \(count) (copies \(parent.config.id)0 ... \(parent.config.id)\(count - 1))")
            }
            throw missing("disk", name, disks.map(\.config.id), at: node, in: context)
        }
        for (index, job) in jobs.enumerated() {
            try checkJobDisk(job.config.disk, at: job.references["disk"] ?? job.node, in: "jobs[\(index)]")
            // The disk-map's targets, in file order.
            let targets = (job.config.trace?.diskMap ?? [:]).map { traceDisk, target in
                (target, job.references["disk-map:\(traceDisk)"] ?? job.node)
            }.sorted { a, b in
                (a.1.location.line ?? 0, a.1.location.column ?? 0) < (b.1.location.line ?? 0, b.1.location.column ?? 0)
            }
            for (target, node) in targets {
                try checkJobDisk(target, at: node, in: "jobs[\(index)].trace.disk-map")
            }
        }
    }

    /// N when `name` is copy N of `disk` (`vda7` of a disk `vda` with count > 7), nil otherwise.
    static func copyIndex(of name: String, in disk: DiskConfig) -> Int? {
        guard disk.count > 1, name.hasPrefix(disk.id),
              let copy = canonicalNumber(name.dropFirst(disk.id.count)), copy < disk.count else { return nil }
        return copy
    }

    /// A decimal number written the way copies are named: digits, no sign, no leading zero (except `0` itself).
    static func canonicalNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text == "0" || text.first != "0" else {
            return nil
        }
        return Int(text)
    }
}
