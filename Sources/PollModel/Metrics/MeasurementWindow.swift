import SimKernel

/// The measured part of a run, [start, end): ramp_time is excluded from every metric.
struct MeasurementWindow {
    let start: SimTime
    let end: SimTime

    var length: SimTime { end - start }

    func contains(_ time: SimTime) -> Bool { time >= start && time < end }

    /// The part of [from, to) inside the window.
    func overlap(_ from: SimTime, _ to: SimTime) -> SimTime {
        max(0, min(to, end) - max(from, start))
    }
}

/// Where an IOThread's time goes. Every instant of the thread's timeline is charged to exactly one state, so the
/// four totals sum to the window length; segments are clipped to the window as they are charged.
struct ThreadAccounting {
    enum State { case poll, dispatch, syscall, blocked }

    private(set) var time = ThreadTime()
    /// On-CPU time since the run began, window or not: what the real loop's CLOCK_THREAD_CPUTIME_ID reads, for the
    /// iteration records' `cpu_ns`.
    private(set) var onCPUTotal: SimTime = 0

    mutating func charge(_ state: State, from: SimTime, to: SimTime, window: MeasurementWindow) {
        if state != .blocked { onCPUTotal += max(0, to - from) }
        let span = window.overlap(from, to)
        guard span > 0 else { return }
        switch state {
        case .poll: time.poll += span
        case .dispatch: time.dispatch += span
        case .syscall: time.syscall += span
        case .blocked: time.blocked += span
        }
    }
}
