import PollModel

/// `validate --replays N`: the scenario replayed N times, the simulation compared with the median replay, and where
/// the simulated value stands among all N.
///
/// Why: on this kind of VM the real loop moves from one replay to the next by more than the validation targets
/// (docs/validation.md, finding 23: ten back-to-back replays of classic spread over 12-31 % in IOPS), so one
/// replay's error mixes the model's with the machine's. The median replay (by IOPS: a real run, whose metrics belong
/// together) is the steadier reference, and the count of replays each targeted metric is within target of says how
/// much of the error the machine's spread explains.
public struct ReplaySpread: Codable, Sendable, Equatable {
    /// A targeted metric over the replays.
    public struct Metric: Codable, Sendable, Equatable {
        public var metric: String
        public var min: Double
        public var median: Double
        public var max: Double
        /// In how many replays the simulated value is within the metric's target of the measured one.
        public var withinTarget: Int

        enum CodingKeys: String, CodingKey { case metric, min, median, max, withinTarget = "within_target" }
    }

    public var replays: Int
    /// The replay the report compares with, 1-based in the order they ran.
    public var compared: Int
    public var metrics: [Metric]

    /// The replay a report compares with: the median by IOPS (the lower middle one of an even count). Index into
    /// `results`.
    static func medianIndex(_ results: [RunResult]) -> Int {
        let order = results.indices.sorted { results[$0].iops < results[$1].iops }
        return order[(order.count - 1) / 2]
    }

    /// The metrics with a target over `comparisons`, the simulation compared with each replay in turn
    /// (`Validation.compare`'s rows); `compared` indexes the one the report shows.
    init(comparisons: [[ValidationMetric]], compared: Int) {
        replays = comparisons.count
        self.compared = compared + 1
        metrics = (comparisons.first ?? []).compactMap { row -> Metric? in
            guard row.target != nil else { return nil }
            let rows = comparisons.compactMap { replay in replay.first { $0.metric == row.metric } }
            let values = rows.map(\.measured).sorted()
            return Metric(metric: row.metric, min: values[0], median: values[(values.count - 1) / 2],
                          max: values[values.count - 1], withinTarget: rows.filter { $0.withinTarget == true }.count)
        }
    }
}
