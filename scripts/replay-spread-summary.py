#!/usr/bin/env python3
"""The real loop's spread from one replay to the next, from scripts/replay-spread.sh's outputs.

Usage: scripts/replay-spread-summary.py OUT
Per policy: IOPS, p50 latency and IOThread CPU over the replays (min / median / max), and the share of replays that a
single predicted value could bring within the validation targets (IOPS ±5 %, p50 ±10 %, CPU ±5 pp): for the median
replay's value, and for the best value there is. A simulation run before or after the replays predicts one value, so
it can meet a target in no larger share of them than the best value does. Then the per-request dispatch costs the
replays' IOThreads paid (p50 per replay, from each log), which move with the host's state.
"""
import glob
import json
import os
import re
import statistics as st
import sys

D = sys.argv[1]
POLICIES = ['none', 'busy', 'classic', 'poll-weight']
# metric, how to read it, target, whether the target is relative
METRICS = [('IOPS', lambda d: d['iops'], 0.05, True),
           ('p50 µs', lambda d: d['latency_ns']['p50'] / 1000, 0.10, True),
           ('CPU %', lambda d: d['iothreads'][0]['cpu_util'] * 100, 5.0, False)]


def within(value, center, target, relative):
    return abs(value - center) <= (target * center if relative else target) + 1e-9


def best_share(values, target, relative):
    """The largest share of `values` that one value brings within the target (searched on a fine grid)."""
    lo, hi = min(values), max(values)
    steps = 2000
    best = 0
    for i in range(steps + 1):
        center = lo + (hi - lo) * i / steps
        best = max(best, sum(within(v, center, target, relative) for v in values))
    return best


def fmt(value):
    return f"{value / 1000:.1f}k" if value >= 1000 else f"{value:.1f}"


runs = {p: sorted(glob.glob(f"{D}/{p}-*.json"), key=lambda f: int(re.search(r'-(\d+)\.json$', f).group(1)))
        for p in POLICIES}
print("| policy | replays | metric | min / median / max | spread % of median | within target of the median | best one value |")
print("|---|---|---|---|---|---|---|")
for p in POLICIES:
    data = [json.load(open(f)) for f in runs[p]]
    if not data:
        continue
    for name, read, target, relative in METRICS:
        values = [read(d) for d in data]
        median = st.median(values)
        spread = (max(values) - min(values)) / median * 100
        near = sum(within(v, median, target, relative) for v in values)
        best = best_share(values, target, relative)
        print(f"| {p} | {len(values)} | {name} | {fmt(min(values))} / {fmt(median)} / {fmt(max(values))} | "
              f"{spread:.1f} | {near}/{len(values)} | {best}/{len(values)} |")


def logged(regex, names):
    """Per policy, the named p50s that each replay's log printed (`pollsim replay` on standard error)."""
    pattern = re.compile(regex)
    for p in POLICIES:
        cells = []
        for f in runs[p]:
            log = f[:-len('.json')] + '.log'
            found = dict(pattern.findall(open(log).read())) if os.path.exists(log) else {}
            cells.append("/".join(found.get(name, '–') for name in names))
        print(f"{p}: " + ", ".join(cells))


print("\nper-request dispatch p50 in each replay (ns): completions / virtqueue")
logged(r"IOThread (completion|virtqueue) dispatch per request[^p]*p50 (\d+) ns", ['completion', 'virtqueue'])
print("\nthe fd monitor's reap per fd event after a wait, p50 in each replay (ns)")
logged(r"IOThread fd monitor's (reap) after a wait, per fd event p50 (\d+) ns", ['reap'])
