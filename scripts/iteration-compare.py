#!/usr/bin/env python3
"""Compare aio_poll iteration records of two runs, side by side (simulation vs measurement).

Usage: scripts/iteration-compare.py [--skip-ns N] LABEL=FILE LABEL=FILE ...
Each FILE is written by `pollsim run --decisions FILE` or `pollsim replay --decisions FILE` (IterationRecord's
columns). The adaptive polling policies see nothing but these observations (block_ns, which handlers fired, which
polls found work), so when a simulated policy and the real one end up with different budgets, the split below shows
which kind of iteration the two loops disagree about.

Iterations are classed by what they dispatched and how they found it:
  hit      a poll found work (no blocking)
  blocked  no poll success: the thread waited in the fd monitor (possibly after polling its whole budget)
crossed with the handlers dispatched: vq (the guest's kick/submission), completions, both, nothing.

With the `requests` column (how many requests each dispatched handler popped or completed), the dispatches that did
work are lined up request by request: how each pop and each completion was found (by a poll, by a wait, or with no
budget), the time between them, and what the two iterations after a completion that a wait delivered were. A
dispatch of 0 requests is an fd event whose work polling had done: `v0` a racing kick, `c0` the backend ring fd's.
"""
import collections
import csv
import sys
from statistics import mean


# QEMU's default poll-max-ns, the validation scenarios' (classic's grow/shrink threshold).
POLL_MAX_NS = 32_768


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


def load(path, skip_ns):
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if int(r["start_ns"]) >= skip_ns]
    return rows


def what(row):
    names = row["dispatched"].split()
    vq = any(n != "completions" for n in names)
    cq = "completions" in names
    return {(True, True): "both", (True, False): "vq", (False, True): "completions", (False, False): "nothing"}[(vq, cq)]


def summarise(label, rows):
    n = len(rows)
    if n == 0:
        print(f"{label}: no iterations")
        return
    budgets = [int(r["budget_ns"]) for r in rows]
    bounded = [b for b in budgets if b > 0]   # -1: busy, no bound
    unbounded = sum(1 for b in budgets if b < 0)
    print(f"== {label}: {n} iterations over {(int(rows[-1]['start_ns']) - int(rows[0]['start_ns'])) / 1e6:.1f} ms")
    line = f"   budget: 0 in {100 * budgets.count(0) / n:.1f} % of iterations"
    if bounded:
        line += f"; when > 0: mean {mean(bounded) / 1e3:.1f} us, p50 {percentile(bounded, 50) / 1e3:.1f} us"
    if unbounded:
        line += f"; unbounded (busy) in {100 * unbounded / n:.1f} %"
    print(line)
    if bounded:
        # classic's poll_ns doubles from 4 us: how far the policy grew it (docs/validation.md, finding 21)
        print(f"   budget >= 16 us in {100 * sum(1 for b in bounded if b >= 16_000) / n:.1f} % of iterations")
    # cpu: the thread's CPU from the iteration's start to the next one's (records with a cpu_ns column), mean per
    # iteration of the kind and its share of the thread's CPU (docs/validation.md, finding 23).
    cpu = {}
    if "cpu_ns" in rows[0]:
        for a, b in zip(rows, rows[1:]):
            cpu[id(a)] = int(b["cpu_ns"]) - int(a["cpu_ns"])
    total_cpu = sum(cpu.values())
    print(f"   {'kind':<22} {'share %':>8} {'block_ns p10':>13} {'p50':>8} {'p90':>8} {'mean budget':>12}"
          + (f" {'cpu mean':>9} {'cpu %':>6}" if cpu else ""))
    groups = {}
    for r in rows:
        how = "hit" if r["poll_successes"].strip() else "blocked"
        groups.setdefault(f"{how} / {what(r)}", []).append(r)
    for key in sorted(groups):
        g = groups[key]
        blocks = [int(r["block_ns"]) for r in g]
        b = [int(r["budget_ns"]) for r in g if int(r["budget_ns"]) >= 0]
        line = (f"   {key:<22} {100 * len(g) / n:8.1f} {percentile(blocks, 10) / 1e3:11.1f}us "
                f"{percentile(blocks, 50) / 1e3:6.1f}us {percentile(blocks, 90) / 1e3:6.1f}us "
                f"{(mean(b) / 1e3 if b else 0):10.1f}us")
        spent = [cpu[id(r)] for r in g if id(r) in cpu]
        if spent and total_cpu > 0:
            line += f" {mean(spent) / 1e3:7.2f}us {100 * sum(spent) / total_cpu:6.1f}"
        print(line)
    if cpu:
        span = int(rows[-1]["start_ns"]) - int(rows[0]["start_ns"])
        print(f"   CPU: {total_cpu / 1e6:.1f} ms over {span / 1e6:.1f} ms ({100 * total_cpu / span:.1f} %), "
              f"{total_cpu / max(1, len(cpu)) / 1e3:.2f} us per iteration; by what the iteration dispatched "
              f"(handler:requests, `b` a wait that blocked over 10 us), 1 % of the iterations or more:")
        finer = {}
        for r in rows:
            if id(r) in cpu:
                key = " ".join(f"{h}:{n}" for h, n in handled(r)) + (" b" if int(r["block_ns"]) > 10_000 else "")
                finer.setdefault(key, []).append(cpu[id(r)])
        for key, spent in sorted(finer.items(), key=lambda item: -len(item[1])):
            if len(spent) >= len(cpu) / 100:
                print(f"     {key:<30} {100 * len(spent) / len(cpu):5.1f} % of iterations, cpu mean "
                      f"{mean(spent) / 1e3:6.2f} us, p50 {percentile(spent, 50) / 1e3:6.2f} us")
    # The waits for a completion that blocked (longer than 10 us): the classic policy grows its budget after one
    # shorter than poll-max-ns and shrinks it to 0 after a longer one (docs/validation.md, finding 14).
    waits = [int(r["block_ns"]) for r in groups.get("blocked / completions", []) if int(r["block_ns"]) > 10_000]
    if waits:
        quantiles = " ".join(f"p{q} {percentile(waits, q) / 1e3:.1f}" for q in (5, 10, 25, 50, 75, 90))
        below = sum(1 for w in waits if w < POLL_MAX_NS) / len(waits)
        print(f"   blocked waits for a completion (> 10 us): {len(waits)}, us: {quantiles}; "
              f"{100 * below:.1f} % below poll-max-ns ({POLL_MAX_NS / 1e3:.1f} us)")


def racing_kicks(rows):
    """A kick that raced with io_poll_begin (docs/validation.md, findings 3 and 18): a poll found the guest's request,
    and the next iteration dispatches the virtqueue again with no poll success (the kick's fd event, its ring
    empty). Where the thread then spends the time until the kick's interrupt lands shows in the gaps between
    iterations (a dispatch and the loop's own work): after the polled pop (its submission), or after the kick's
    dispatch (its eventfd read); when neither is long, the event came by the interrupt while the thread polled, and
    the kick's iteration has the long block_ns."""
    def gap(a, b):
        return int(b["start_ns"]) - int(a["start_ns"]) - int(a["block_ns"])
    after_pop, kick_block, after_kick = [], [], []
    for a, b, c in zip(rows, rows[1:], rows[2:]):
        if (what(a) == "vq" and a["poll_successes"].strip() and what(b) == "vq" and not b["poll_successes"].strip()):
            after_pop.append(gap(a, b))
            kick_block.append(int(b["block_ns"]))
            after_kick.append(gap(b, c))
    if not after_pop:
        return
    def q(values):
        return "/".join(f"{percentile(values, p) / 1e3:.1f}" for p in (10, 50, 90))
    held = sum(1 for v in after_kick if v > 5_000) / len(after_kick)
    print(f"   racing kicks after a polled pop: {len(after_pop)} ({100 * len(after_pop) / len(rows):.1f} % of "
          f"iterations); us p10/p50/p90: gap after the pop {q(after_pop)}, the kick's block_ns {q(kick_block)}, "
          f"gap after the kick's dispatch {q(after_kick)} (over 5 us in {100 * held:.0f} %)")


def kick_dispatches(rows):
    """A kick that a wait returned (docs/validation.md, finding 22): the iteration dispatches the virtqueue's one
    request with no poll success. From the end of its wait to the next iteration: the eventfd read, the pop, the
    submission and the loop's own work, about 2 us of work, and in the real loop on this VM about 20 us: the read
    waits for the guest's write, which holds the eventfd while it interrupts the IOThread's CPU, and the interrupt's
    stall follows."""
    spans = [int(b["start_ns"]) - int(a["start_ns"]) - int(a["block_ns"]) for a, b in zip(rows, rows[1:])
             if what(a) == "vq" and not a["poll_successes"].strip() and a.get("requests", "").strip() == "1"]
    if spans:
        quantiles = "/".join(f"{percentile(spans, p) / 1e3:.1f}" for p in (10, 50, 90))
        print(f"   a virtqueue dispatch of one request that a wait returned: {len(spans)}, us p10/p50/p90 from the "
              f"wait's end to the next iteration {quantiles}")


def handled(row):
    """(handler, requests it popped or completed) for each handler the iteration dispatched, in order."""
    return [(h, int(n)) for h, n in zip(row["dispatched"].split(), row["requests"].split())]


def found_by(row, handler):
    if handler in row["poll_successes"].split():
        return "poll"
    return "no budget" if row["budget_ns"] == "0" else "wait"


def pattern(row):
    """An iteration in a few characters: P if a poll found work, the handlers with their requests, the block_ns."""
    work = ",".join(f"{'c' if h == 'completions' else 'v'}{n}" for h, n in handled(row))
    block = int(row["block_ns"])
    bound = next((f"<{b}" for b in (2, 5, 12) if block < b * 1000), ">12")
    return f"{'P' if row['poll_successes'].strip() else '-'}{work} block{bound}us"


def kick_path(first, second):
    """After a completion that a blocking wait delivered (docs/validation.md, finding 20): how the guest's next
    request, and the kick it may have made while notifications were still on, reached the loop."""
    def queues(row):
        return {h: n for h, n in handled(row) if h != "completions"}
    popped = queues(first)
    if not any(popped.values()):
        return "other"
    if not any(h in first["poll_successes"].split() for h, n in popped.items() if n > 0):
        return "kick seen before polling"
    echo = queues(second)
    if echo and not any(echo.values()):
        return "polled, kick at the submission's return" if int(second["block_ns"]) < 5_000 \
            else "polled, kick by the interrupt while polling"
    return "polled, no kick in the next iteration"


def requests_timeline(rows):
    """Each pop or completion that did work, in order: (dispatch start, 'pop' or 'cpl', how it was found)."""
    if not rows or "requests" not in rows[0]:
        return
    events = []
    for index, r in enumerate(rows):
        at = int(r["start_ns"]) + int(r["block_ns"])
        for handler, count in handled(r):
            if count > 0:
                events.append((at, "cpl" if handler == "completions" else "pop", found_by(r, handler), index))
    legs = {}
    for a, b in zip(events, events[1:]):
        if a[1] != b[1]:
            legs.setdefault((f"{a[1]}->{b[1]}", b[2]), []).append(b[0] - a[0])
    total = {kind: sum(1 for e in events if e[1] == kind) for kind in ("pop", "cpl")}
    print("   requests: from one dispatch to the next that did work (us p10/p50/p90, mean)")
    for (leg, how), gaps in sorted(legs.items()):
        share = 100 * len(gaps) / max(1, total[leg[-3:]])
        quantiles = "/".join(f"{percentile(gaps, q) / 1e3:.1f}" for q in (10, 50, 90))
        print(f"     {leg} found by {how:<9} {share:5.1f} %  {quantiles}, {mean(gaps) / 1e3:.1f}")
    after, kick, tail = collections.Counter(), collections.Counter(), {}
    for e in events:
        if e[1] == "cpl" and e[2] == "wait" and e[3] + 2 < len(rows):
            first, second = rows[e[3] + 1], rows[e[3] + 2]
            after[(pattern(first), pattern(second))] += 1
            path = kick_path(first, second)
            kick[path] += 1
            tail.setdefault(path, []).append(int(first["start_ns"]) - e[0])
    if after:
        count = sum(after.values())
        print(f"   the two iterations after a completion that a wait delivered ({count}; most common):")
        for (first, second), n in after.most_common(5):
            print(f"     {100 * n / count:5.1f} %  {first:<22} then {second}")
        print("   then the next request (notifications were on after the wait, so the guest may have kicked); "
              "us p50 from the completion's dispatch to the next iteration:")
        for path, n in kick.most_common():
            print(f"     {100 * n / count:5.1f} %  {path:<45} {percentile(tail[path], 50) / 1e3:5.2f}")


def main(argv):
    skip = 0
    args = list(argv)
    if len(args) >= 2 and args[0] == "--skip-ns":
        skip = int(args[1])
        args = args[2:]
    if not args or any("=" not in a for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    for arg in args:
        label, path = arg.split("=", 1)
        try:
            rows = load(path, skip)
        except (OSError, KeyError, ValueError) as e:
            print(f"{path}: cannot read iteration records: {e}", file=sys.stderr)
            return 1
        summarise(label, rows)
        racing_kicks(rows)
        kick_dispatches(rows)
        requests_timeline(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
