import Foundation
import PollModel
import Reporting

/// `pollsim compare`: the baseline-vs-candidate table of the seed threads (seed 003), from two plans over the same
/// grid, replications and seeds. Replication k of a point runs with the same seed for the baseline and the candidate
/// (common random numbers), so the per-replication differences are paired and their spread, not the spread of each
/// side, sets the width of the confidence interval.
public struct Comparison: Sendable {
    public struct Row: Sendable {
        public var point: Int
        public var columns: [(String, String)]
        public var baselineIOPS: Statistics.Interval
        public var candidateIOPS: Statistics.Interval
        /// 100 × (mean candidate − mean baseline) / mean baseline.
        public var diffPercent: Double
        /// The 95 % confidence half-width of `diffPercent`: Student t over the paired differences
        /// candidate_k − baseline_k (R − 1 dof), over the mean baseline IOPS, × 100. NaN with one replication.
        public var diffHalfWidthPercent: Double
        /// IOThread CPU, percent of one core, summed over the IOThreads.
        public var baselineCPU: Statistics.Interval
        public var candidateCPU: Statistics.Interval
        /// The IOPS fall by more than the threshold: `diffPercent < −threshold`.
        public var regression: Bool
    }

    public var rows: [Row]
    public var axisNames: [String]
    /// Percent.
    public var threshold: Double
    public var replications: Int
    public var baseSeed: UInt64

    public var regressions: Int { rows.filter(\.regression).count }

    /// Pairs the results of the two plans (same grid and replications) row by row.
    public init(baseline: SweepPlan, candidate: SweepPlan, baselineResults: [RowID: RunResult],
                candidateResults: [RowID: RunResult], threshold: Double) {
        axisNames = baseline.grid.axes.map(\.name)
        self.threshold = threshold
        replications = baseline.replications
        baseSeed = baseline.baseSeed
        var rows: [Row] = []
        for point in 0..<baseline.configurations.count {
            var base: [RunResult] = [], cand: [RunResult] = []
            for replication in 0..<baseline.replications {
                let row = RowID(point: point, replication: replication)
                guard let b = baselineResults[row], let c = candidateResults[row] else { continue }
                base.append(b)
                cand.append(c)
            }
            guard !base.isEmpty else { continue }
            let baselineIOPS = Statistics.confidenceInterval(base.map(\.iops))
            let candidateIOPS = Statistics.confidenceInterval(cand.map(\.iops))
            let differences = Statistics.confidenceInterval(zip(cand, base).map { $0.iops - $1.iops })
            let diff = 100 * differences.mean / baselineIOPS.mean
            rows.append(Row(point: point, columns: baseline.grid.columns(of: point), baselineIOPS: baselineIOPS,
                            candidateIOPS: candidateIOPS, diffPercent: diff,
                            diffHalfWidthPercent: 100 * differences.halfWidth / baselineIOPS.mean,
                            baselineCPU: Statistics.confidenceInterval(base.map(SweepSummary.cpuPercent)),
                            candidateCPU: Statistics.confidenceInterval(cand.map(SweepSummary.cpuPercent)),
                            regression: diff < -threshold))
        }
        self.rows = rows
    }

    /// `3 of 32 rows regress by more than 5 %`.
    public var summaryLine: String {
        "\(regressions) of \(rows.count) rows regress by more than \(NumberText.plain(threshold)) %"
    }

    // MARK: Output

    public func table() -> String {
        var header = axisNames.isEmpty ? ["point"] : axisNames
        header += ["baseline IOPS", "candidate IOPS", "diff %", "95 % CI", "CPU before %", "CPU after %", ""]
        let body = rows.map { row -> [String] in
            var cells = row.columns.map(\.1)
            if cells.isEmpty { cells = [String(row.point)] }
            cells += [NumberText.fixed(row.baselineIOPS.mean, decimals: 0),
                      NumberText.fixed(row.candidateIOPS.mean, decimals: 0),
                      signed(row.diffPercent),
                      row.diffHalfWidthPercent.isFinite ? "±" + NumberText.fixed(row.diffHalfWidthPercent, decimals: 2) : "n/a",
                      NumberText.fixed(row.baselineCPU.mean, decimals: 1),
                      NumberText.fixed(row.candidateCPU.mean, decimals: 1),
                      row.regression ? "REGRESSION" : ""]
            return cells
        }
        let note = replications >= 2
            ? "diff %: candidate vs baseline mean IOPS; 95 % CI from the \(replications) paired replications (common random numbers, Student t, \(replications - 1) dof)\n"
            : "diff %: candidate vs baseline IOPS; one replication, so no confidence interval (use --replications 3)\n"
        return note + TextColumns.render(header: header, rows: body, leftAligned: max(1, axisNames.count)) + summaryLine + "\n"
    }

    private func signed(_ value: Double) -> String {
        let text = NumberText.fixed(value, decimals: 2)
        return value > 0 && text != "0.00" ? "+" + text : text
    }

    static let valueColumns = ["point", "replications", "baseline_iops", "baseline_iops_ci", "candidate_iops",
                               "candidate_iops_ci", "diff_pct", "diff_pct_ci", "baseline_cpu_pct", "candidate_cpu_pct",
                               "regression"]

    private func values(_ row: Row) -> [String] {
        [String(row.point), String(row.baselineIOPS.count),
         NumberText.shortest(row.baselineIOPS.mean), NumberText.shortest(row.baselineIOPS.halfWidth),
         NumberText.shortest(row.candidateIOPS.mean), NumberText.shortest(row.candidateIOPS.halfWidth),
         NumberText.shortest(row.diffPercent), NumberText.shortest(row.diffHalfWidthPercent),
         NumberText.shortest(row.baselineCPU.mean), NumberText.shortest(row.candidateCPU.mean),
         row.regression ? "true" : "false"]
    }

    /// One row per point: the axes, then `valueColumns` (`*_ci` are 95 % half-widths; empty when not finite).
    public func csv() -> String {
        var lines = [ResultFormatter.csvRecord(axisNames + Comparison.valueColumns)]
        for row in rows { lines.append(ResultFormatter.csvRecord(row.columns.map(\.1) + values(row))) }
        return lines.joined()
    }

    /// `{"threshold_pct":5,"replications":3,"base_seed":1,"regressions":3,"rows":[{"point":0,"axes":{...},...}]}`,
    /// keys sorted, non-finite numbers as null.
    public func json() -> String {
        let document = JSONDocument(
            base_seed: baseSeed, regressions: regressions, replications: replications,
            rows: rows.map { row in
                JSONDocument.Row(
                    axes: Dictionary(row.columns, uniquingKeysWith: { first, _ in first }),
                    baseline_cpu_pct: .init(row.baselineCPU.mean), baseline_iops: .init(row.baselineIOPS.mean),
                    baseline_iops_ci: .init(row.baselineIOPS.halfWidth), candidate_cpu_pct: .init(row.candidateCPU.mean),
                    candidate_iops: .init(row.candidateIOPS.mean), candidate_iops_ci: .init(row.candidateIOPS.halfWidth),
                    diff_pct: .init(row.diffPercent), diff_pct_ci: .init(row.diffHalfWidthPercent), point: row.point,
                    regression: row.regression)
            },
            rows_total: rows.count, summary: summaryLine, threshold_pct: .init(threshold))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain number, string, bool or dictionary of strings: encoding cannot fail.
        return String(decoding: try! encoder.encode(document), as: UTF8.self) + "\n"
    }


    /// The shape of `json()`; field names are the JSON keys.
    private struct JSONDocument: Encodable {
        struct Row: Encodable {
            var axes: [String: String]
            var baseline_cpu_pct, baseline_iops, baseline_iops_ci: FiniteOrNull
            var candidate_cpu_pct, candidate_iops, candidate_iops_ci: FiniteOrNull
            var diff_pct, diff_pct_ci: FiniteOrNull
            var point: Int
            var regression: Bool
        }

        var base_seed: UInt64
        var regressions: Int
        var replications: Int
        var rows: [Row]
        var rows_total: Int
        var summary: String
        var threshold_pct: FiniteOrNull
    }

    /// A number that is written as null when it is not finite (JSON has no NaN or infinity).
    private struct FiniteOrNull: Encodable {
        let value: Double
        init(_ value: Double) { self.value = value }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
        }
    }
}

extension Comparison {
    /// Runs both plans' rows, interleaved (baseline and candidate of a row one after the other) on `threads` threads.
    /// The plans must share the grid's size, the replications and the base seed.
    public static func run(baseline: SweepPlan, candidate: SweepPlan, threads: Int, threshold: Double,
                           shouldStop: @escaping @Sendable () -> Bool = { false },
                           onProgress: ((ParallelRunner.Progress) -> Void)? = nil) throws -> Comparison? {
        precondition(baseline.rows == candidate.rows && baseline.baseSeed == candidate.baseSeed)
        var tasks: [ParallelRunner.Task] = []
        for (index, row) in baseline.rows.enumerated() {
            tasks.append(.init(id: 2 * index, configuration: baseline.configuration(for: row)))
            tasks.append(.init(id: 2 * index + 1, configuration: candidate.configuration(for: row)))
        }
        var base: [RowID: RunResult] = [:], cand: [RowID: RunResult] = [:]
        let complete: Bool
        do {
            complete = try ParallelRunner.run(tasks, threads: threads, shouldStop: shouldStop, onResult: { id, result in
                let row = baseline.rows[id / 2]
                if id % 2 == 0 { base[row] = result } else { cand[row] = result }
            }, onProgress: onProgress)
        } catch let failure as ParallelRunner.TaskFailure {
            let row = baseline.rows[failure.id / 2]
            let side = failure.id % 2 == 0 ? "baseline" : "candidate"
            throw SweepError("\(side), sweep point \(row.point) (\(baseline.grid.describe(row.point))), replication \(row.replication): \(failure.error)")
        }
        guard complete else { return nil }
        return Comparison(baseline: baseline, candidate: candidate, baselineResults: base, candidateResults: cand,
                          threshold: threshold)
    }
}
