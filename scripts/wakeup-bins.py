#!/usr/bin/env python3
"""The IOThread's wake-ups by how long it had been blocked (docs/validation.md, finding 15).

Usage: scripts/wakeup-bins.py FILE...
Each FILE is written by `pollsim replay --wakeups FILE`: one row per blocking wait that a kick or a completion ended,
with how long the IOThread had been blocked when the event came (blocked_ns), how long from the event to the
dispatch of its handler (wake_ns) and the thread's CPU time inside the wait (cpu_ns). On this kind of VM the wake-up
is a step function of the blocked time: fast before about 10 us, twice as slow after (the vCPU has halted).
"""
import csv
import sys

BINS_US = [0, 2, 5, 8, 10, 12, 15, 20, 30, 50, 100, 10**6]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


for path in sys.argv[1:]:
    with open(path, newline="") as f:
        rows = [(r["event"], int(r["blocked_ns"]), int(r["wake_ns"]), int(r["cpu_ns"])) for r in csv.DictReader(f)]
    print(f"== {path}: {len(rows)} blocking waits ended by an event")
    print(f"   {'blocked (us)':>14} {'waits':>6} {'wake p10':>9} {'p50':>6} {'p90':>6} {'cpu p50':>8}   (us)")
    for low, high in zip(BINS_US, BINS_US[1:]):
        group = [r for r in rows if low * 1000 <= r[1] < high * 1000]
        if len(group) < 5:
            continue
        wakes = [r[2] / 1000 for r in group]
        cpus = [r[3] / 1000 for r in group]
        label = f"{low}-{high}" if high < 10**6 else f">= {low}"
        print(f"   {label:>14} {len(group):6d} {percentile(wakes, 10):9.1f} {percentile(wakes, 50):6.1f} "
              f"{percentile(wakes, 90):6.1f} {percentile(cpus, 50):8.1f}")
    # Kicks against completions in the state before the step (2-8 us of blocking): the same wake-up?
    ready = [r for r in rows if 2000 <= r[1] < 8000]
    for event in ("kick", "completion"):
        wakes = [r[2] / 1000 for r in ready if r[0] == event]
        if wakes:
            print(f"   {event}s after 2-8 us of blocking: {len(wakes)} waits, wake p50 {percentile(wakes, 50):.1f} us")
