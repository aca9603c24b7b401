import Foundation
import PollModel

/// The aggregated table of a sweep: per point, the mean and 95 % confidence interval over its replications of IOPS,
/// the median and 99th-percentile latency, and the IOThreads' CPU.
public enum SweepSummary {
    public struct Point: Sendable {
        public var point: Int
        public var columns: [(String, String)]
        public var iops: Statistics.Interval
        /// Nanoseconds.
        public var p50: Statistics.Interval
        public var p99: Statistics.Interval
        /// IOThread CPU in percent of one core, summed over the IOThreads (the CSV's `cpu_cores` × 100).
        public var cpu: Statistics.Interval
    }

    /// One entry per point that has at least one row in `results`, in point order.
    public static func points(_ plan: SweepPlan, _ results: [RowID: RunResult]) -> [Point] {
        var byPoint: [Int: [RunResult]] = [:]
        for row in results.keys.sorted() { byPoint[row.point, default: []].append(results[row]!) }
        return byPoint.keys.sorted().map { point in
            let rows = byPoint[point]!
            return Point(point: point, columns: plan.grid.columns(of: point),
                         iops: Statistics.confidenceInterval(rows.map(\.iops)),
                         p50: Statistics.confidenceInterval(rows.map { Double($0.latency_ns.p50) }),
                         p99: Statistics.confidenceInterval(rows.map { Double($0.latency_ns.p99) }),
                         cpu: Statistics.confidenceInterval(rows.map(cpuPercent)))
        }
    }

    /// The IOThreads' CPU of a run in percent of one core.
    public static func cpuPercent(_ result: RunResult) -> Double {
        result.iothreads.reduce(0) { $0 + $1.cpu_util } * 100
    }

    /// What `pollsim sweep --dry-run` prints: the size of the sweep and its points.
    public static func dryRun(_ plan: SweepPlan) -> String {
        let points = plan.configurations.count
        var text = "\(points) point\(points == 1 ? "" : "s") x \(plan.replications) replication\(plan.replications == 1 ? "" : "s") = \(plan.totalRows) rows"
        if let shard = plan.shard { text += "; shard \(shard) runs \(plan.rows.count) of them" }
        text += "; base seed \(plan.baseSeed)\n"
        let header = ["point"] + plan.grid.axes.map(\.name)
        let rows = (0..<points).map { [String($0)] + plan.grid.columns(of: $0).map(\.1) }
        return text + TextColumns.render(header: header, rows: rows, leftAligned: header.count)
    }

    /// The table printed after a sweep.
    public static func table(_ plan: SweepPlan, _ results: [RowID: RunResult]) -> String {
        let points = points(plan, results)
        let replications = Set(results.keys.map(\.replication)).count
        var heading = "\(results.count) rows: \(points.count) point\(points.count == 1 ? "" : "s") x \(plan.replications) replication\(plan.replications == 1 ? "" : "s")"
        if let shard = plan.shard { heading += " (shard \(shard) of the sweep's \(plan.totalRows) rows)" }
        heading += ", base seed \(plan.baseSeed)\n"
        if replications >= 2 {
            heading += "mean ± half-width of the 95 % confidence interval (Student t, replications − 1 degrees of freedom)\n"
        } else {
            heading += "one replication per point: no confidence intervals (use --replications 3 or more)\n"
        }
        var header = plan.grid.axes.map(\.name)
        if header.isEmpty { header = ["point"] }
        header += ["IOPS", "p50 (us)", "p99 (us)", "IOThread CPU (%)"]
        let metrics: [[String]] = [
            NumberText.intervals(points.map(\.iops), decimals: 0),
            NumberText.intervals(points.map(\.p50), decimals: 2, scale: 1e-3),
            NumberText.intervals(points.map(\.p99), decimals: 2, scale: 1e-3),
            NumberText.intervals(points.map(\.cpu), decimals: 1),
        ]
        var rows: [[String]] = []
        for (index, point) in points.enumerated() {
            var cells = point.columns.map(\.1)
            if cells.isEmpty { cells = [String(point.point)] }
            cells += metrics.map { $0[index] }
            rows.append(cells)
        }
        return heading + TextColumns.render(header: header, rows: rows, leftAligned: max(1, plan.grid.axes.count))
    }
}

/// Number formatting for the sweep's tables, CSV and JSON: no locale, no clock, stable.
enum NumberText {
    /// Fixed decimals; `n/a` for non-finite values.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }  // no "-0.0"
        return text
    }

    /// `163417 ± 1203`, or the mean alone when there is no interval.
    static func interval(_ interval: Statistics.Interval, decimals: Int, scale: Double = 1) -> String {
        let mean = fixed(interval.mean * scale, decimals: decimals)
        guard interval.halfWidth.isFinite else { return mean }
        return "\(mean) ± \(fixed(interval.halfWidth * scale, decimals: decimals))"
    }

    /// A column of intervals with the means and the half-widths each aligned on their right: `52000 ±  1490`.
    static func intervals(_ values: [Statistics.Interval], decimals: Int, scale: Double = 1) -> [String] {
        let means = values.map { fixed($0.mean * scale, decimals: decimals) }
        let halves = values.map { $0.halfWidth.isFinite ? fixed($0.halfWidth * scale, decimals: decimals) : "" }
        let meanWidth = means.map(\.count).max() ?? 0
        let halfWidth = halves.map(\.count).max() ?? 0
        return zip(means, halves).map { mean, half in
            let left = String(repeating: " ", count: meanWidth - mean.count) + mean
            guard halfWidth > 0 else { return left }
            let right = half.isEmpty ? String(repeating: " ", count: halfWidth + 2)
                : "± " + String(repeating: " ", count: halfWidth - half.count) + half
            return left + " " + right
        }
    }

    /// The shortest text that reads back as `value` (integers without `.0`); empty for non-finite values.
    static func shortest(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// `5`, `2.5`: a threshold as the user wrote it.
    static func plain(_ value: Double) -> String { shortest(value) }
}

/// Aligned text columns separated by two spaces; the first `leftAligned` columns are left-aligned, the others right.
enum TextColumns {
    static func render(header: [String], rows: [[String]], leftAligned: Int) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                parts.append(index < leftAligned ? cell + pad : pad + cell)
            }
            var text = parts.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
