import PollingPolicy

/// Drives a policy through whole aio_poll iterations the way the simulator does, so the tests read as QEMU traces.
extension PollPolicy {
    /// One iteration: the listed handlers were dispatched (each with its `onPollList`), then the iteration ended.
    mutating func iterate(blockNs: Int64, fired: [HandlerID] = [], pollList: [HandlerID], offList: Set<HandlerID> = []) {
        for id in fired {
            handlerDispatched(id, onPollList: !offList.contains(id) && pollList.contains(id), blockNs: blockNs)
        }
        iterationFinished(blockNs: blockNs, pollList: pollList)
    }

    /// Iterations with no handler fired, one per block time, returning ctx poll_ns after each.
    mutating func contextPollNs(afterBlocks blocks: [Int64], pollList: [HandlerID] = []) -> [Int64] {
        blocks.map { block in
            iterate(blockNs: block, pollList: pollList)
            return contextPollNs
        }
    }
}

extension PollParameters {
    static func with(maxNs: Int64 = 32768, grow: Int64 = 0, shrink: Int64 = 0, weight: Int64 = 0) -> PollParameters {
        PollParameters(maxNs: maxNs, grow: grow, shrink: shrink, weight: weight)
    }
}
