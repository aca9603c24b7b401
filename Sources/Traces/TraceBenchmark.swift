import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `pollsim trace bench`: import speed and peak memory on a generated trace. The input (MSR Cambridge CSV, the
/// format with the most fields to convert) is generated first, not timed; then it is imported into a native trace
/// (timed), and the native trace is read back (timed). Memory is the process's peak resident set size
/// (`getrusage` ru_maxrss), which stays flat as the trace grows when everything streams.
public enum TraceBenchmark {
    public struct Report: Codable, Sendable {
        public var records: Int
        public var input_format: String
        public var input_bytes: Int64
        public var output_bytes: Int64
        public var generate_s: Double
        /// Best wall time of `repetitions` imports, and the CPU time (user + system) of that import.
        public var import_s: Double
        public var import_records_per_s: Double
        public var import_cpu_s: Double
        public var import_records_per_cpu_s: Double
        public var repetitions: Int
        public var read_s: Double
        public var read_records_per_s: Double
        /// Peak RSS of the process after generating the input (before importing), and at the end, in KiB.
        public var max_rss_kib_before_import: Int
        public var max_rss_kib: Int
        public var optimized_build: Bool

        public func table() -> String {
            func rate(_ value: Double) -> String { String(format: "%.2f M records/s", value / 1e6) }
            return """
                records:              \(records) (\(input_format) input, \(input_bytes) bytes; native output \(output_bytes) bytes)
                generate (untimed):   \(String(format: "%.2f", generate_s)) s
                import \(input_format) -> native: \(String(format: "%.2f", import_s)) s wall  \(rate(import_records_per_s)) (best of \(repetitions)); \(String(format: "%.2f", import_cpu_s)) s CPU  \(rate(import_records_per_cpu_s))
                read native:          \(String(format: "%.2f", read_s)) s  \(rate(read_records_per_s))
                peak RSS:             \(max_rss_kib) KiB (\(max_rss_kib_before_import) KiB before the import)
                """ + (optimized_build ? "" : "\nwarning: debug build; the timings are meaningless")
        }
    }

    public static var isOptimizedBuild: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    /// Generates `records` MSR Cambridge lines, imports them, reads the result back. Files go to `directory`
    /// (removed afterwards unless `keepFiles`).
    public static func run(records: Int, directory: String, keepFiles: Bool = false, repetitions: Int = 3) throws -> Report {
        let input = directory + "/bench-\(getpid()).msr.csv"
        let output = directory + "/bench-\(getpid()).trace.csv"
        defer {
            if !keepFiles {
                unlink(input)
                unlink(output)
            }
        }
        var start = monotonic()
        try generateMSR(records: records, path: input)
        let generate = monotonic() - start
        let rssBefore = maxRSS()

        var importSeconds = Double.infinity
        var importCPU = 0.0
        var summary = ImportSummary()
        for _ in 0..<max(1, repetitions) {
            let cpuStart = cpuSeconds()
            start = monotonic()
            summary = try TraceImporter.importTrace(format: .msr, from: input, to: output)
            let wall = monotonic() - start
            if wall < importSeconds {
                importSeconds = wall
                importCPU = cpuSeconds() - cpuStart
            }
        }
        guard summary.records == records else {
            throw TraceError(file: input, line: nil, message: "imported \(summary.records) records, generated \(records)")
        }

        start = monotonic()
        let reader = try TraceReader(path: output)
        var count = 0
        var bytes: Int64 = 0
        while let record = try reader.next() {
            count += 1
            bytes &+= Int64(record.length)
        }
        let readSeconds = monotonic() - start
        guard count == records, bytes == summary.readBytes + summary.writeBytes else {
            throw TraceError(file: output, line: nil, message: "read back \(count) records, wrote \(records)")
        }
        return Report(records: records, input_format: TraceFormat.msr.rawValue, input_bytes: fileSize(input),
                      output_bytes: fileSize(output), generate_s: generate, import_s: importSeconds,
                      import_records_per_s: Double(records) / importSeconds, import_cpu_s: importCPU,
                      import_records_per_cpu_s: Double(records) / importCPU, repetitions: max(1, repetitions), read_s: readSeconds,
                      read_records_per_s: Double(records) / readSeconds, max_rss_kib_before_import: rssBefore,
                      max_rss_kib: maxRSS(), optimized_build: isOptimizedBuild)
    }

    /// Writes `records` plausible MSR Cambridge lines (deterministic): two disks of host `hm`, 70 % reads,
    /// 4-64 KiB requests, 0-200 us apart.
    public static func generateMSR(records: Int, path: String, seed: UInt64 = 1) throws {
        let file = try OutputFile(path: path)
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {  // xorshift64*
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
        var stamp: UInt64 = 128_166_372_003_061_629
        let sizes: [UInt64] = [4096, 4096, 8192, 16384, 65536]
        for _ in 0..<records {
            let r = next()
            stamp += r % 2001
            try file.reserve(160)
            file.append(number: stamp)
            file.append(",hm,")
            file.append(number: (r >> 11) & 1)
            file.append((r >> 12) % 10 < 7 ? ",Read," : ",Write,")
            file.append(number: ((r >> 16) % 25_000_000) * 4096)
            file.append(0x2C)
            file.append(number: sizes[Int((r >> 44) % 5)])
            file.append(0x2C)
            file.append(number: 100 + (r >> 48) % 5000)
            file.append(0x0A)
        }
        try file.commit()
    }

    static func maxRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss)
    }

    /// User + system CPU time of the process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : -1
    }
}
