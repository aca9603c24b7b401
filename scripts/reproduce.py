#!/usr/bin/env python3
"""Reproduce the seed threads' published tables with pollsim and write docs/reproductions.md.

Every simulated number in the document comes from running the current pollsim binary on the scenarios under
scenarios/ (`pollsim run FILE --set ... --output-format json --reproducible`), at most two processes at a time.
Nothing is cached and nothing simulated is written by hand.

Usage (from anywhere; paths are relative to the repository root):

    swift build -c release
    python3 scripts/reproduce.py                     # writes docs/reproductions.md
    python3 scripts/reproduce.py --only seed002      # one seed, to stdout (for development)

Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "pollsim")
OUTPUT = os.path.join(ROOT, "docs", "reproductions.md")
MAX_PROCESSES = 2
COMMAND = "swift build -c release && python3 scripts/reproduce.py"


# ---------------------------------------------------------------------------------------------------------------------
# Running pollsim


@dataclass(frozen=True)
class Run:
    """One pollsim invocation: a scenario file and its --set overrides."""

    scenario: str
    overrides: tuple[str, ...] = ()
    seed: int | None = None

    def command(self) -> list[str]:
        command = [BINARY, "run", os.path.join(ROOT, self.scenario), "--output-format", "json", "--reproducible"]
        for override in self.overrides:
            command += ["--set", override]
        if self.seed is not None:
            command += ["--seed", str(self.seed)]
        return command

    def shell(self) -> str:
        """The command as a user would type it from the repository root."""
        parts = [".build/release/pollsim", "run", self.scenario]
        for override in self.overrides:
            parts += ["--set", quote(override)]
        if self.seed is not None:
            parts += ["--seed", str(self.seed)]
        return " ".join(parts + ["--output-format", "json", "--reproducible"])


def quote(text: str) -> str:
    if all(c.isalnum() or c in "-_.=/:" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def execute(runs: list[Run], processes: int) -> dict[Run, dict]:
    """Runs every distinct Run, at most `processes` at a time, and returns the parsed JSON results."""
    unique = list(dict.fromkeys(runs))
    results: dict[Run, dict] = {}

    def one(run: Run) -> dict:
        completed = subprocess.run(run.command(), capture_output=True, text=True)
        if completed.returncode != 0:
            raise RuntimeError(f"pollsim failed ({completed.returncode}): {run.shell()}\n{completed.stderr}")
        return json.loads(completed.stdout)

    with concurrent.futures.ThreadPoolExecutor(max_workers=processes) as pool:
        futures = {pool.submit(one, run): run for run in unique}
        done = 0
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
            done += 1
            if sys.stderr.isatty():
                print(f"\r{done}/{len(unique)} runs", end="", file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    return results


# ---------------------------------------------------------------------------------------------------------------------
# Formatting


def pct(value: float, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "–"
    text = f"{value:+.{digits}f} %"
    return text.replace("-", "−")


def pp(value: float) -> str:
    """A difference of two percentages, in percentage points."""
    if value is None or math.isnan(value):
        return "–"
    return f"{value:+.1f} pp".replace("-", "−")


def rel_error(simulated: float, published: float) -> float:
    return (simulated - published) / published * 100.0


def kiops(value: float) -> str:
    return f"{value / 1000:.1f}k"


def iops_int(value: float) -> str:
    return f"{value:,.0f}"


def us(ns: float) -> str:
    return f"{ns / 1000:.1f}"


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "--:", "c": ":-:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


@dataclass
class ErrorLog:
    """Prediction errors of one seed, for the summary (absolute relative errors in %, or pp for diffs)."""

    predictions: list[float] = field(default_factory=list)
    calibrations: list[float] = field(default_factory=list)

    def add(self, error: float, calibration: bool) -> None:
        (self.calibrations if calibration else self.predictions).append(abs(error))

    def summary(self, unit: str = "%") -> str:
        p = self.predictions
        if not p:
            return "no predictions"
        noun = "prediction" if len(p) == 1 else "predictions"
        return f"{len(p)} {noun}: mean absolute error {mean(p):.1f} {unit}, largest {max(p):.1f} {unit}"


def cpu_of(result: dict, threads: int) -> float:
    """Mean cpu_util over the IOThreads that exist in the configuration (the first `threads`), in %."""
    return mean([t["cpu_util"] for t in result["iothreads"][:threads]]) * 100.0


def cpu_sum(result: dict, threads: int) -> float:
    return sum(t["cpu_util"] for t in result["iothreads"][:threads]) * 100.0


# ---------------------------------------------------------------------------------------------------------------------
# Seed 000: many disks


S0 = "scenarios/seed000-many-disks.yaml"
S0_ROWS = [
    ("single disk (num-queues 1), before the series (ppoll)",
     ("disks=[{id: vda, device: nullb0, iothread: iothread0, num-queues: 1, aio: native}]",
      "iothreads.0.fdmon=poll", "iothreads.0.idle-handler-removal=false"),
     105_000, "calibration"),
    ("100 × 32 queues + the fio disk, before the series (epoll, forced poll pass)",
     ("iothreads.0.fdmon=epoll", "iothreads.0.idle-handler-removal=false",
      "iothreads.0.poll-grow=1", "iothreads.0.poll-shrink=1"),
     10_000, "bare-metal"),
    ("100 × 32 + 1, patch 1 alone (epoll, poll_ns = 0 means no polling)",
     ("iothreads.0.fdmon=epoll", "iothreads.0.idle-handler-removal=false"),
     60_000, "prediction"),
    ("100 × 32 + 1, whole series (io_uring fd monitor, idle-handler removal)",
     (), 105_000, "prediction"),
]


def seed000_runs() -> list[Run]:
    return [Run(S0, overrides) for _, overrides, _, _ in S0_ROWS]


def seed000(results: dict[Run, dict], errors: ErrorLog) -> tuple[str, str]:
    rows = []
    sims = []
    for label, overrides, published, kind in S0_ROWS:
        r = results[Run(S0, overrides)]
        t = r["iothreads"][0]
        error = rel_error(r["iops"], published)
        if kind != "bare-metal":
            errors.add(error, kind == "calibration")
        sims.append(r)
        rows.append([label, kiops(published), kiops(r["iops"]), pct(error), kind,
                     f"{t['poll']['handlers_per_pass']:.0f}", f"{t['poll']['mean_poll_ns']:.0f}",
                     f"{t['cpu_util'] * 100:.0f} %", us(r["latency_ns"]["mean"])])
    text = table(["configuration", "published IOPS", "pollsim IOPS", "error", "role", "handlers / pass",
                  "mean poll_ns", "IOThread CPU", "mean lat (µs)"], rows, "lrrrlrrrr")
    single, before, patch1, series = sims
    t1 = patch1["iothreads"][0]
    body = f"""\
{text}

Roles: *calibration* = the published number was used to set a value (the device's 2 µs service time); *bare-metal*
= the published number was used by the bare-metal profile itself (its `poll-handler` cost, 15 ns, is documented as
calibrated on this thread's 10k), so the row is a consistency check rather than an independent prediction;
*prediction* = nothing was fitted to it.

What agrees: polling all 3 202 handlers collapses IOPS by an order of magnitude
({kiops(before['iops'])} vs {kiops(single['iops'])}), and the whole series (io_uring fd monitor plus idle-handler
removal, after 7 s without a poll hit) brings the poll list down to
{series['iothreads'][0]['poll']['handlers_per_pass']:.0f} handlers per pass and IOPS back to
{kiops(series['iops'])}, the single-disk figure, as the cover letter says.

Where the model disagrees: **patch 1 alone** ({kiops(patch1['iops'])} simulated vs 60k published). In pollsim the
classic policy grows poll_ns from 0 to 4 000 ns after every short wait ({t1['poll']['reset_rate'] * 100:.0f} % of
its updates reset it, mean poll_ns {t1['poll']['mean_poll_ns']:.0f} ns), and every time polling starts and stops it
walks the whole poll list twice: `io_poll_begin` on 3 202 handlers, at least one pass, then `io_poll_end` plus a
final `io_poll` on each (3 202 × (50 + 15 + 50 + 15) ns ≈ 0.4 ms per start/stop cycle with the bare-metal
`poll-begin-end` and `poll-handler` costs). QEMU 5.0's
`try_poll_mode`/`poll_set_started` have the same O(n) walks, so with the same per-handler costs QEMU would have been
slower after patch 1 than before it, which contradicts the published 10k → 60k. Two explanations are consistent with
both numbers, and the model can express neither: (a) the walks are much cheaper per handler than one polling pass,
for example because most of the 3 200 virtqueues were never initialised by the guest (Linux's virtio_blk creates at
most one queue per guest CPU, and QEMU's `virtio_queue_set_notification` and `io_poll` return at once for a vring
without descriptors); pollsim has one `poll-begin-end` and one `poll-handler` cost for every handler; (b) the
adaptive policy rarely started polling in QEMU, which the simulated timing does not reproduce."""
    headline = (f"| 000 many disks | 100×32 disks: 10k before, 60k after patch 1, ≈105k after the series | "
                f"{kiops(before['iops'])}, {kiops(patch1['iops'])}, {kiops(series['iops'])} |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# Seed 001: O(1) dispatch


S1 = "scenarios/seed001-o1-dispatch.yaml"
S1_ROWS = [
    ("before: O(n) scan of every handler after each wait", ("iothreads.0.dispatch=scan",), 260_000, "calibration"),
    ("after: O(1) dispatch from the ready list", (), 300_000, "prediction"),
]


def seed001_runs() -> list[Run]:
    return [Run(S1, overrides) for _, overrides, _, _ in S1_ROWS]


def seed001(results: dict[Run, dict], errors: ErrorLog) -> tuple[str, str]:
    rows = []
    sims = []
    for label, overrides, published, kind in S1_ROWS:
        r = results[Run(S1, overrides)]
        t = r["iothreads"][0]
        error = rel_error(r["iops"], published)
        errors.add(error, kind == "calibration")
        sims.append(r)
        split = t["time_ns"]
        total = sum(split.values())
        rows.append([label, kiops(published), kiops(r["iops"]), pct(error), kind,
                     f"{t['cpu_util'] * 100:.0f} %", f"{split['dispatch'] / total * 100:.0f} %",
                     f"{t['syscalls_per_io']:.2f}", us(r["latency_ns"]["mean"])])
    text = table(["configuration", "published IOPS", "pollsim IOPS", "error", "role", "IOThread CPU",
                  "dispatch share", "syscalls / I/O", "mean lat (µs)"], rows, "lrrrlrrrr")
    scan, ready = sims
    guest_bound = 1e9 / (1000 + 1000 + 1500)
    speedup_pub = 300 / 260 - 1
    speedup_sim = ready["iops"] / scan["iops"] - 1
    body = f"""\
{text}

The speed-up: published {pct(speedup_pub * 100)}, simulated {pct(speedup_sim * 100)}. The scan row calibrates
`scan-per-handler` (profiles/seed001-host.yaml): 3 ns per registered handler, against 20 ns in the bare-metal profile,
whose documentation claims a calibration on this seed; with 20 ns this setup gives about 96k, not 260k. pollsim rounds
a constant cost to whole nanoseconds before multiplying it by the 3 171 handlers, so 3 ns (~270k) and 4 ns (~244k) are
the only choices near 260k.

The ready-list row is a prediction, and in the model it is bounded by the guest, not by the IOThread: the single fio
job's vCPU pays guest-submit + guest-complete + guest-kick = 3.5 µs per request (notifications stay enabled because
nothing polls), i.e. at most {kiops(guest_bound)} IOPS, which is where the simulation lands. The published 300k
therefore says that the 2020 guest spent less than 3.3 µs of vCPU time per request (or ran more than one job; the
thread does not say)."""
    headline = (f"| 001 O(1) dispatch | 260k (scan) → 300k (ready list) | "
                f"{kiops(scan['iops'])} → {kiops(ready['iops'])} |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# Seed 002: synchronous I/O


S2 = "scenarios/seed002-sync-io.yaml"
S2_MODES = [("aio", "AIO+iothread"), ("sio", "SIO+iothread"), ("adaptive", "AIO+SIO+iothread")]
S2_PUBLISHED = {  # average latency in µs, by (mode, jobs)
    ("aio", 1): 70, ("aio", 2): 83, ("aio", 4): 90,
    ("sio", 1): 55, ("sio", 2): 82, ("sio", 4): 159,
    ("adaptive", 1): 55, ("adaptive", 2): 78, ("adaptive", 4): 90,
}
S2_CALIBRATION = {("aio", 1), ("sio", 1)}


def s2_run(mode: str, jobs: int) -> Run:
    return Run(S2, (f"disks.vdb.submit={mode}", f"jobs.job.numjobs={jobs}"))


def seed002_runs() -> list[Run]:
    return [s2_run(mode, jobs) for mode, _ in S2_MODES for jobs in (1, 2, 4)]


def seed002(results: dict[Run, dict], errors: ErrorLog) -> tuple[str, str]:
    header = ["jobs"]
    for _, title in S2_MODES:
        header += [f"{title}: published", "pollsim", "error"]
    rows = []
    for jobs in (1, 2, 4):
        row = [f"{jobs} job" + ("s" if jobs > 1 else "")]
        for mode, _ in S2_MODES:
            published = S2_PUBLISHED[(mode, jobs)]
            simulated = results[s2_run(mode, jobs)]["latency_ns"]["mean"] / 1000
            error = rel_error(simulated, published)
            calibration = (mode, jobs) in S2_CALIBRATION
            errors.add(error, calibration)
            row += [f"{published}", f"{simulated:.1f}" + (" (cal.)" if calibration else ""), pct(error)]
        rows.append(row)
    text = table(header, rows)

    def lat(mode: str, jobs: int) -> float:
        return results[s2_run(mode, jobs)]["latency_ns"]["mean"] / 1000

    def thread(mode: str, jobs: int) -> dict:
        return results[s2_run(mode, jobs)]["iothreads"][0]

    ada2_sync = lat("adaptive", 2) == lat("aio", 2)
    body = f"""\
Average guest latency in µs. *(cal.)* marks the two cells used to calibrate the host profile
(profiles/seed002-host.yaml: cross-CPU wake-up 13 µs, interrupt injection 6.5 µs); the other seven are predictions.

{text}

What agrees: SIO wins with one job and loses badly with four, because a synchronous `preadv` stalls the IOThread
for the whole device time and the jobs queue behind it (SIO with 4 jobs: {lat('sio', 4):.0f} µs simulated, 159
published); the adaptive rule takes SIO's 1-job latency and AIO's 4-job latency, as Sergio found.

Where the model disagrees:
- AIO latency grows too little with the number of jobs ({lat('aio', 1):.0f} → {lat('aio', 2):.0f} →
  {lat('aio', 4):.0f} µs simulated vs 70 → 83 → 90). In the model the IOThread is far from busy
  ({thread('aio', 4)['cpu_util'] * 100:.0f} % CPU with 4 jobs) and more jobs mostly share wake-ups
  ({thread('aio', 1)['wakeups_per_io']:.2f} → {thread('aio', 4)['wakeups_per_io']:.2f} per I/O). A likely missing
  cost is on the guest side: with one virtqueue, all completions arrive through one interrupt vector on one vCPU,
  which then has to wake fio on the other vCPUs; pollsim delivers each completion to its own job's vCPU.
- SIO with 2 and 4 jobs is too slow ({pct(rel_error(lat('sio', 2), 82))}, {pct(rel_error(lat('sio', 4), 159))}):
  every synchronous request pays the calibrated 13 µs wake-up inside `preadv` while the others wait. The
  calibration put the whole AIO/SIO gap into wake-ups; part of it is probably the block-layer path that Sergio's
  SIO prototype bypassed (Stefan: "bypassing the QEMU block layer (coroutines, request tracking, etc)"), but pollsim
  charges the same `request-submit` cost to SIO and AIO, so the model cannot separate the two.
- Adaptive with 2 jobs {'equals AIO exactly' if ada2_sync else 'stays close to AIO'} ({lat('adaptive', 2):.1f} µs):
  the device time is a constant 30 µs and both jobs' completions are reaped in the same dispatch, so the two jobs
  resubmit together and the virtqueue always holds two requests: the "exactly one request" rule never picks SIO.
  Real jitter breaks this lock-step some of the time, which is what the published 78 µs (below both AIO and SIO)
  suggests."""
    headline = (f"| 002 sync I/O | mean lat (µs) AIO 70/83/90, SIO 55/82/159, AIO+SIO 55/78/90 | "
                f"AIO {lat('aio', 1):.0f}/{lat('aio', 2):.0f}/{lat('aio', 4):.0f}, "
                f"SIO {lat('sio', 1):.0f}/{lat('sio', 2):.0f}/{lat('sio', 4):.0f}, "
                f"AIO+SIO {lat('adaptive', 1):.0f}/{lat('adaptive', 2):.0f}/{lat('adaptive', 4):.0f} |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# Seed 003: Optane


S3 = "scenarios/seed003-optane.yaml"
# rw, bs, numjobs, iothreads, iops, diff (%)
S3_TABLE = [
    ("randread", "8k", 1, 1, 163417, -7.8), ("randread", "8k", 1, 2, 165041, -2.4),
    ("randread", "8k", 4, 1, 221508, -0.64), ("randread", "8k", 4, 2, 251298, 0.008),
    ("randread", "8k", 8, 1, 222128, -0.51), ("randread", "8k", 8, 2, 249489, -2.6),
    ("randread", "8k", 16, 1, 230535, -0.18), ("randread", "8k", 16, 2, 246732, -0.22),
    ("randread", "128k", 1, 1, 17616, -0.11), ("randread", "128k", 1, 2, 17678, 0.027),
    ("randread", "128k", 4, 1, 17536, -0.27), ("randread", "128k", 4, 2, 17610, -0.031),
    ("randread", "128k", 8, 1, 17369, -0.42), ("randread", "128k", 8, 2, 17433, -0.071),
    ("randread", "128k", 16, 1, 17215, -0.61), ("randread", "128k", 16, 2, 17269, -0.22),
    ("randwrite", "8k", 1, 1, 156597, -3.1), ("randwrite", "8k", 1, 2, 157720, -3.8),
    ("randwrite", "8k", 4, 1, 218448, -0.5), ("randwrite", "8k", 4, 2, 247075, -5.1),
    ("randwrite", "8k", 8, 1, 220866, -0.75), ("randwrite", "8k", 8, 2, 260935, -0.011),
    ("randwrite", "8k", 16, 1, 230913, 0.23), ("randwrite", "8k", 16, 2, 261125, -0.01),
    ("randwrite", "128k", 1, 1, 16009, 0.094), ("randwrite", "128k", 1, 2, 16070, 0.035),
    ("randwrite", "128k", 4, 1, 16073, -0.62), ("randwrite", "128k", 4, 2, 16131, 0.059),
    ("randwrite", "128k", 8, 1, 16106, 0.092), ("randwrite", "128k", 8, 2, 16153, 0.048),
    ("randwrite", "128k", 16, 1, 16102, -0.0091), ("randwrite", "128k", 16, 2, 16160, 0.048),
]
S3_CPU = {1: (98.7, 95.81), 2: (78.43, 66.13)}
S3_CALIBRATION = ("randread", "8k", 16, 1)
S3_POLICIES = {
    "baseline": ("policy=per-handler",),
    "merged": ("policy=poll-weight",),  # merged defaults: grow 2, shrink 2, weight 3
    "v1": ("policy=poll-weight", "poll-grow=0", "poll-shrink=0", "poll-weight=0"),  # RFC v1: shift 2, x2, /2
}


def s3_jobs(rw: str, bs: str, numjobs: int) -> str:
    return f"jobs=[{{name: fio, disk: vda, rw: {rw}, bs: {bs}, iodepth: 8, numjobs: {numjobs}}}]"


def s3_run(rw: str, bs: str, numjobs: int, iothreads: int, policy: str, seed: int | None = None) -> Run:
    mapping = ", ".join(f"iothread{i}" for i in range(iothreads))
    overrides = [s3_jobs(rw, bs, numjobs), f"disks.vda.iothread-vq-mapping=[{mapping}]"]
    if rw == "randwrite":
        overrides.append("devices.optane.bandwidth=2.0GB/s")
    for thread in ("iothread0", "iothread1"):
        overrides += [f"iothreads.{thread}.{setting}" for setting in S3_POLICIES[policy]]
    return Run(S3, tuple(overrides), seed)


def seed003_optane_runs() -> list[Run]:
    runs = []
    for rw, bs, numjobs, iothreads, _, _ in S3_TABLE:
        for policy in S3_POLICIES:
            runs.append(s3_run(rw, bs, numjobs, iothreads, policy))
        runs.append(s3_run(rw, bs, numjobs, iothreads, "baseline", seed=2))
    return runs


def seed003_optane(results: dict[Run, dict], errors: ErrorLog, diff_errors: ErrorLog) -> tuple[str, str]:
    rows = []
    cpu = {1: {p: [] for p in S3_POLICIES}, 2: {p: [] for p in S3_POLICIES}}
    seed_spread = []
    for rw, bs, numjobs, iothreads, published, published_diff in S3_TABLE:
        sim = {p: results[s3_run(rw, bs, numjobs, iothreads, p)] for p in S3_POLICIES}
        other_seed = results[s3_run(rw, bs, numjobs, iothreads, "baseline", seed=2)]
        seed_spread.append(abs(rel_error(other_seed["iops"], sim["baseline"]["iops"])))
        base = sim["baseline"]["iops"]
        error = rel_error(base, published)
        calibration = (rw, bs, numjobs, iothreads) == S3_CALIBRATION
        errors.add(error, calibration)
        merged_diff = rel_error(sim["merged"]["iops"], base)
        v1_diff = rel_error(sim["v1"]["iops"], base)
        diff_errors.add(merged_diff - published_diff, False)
        if bs == "8k":  # Stefan's CPU figures go with his 8 KiB results
            for p in S3_POLICIES:
                cpu[iothreads][p].append(cpu_of(sim[p], iothreads))
        rows.append([rw, bs, str(numjobs), str(iothreads), iops_int(published),
                     iops_int(base) + (" (cal.)" if calibration else ""), pct(error),
                     pct(published_diff, 2), pct(merged_diff, 2), pct(v1_diff, 2),
                     f"{cpu_of(sim['baseline'], iothreads):.0f} → {cpu_of(sim['merged'], iothreads):.0f}"])
    text = table(["rw", "bs", "numjobs", "iothreads", "published IOPS", "pollsim IOPS", "error", "published diff",
                  "pollsim diff (merged)", "pollsim diff (v1)", "pollsim IOThread CPU % (base → merged)"],
                 rows, "llrrrrrrrrr")
    cpu_rows = []
    for threads in (1, 2):
        before, after = S3_CPU[threads]
        b, m, v = (mean(cpu[threads][p]) for p in ("baseline", "merged", "v1"))
        cpu_rows.append([str(threads), f"{before:.2f}", f"{after:.2f}", pct(rel_error(after, before)),
                         f"{b:.1f}", f"{m:.1f}", pct(rel_error(m, b)), f"{v:.1f}", pct(rel_error(v, b))])
    cpu_text = table(["iothreads", "published before", "published after", "published change", "pollsim baseline",
                      "pollsim merged", "change", "pollsim v1", "change"], cpu_rows)

    def row(rw, bs, nj, iot, policy="baseline"):
        return results[s3_run(rw, bs, nj, iot, policy)]

    r1 = row("randread", "8k", 1, 1)
    r1m = row("randread", "8k", 1, 1, "merged")
    r2 = row("randread", "8k", 16, 2)
    t1 = r1["iothreads"][0]
    t1m = r1m["iothreads"][0]
    bw_bound = 2.4e9 / 8192
    err_8k_1 = [abs(rel_error(row(rw, "8k", nj, 1)["iops"], pub)) for rw, bs, nj, iot, pub, _ in S3_TABLE
                if bs == "8k" and iot == 1]
    err_128k = [abs(rel_error(row(rw, "128k", nj, iot)["iops"], pub)) for rw, bs, nj, iot, pub, _ in S3_TABLE
                if bs == "128k"]
    cpu_128k = [rel_error(cpu_of(row(rw, "128k", nj, iot, "merged"), iot), cpu_of(row(rw, "128k", nj, iot), iot))
                for rw, bs, nj, iot, _, _ in S3_TABLE if bs == "128k"]
    r128 = row("randread", "128k", 1, 1)
    r128m = row("randread", "128k", 1, 1, "merged")
    body = f"""\
Baseline = QEMU 10.0+ per-handler polling; *merged* = the poll-weight policy with the merged series' defaults
(poll-grow 2, poll-shrink 2, poll-weight 3), as the task asks; *v1* = RFC v1 (shift 2), which is what Stefan actually
measured on 2026-02-03. The published `iops` column is taken to be the baseline's and `diff` the patched QEMU's change
against it (the mail does not say). Errors are (pollsim − published) / published. *(cal.)* marks the one row used to
calibrate the host (profiles/seed003-xeon.yaml: every bare-metal CPU cost × 1.78). Another seed changes the
baseline IOPS by at most {max(seed_spread):.2f} % (mean {mean(seed_spread):.2f} %), so simulated diffs smaller than
that are noise.

{text}

IOThread CPU, averaged over the 8 rows with bs 8k of each IOThread count (Stefan quotes the CPU figures with his
8 KiB results) and over the configuration's IOThreads (an idle IOThread counts as 0 %: with numjobs 1 and two
IOThreads one of them has nothing to do). How Stefan aggregated his sar data is not stated:

{cpu_text}

What agrees: with one IOThread the model is IOThread-bound in every 8k row, like the published 98.7 % CPU; with the
one calibrated factor it predicts the other seven 8k one-IOThread rows within {max(err_8k_1):.1f} %, including
the numjobs = 1 row ({iops_int(r1['iops'])} vs 163 417), and the 16 rows with bs 128k from the spec-sheet
bandwidths (2.4 GB/s read, 2.0 GB/s write) within {max(err_128k):.1f} %: the 128k runs are bandwidth-bound, as
Stefan says ("the drive already saturates at numjobs=1"), and the poll-weight policy does not change their IOPS, as
published.

Where the model disagrees:
- **The poll-weight regression at numjobs = 1** (published −7.8 % with one IOThread, −2.4 % with two; simulated
  {pct(rel_error(r1m['iops'], r1['iops']), 2)}). In the model the IOThread never sleeps in that row
  ({t1['wakeups_per_io']:.3f} wake-ups per I/O with the baseline, {t1m['wakeups_per_io']:.3f} with poll-weight): it
  always finds a new request or completion within its budget, so the smaller poll budget of poll-weight
  ({t1m['poll']['mean_poll_ns']:.0f} ns vs {t1['poll']['mean_poll_ns']:.0f} ns) costs nothing. A real regression
  needs iterations that block, i.e. gaps between events longer than the budget, which the model's smooth
  per-request costs do not produce at iodepth 8 (no guest scheduling noise, no host interrupts, no cache effects).
- **Two IOThreads, 8k, numjobs ≥ 4**: simulated {kiops(r2['iops'])} vs ~250k. The model is bound by the drive's
  2.4 GB/s ({kiops(bw_bound)} 8k reads per second); the real drive (or host) stops near 250k for 8k random reads,
  while it does reach 2.3 GB/s with 128k. pollsim's device has one service-time distribution per direction and one
  bandwidth, not a per-block-size random-I/O limit, so both cannot hold at once.
- **IOThread CPU with two IOThreads**: the model keeps each busy IOThread near 100 % (it never blocks while requests
  are in flight: each iteration finds the next completion or submission within its budget), so the published
  78 → 66 % drop shows up only weakly. The model's per-request IOThread cost falls with load (bigger batches), so an
  IOThread at half the load still fills its time with smaller batches instead of sleeping.
- **128k: poll-weight costs IOThread CPU** in the model ({pct(min(cpu_128k))} to {pct(max(cpu_128k))} relative to
  the baseline; Stefan gives no 128k CPU figure). Each request costs two aio_poll iterations: one ends when the
  guest resubmits a few µs after its completion, the other waits ~{1e9 / r128['iops'] / 1000:.0f} µs for the
  bandwidth-bound drive and spends its whole budget polling in vain. The per-handler baseline uses the same budget
  in both (the virtqueue handler's poll.ns; mean {r128['iothreads'][0]['poll']['mean_poll_ns']:.0f} ns).
  poll-weight's single budget alternates instead (× poll-grow after the short iteration, ÷ poll-shrink after the
  long one; mean {r128m['iothreads'][0]['poll']['mean_poll_ns']:.0f} ns, as `pollsim run --timeline` shows), and the
  larger value lands on the iteration that waits for the drive, so more of it is wasted."""
    b1 = mean(cpu[1]["baseline"])
    m1 = mean(cpu[1]["merged"])
    headline = (f"| 003 Optane (Stefan) | randread 8k nj1/nj16 (1 IOThread): 163k/231k, poll-weight diff −7.8 %/−0.18 %; "
                f"IOThread CPU 98.7 → 95.8 % | {kiops(r1['iops'])}/{kiops(row('randread', '8k', 16, 1)['iops'])} (cal.), "
                f"diff {pct(rel_error(r1m['iops'], r1['iops']), 2)}/"
                f"{pct(rel_error(row('randread', '8k', 16, 1, 'merged')['iops'], row('randread', '8k', 16, 1)['iops']), 2)}; "
                f"CPU {b1:.1f} → {m1:.1f} % |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# Seed 003: s390x FCP


S3Z = "scenarios/seed003-s390x-fcp.yaml"
# pollsim has no sequential/random distinction (same latency distributions, same draws), so fio's four patterns
# collapse into two: "read" stands for read and randread, "write" for write and randwrite.
S3Z_PATTERNS = {"randread": "read, randread", "randwrite": "write, randwrite"}
S3Z_NUMJOBS = [1, 4, 8, 16]
S3Z_SERIES = {1: (4523, 89.9, 7.41), 2: (8442, 78.6, 15.84), 3: (11147, 70.4, 21.38), 4: (11624, 70.1, 23.35)}
S3Z_PUBLISHED = {1: ((-8, -3), (-25, -10)), 2: ((-5, -2), (-12, -7))}  # (throughput range, CPU range) in %


def s3z_disk(index: int) -> str:
    return f"fcpa{index}" if index < 8 else f"fcpb{index - 8}"


def s3z_jobs(rw: str, bs: str, numjobs: int) -> list[str]:
    """fio's N jobs over 16 files, as 8N iodepth-1 slots (see the scenario file)."""
    slots = 8 * numjobs
    items = []
    for i in range(slots):
        disk = i * 16 // slots if slots <= 16 else i % 16
        items.append(f"{{name: j{i // 8}s{i % 8}, disk: {s3z_disk(disk)}, rw: {rw}, bs: {bs}, iodepth: 1}}")
    return ["jobs=[" + ", ".join(items) + "]", f"guest.vcpus={min(numjobs, 12)}"]


def s3z_policy(policy: str) -> list[str]:
    if policy == "baseline":
        settings = ["policy=per-handler"]
    else:  # "v1" or a weight for the series, both RFC v1 (grow and shrink 0)
        weight = 0 if policy == "v1" else int(policy)
        settings = ["policy=poll-weight", "poll-grow=0", "poll-shrink=0", f"poll-weight={weight}"]
    return [f"iothreads.{t}.{s}" for t in ("iothread0", "iothread1") for s in settings]


def s3z_run(rw: str, bs: str, numjobs: int, iothreads: int, policy: str) -> Run:
    overrides = s3z_jobs(rw, bs, numjobs) + [f"disks.fcpb.iothread=iothread{iothreads - 1}"] + s3z_policy(policy)
    return Run(S3Z, tuple(overrides))


def seed003_s390x_runs() -> list[Run]:
    runs = [s3z_run(rw, bs, nj, iot, policy)
            for rw in S3Z_PATTERNS for bs in ("8k", "128k") for nj in S3Z_NUMJOBS for iot in (1, 2)
            for policy in ("baseline", "v1")]
    runs += [s3z_run("randread", "4k", nj, 2, str(w)) for w in S3Z_SERIES for nj in S3Z_NUMJOBS]
    return runs


def seed003_s390x(results: dict[Run, dict], errors: ErrorLog) -> tuple[str, str]:
    rows = []
    ranges = {(iot, bs): ([], []) for iot in (1, 2) for bs in ("8k", "128k")}
    for iot in (1, 2):
        for bs in ("8k", "128k"):
            for rw in S3Z_PATTERNS:
                tput, cpu, base_cpu = [], [], []
                for nj in S3Z_NUMJOBS:
                    base = results[s3z_run(rw, bs, nj, iot, "baseline")]
                    cand = results[s3z_run(rw, bs, nj, iot, "v1")]
                    tput.append(rel_error(cand["bw_bytes_per_s"], base["bw_bytes_per_s"]))
                    cpu.append(rel_error(cpu_sum(cand, iot), cpu_sum(base, iot)))
                    base_cpu.append(cpu_sum(base, iot))
                ranges[(iot, bs)][0].append(mean(tput))
                ranges[(iot, bs)][1].append(mean(cpu))
                rows.append([str(iot), bs, S3Z_PATTERNS[rw], " / ".join(f"{v:+.1f}" for v in tput).replace("-", "−"),
                             pct(mean(tput)), " / ".join(f"{v:+.0f}" for v in cpu).replace("-", "−"),
                             pct(mean(cpu)), " / ".join(f"{v:.0f}" for v in base_cpu)])
    text = table(["iothreads", "bs", "pattern", "throughput change, nj 1/4/8/16 (%)", "mean",
                  "IOThread CPU change, nj 1/4/8/16 (%)", "mean", "baseline IOThread CPU, nj 1/4/8/16 (%)"],
                 rows, "llllrlrl")
    range_rows = []
    for iot in (1, 2):
        (tp_lo, tp_hi), (cpu_lo, cpu_hi) = S3Z_PUBLISHED[iot]
        for bs in ("8k", "128k"):
            tput, cpu = ranges[(iot, bs)]
            range_rows.append([str(iot), bs, f"{tp_lo} % to {tp_hi} %".replace("-", "−"),
                               f"{pct(min(tput))} to {pct(max(tput))}",
                               f"{cpu_lo} % to {cpu_hi} %".replace("-", "−"),
                               f"{pct(min(cpu))} to {pct(max(cpu))}"])
    range_text = table(["iothreads", "bs", "published throughput", "pollsim throughput", "published host CPU",
                        "pollsim IOThread CPU"], range_rows, "llllll")

    series_rows = []
    for w, (poll_ns, reset, near) in S3Z_SERIES.items():
        sims = [results[s3z_run("randread", "4k", nj, 2, str(w))] for nj in S3Z_NUMJOBS]

        def stat(r: dict, key: str) -> float:
            return mean([t["poll"][key] for t in r["iothreads"][:2]])

        series_rows.append([str(w), f"{poll_ns}", " / ".join(f"{stat(r, 'mean_poll_ns'):.0f}" for r in sims),
                            f"{reset}", " / ".join(f"{stat(r, 'reset_rate') * 100:.1f}" for r in sims),
                            f"{near}", " / ".join(f"{stat(r, 'near_max_share') * 100:.1f}" for r in sims)])
    series_text = table(["poll-weight", "published mean poll_ns", "pollsim, nj 1/4/8/16", "published reset rate (%)",
                         "pollsim, nj 1/4/8/16", "published time near max (%)", "pollsim, nj 1/4/8/16"],
                        series_rows, "rrlrlrl")

    def series_stat(w: int, nj: int, key: str) -> float:
        r = results[s3z_run("randread", "4k", nj, 2, str(w))]
        return mean([t["poll"][key] for t in r["iothreads"][:2]])

    tput1, cpu1 = ranges[(1, "8k")]
    cpu128 = ranges[(1, "128k")][1]
    gaps128 = [1e6 / results[s3z_run(rw, "128k", nj, 1, "baseline")]["iops"]
               for rw in S3Z_PATTERNS for nj in S3Z_NUMJOBS]
    body = f"""\
No number of this thread is used for calibration: the host costs are bare-metal and the FCP device is a guess (see the
scenario file), so everything below is a prediction, and a weak one, because the absolute device behaviour is
unknown. Candidate = RFC v1 (poll-weight, shift 2, grow ×2, shrink ÷2), baseline = per-handler. CPU is the
IOThreads' CPU (the sum over the configuration's IOThreads); the published figure is host CPU, which also contains
the guest's vCPUs, so the simulated relative change should be larger in magnitude than the published one, not
smaller.

Change of the RFC against the baseline per pattern, averaged over numjobs 1/4/8/16 (the mean of the four relative
changes), and its range over the patterns. pollsim cannot tell sequential from random I/O (no seek or prefetch
model), so read and randread are one simulated pattern, and so are write and randwrite:

{range_text}

Per pattern:

{text}

The per-weight table of the RFC v1 commit message (randread, bs 4k, iodepth 8, 2 IOThreads; numjobs not stated, so
all four are shown; IOThread means of the two IOThreads):

{series_text}

What agrees: at 8k the RFC saves IOThread CPU ({pct(min(cpu1))} to {pct(max(cpu1))} with one IOThread) and
barely moves throughput ({pct(min(tput1))} to {pct(max(tput1))}); in the per-weight series a larger weight raises
the mean poll_ns and the time near poll-max-ns and lowers the reset rate, the published trends (at numjobs 1, the
column whose reset rates are nearest the published ones).

Where the model disagrees:
- The sizes at 8k: the simulated CPU saving is smaller than the published host-CPU saving and throughput is not
  lost. With the bare-metal costs one IOThread is saturated from numjobs 4 on (baseline CPU column), so there is
  no idle polling left to trim, and an IOThread with requests in flight rarely sleeps: completions from 16 LUNs
  arrive before its budget runs out.
- At 128k the model predicts the opposite of the published CPU saving: the RFC polls longer
  ({pct(min(cpu128))} to {pct(max(cpu128))} IOThread CPU with one IOThread) while throughput is fixed by the FC
  bandwidth and a completion arrives about every {mean(gaps128):.0f} µs: the same cause as in the Optane 128k
  rows: poll-weight's single budget jumps up after short intervals and comes down only by halving (a cycle that
  `pollsim run --timeline` shows), so long budgets are spent in iterations that wait for the device, while the
  per-handler baseline keeps the short budget its virtqueue handlers learnt. Whether the
  published −10..−25 % includes the 128k runs is not stated.
- The per-weight table's levels: the published reset rates (70–90 %) say that most handler
  estimates exceeded poll-max-ns, i.e. each handler saw events far less often than every 32 µs; the simulated rates
  (e.g. {series_stat(2, 1, 'reset_rate') * 100:.0f} % at numjobs 1, {series_stat(2, 16, 'reset_rate') * 100:.0f} %
  at numjobs 16, weight 2) show busier handlers.

With bare-metal x86 costs and a guessed device none of this is a test of the model; an s390x host profile and the
real FCP latency distribution would be needed before these numbers mean more than the trends."""
    headline = (f"| 003 s390x FCP (Jaehoon) | 1 IOThread: throughput −3..−8 %, host CPU −10..−25 % | "
                f"throughput {pct(min(tput1))}..{pct(max(tput1))}, IOThread CPU {pct(min(cpu1))}..{pct(max(cpu1))} (8k) |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# Seed 004: vhost-blk


S4 = "scenarios/seed004-vhost-blk.yaml"
S4_TABLE = [  # label, architecture, vcpus, workers, randread, randwrite
    ("virtio, 1 vcpu", "virtio", 1, 1, 133_000, 133_000),
    ("virtio, 2 vcpu", "virtio", 2, 1, 305_000, 306_000),
    ("virtio, 4 vcpu", "virtio", 4, 1, 310_000, 298_000),
    ("virtio, 8 vcpu", "virtio", 8, 1, 271_000, 252_000),
    ("vhost-blk, 1 vcpu", "vhost-blk", 1, 1, 110_000, 113_000),
    ("vhost-blk, 2 vcpu", "vhost-blk", 2, 1, 247_000, 252_000),
    ("vhost-blk, 4 vcpu", "vhost-blk", 4, 1, 558_000, 556_000),
    ("vhost-blk, 8 vcpu, one kernel thread", "vhost-blk", 8, 1, 576_000, 575_000),
    ("vhost-blk, 8 vcpu, two kernel threads", "vhost-blk", 8, 2, 803_000, 779_000),
]
S4_CALIBRATION = {("virtio", 1, 1, "randread"), ("vhost-blk", 8, 1, "randread"), ("virtio", 4, 1, "randread")}


def s4_run(architecture: str, vcpus: int, workers: int, rw: str) -> Run:
    overrides = [f"guest.vcpus={vcpus}", f"disks.vda.num-queues={vcpus}", f"jobs.fio.numjobs={vcpus}",
                 f"jobs.fio.rw={rw}", f"disks.vda.architecture={architecture}"]
    if architecture == "vhost-blk":
        overrides.append(f"disks.vda.vhost-workers={workers}")
    return Run(S4, tuple(overrides))


def seed004_runs() -> list[Run]:
    return [s4_run(arch, vcpus, workers, rw) for _, arch, vcpus, workers, _, _ in S4_TABLE
            for rw in ("randread", "randwrite")]


def seed004(results: dict[Run, dict], errors: ErrorLog) -> tuple[str, str]:
    rows = []
    for label, arch, vcpus, workers, read, write in S4_TABLE:
        row = [label]
        for rw, published in (("randread", read), ("randwrite", write)):
            r = results[s4_run(arch, vcpus, workers, rw)]
            error = rel_error(r["iops"], published)
            calibration = (arch, vcpus, workers, rw) in S4_CALIBRATION
            errors.add(error, calibration)
            row += [kiops(published), kiops(r["iops"]) + (" (cal.)" if calibration else ""), pct(error)]
        rows.append(row)
    text = table(["configuration", "randread published", "pollsim", "error", "randwrite published", "pollsim",
                  "error"], rows)

    def iops(arch, vcpus, workers=1, rw="randread"):
        return results[s4_run(arch, vcpus, workers, rw)]["iops"]

    body = f"""\
*(cal.)* marks the three cells used to calibrate profiles/seed004-host.yaml (guest vCPU cost per request, vhost
worker cost per request, IOThread speed factor); the other fifteen are predictions.

{text}

What agrees: the shape. virtio is capped by its single IOThread near 300k whatever the number of vCPUs; vhost-blk
has no IOThread and scales with vCPUs until its one kernel worker saturates, and a second worker lifts that cap
({kiops(iops('vhost-blk', 8, 2))} simulated vs 803k). With one vCPU vhost-blk is slower than virtio
({kiops(iops('vhost-blk', 1))} vs {kiops(iops('virtio', 1))}; published 110k vs 133k) because nothing polls the
virtqueue, so the guest pays a kick (a VM exit) for every request, while the polling IOThread keeps notifications
suppressed; this came out of the calibration of the guest cost on the virtio cell alone.

Where the model disagrees:
- **Superlinear scaling with vCPUs** (published vhost-blk 110k → 247k → 558k for 1 → 2 → 4 vCPUs; simulated
  {kiops(iops('vhost-blk', 1))} → {kiops(iops('vhost-blk', 2))} → {kiops(iops('vhost-blk', 4))}). pollsim's
  guest pays a fixed vCPU cost per request, so a guest-bound configuration scales at best linearly. A real guest
  reaps every used buffer per interrupt and fio batches its submissions, so its cost per request falls as load
  rises; the model has no per-interrupt (per batch) guest cost.
- **virtio falling at 8 vCPUs** (published 310k → 271k; simulated {kiops(iops('virtio', 4))} →
  {kiops(iops('virtio', 8))}). In the model a busier IOThread batches more and gets cheaper per request; the real one
  got slower, probably from contention the model does not have (8 vCPU threads, the IOThread and the thread pool's
  workers on the same host CPUs).
- **Two kernel threads** ({kiops(iops('vhost-blk', 8, 2))} simulated vs 803k): with the worker limit lifted the
  model is bound by the guest, 8 vCPUs × the 1-vCPU rate ({kiops(8 * iops('vhost-blk', 1))}); the real guest
  reached less, so something else (host CPUs shared by 8 vCPUs and 2 workers, the block layer) limits it first.
- randwrite equals randread in the model (a RAM disk is given the same 1 µs both ways); the published writes are
  up to 7 % lower at 4 and 8 vCPUs."""
    headline = (f"| 004 vhost-blk | RAMDISK randread: virtio 133k/305k/310k/271k, vhost 110k/247k/558k/576k, 2 threads 803k | "
                f"virtio {'/'.join(kiops(iops('virtio', n)) for n in (1, 2, 4, 8))}, "
                f"vhost {'/'.join(kiops(iops('vhost-blk', n)) for n in (1, 2, 4, 8))}, "
                f"2 threads {kiops(iops('vhost-blk', 8, 2))} |")
    return body, headline


# ---------------------------------------------------------------------------------------------------------------------
# The document


SEEDS = {
    "seed000": seed000_runs,
    "seed001": seed001_runs,
    "seed002": seed002_runs,
    "seed003-optane": seed003_optane_runs,
    "seed003-s390x": seed003_s390x_runs,
    "seed004": seed004_runs,
}


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "scenarios"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + (" with uncommitted changes to Sources/ or scenarios/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def document(results: dict[Run, dict], runs: int, seconds: float, processes: int, load: float) -> str:
    logs = {name: ErrorLog() for name in ("000", "001", "002", "003o", "003d", "003z", "004")}
    s0, h0 = seed000(results, logs["000"])
    s1, h1 = seed001(results, logs["001"])
    s2, h2 = seed002(results, logs["002"])
    s3, h3 = seed003_optane(results, logs["003o"], logs["003d"])
    s3z, h3z = seed003_s390x(results, logs["003z"])
    s4, h4 = seed004(results, logs["004"])
    cpus = os.cpu_count() or 0
    summary = table(
        ["seed", "published (headline)", "pollsim"], [], "lll").splitlines()
    summary = "\n".join(summary + [h0, h1, h2, h3, h3z, h4])
    errors = table(["seed", "calibrated cells", "prediction errors"], [
        ["000 many disks", str(len(logs["000"].calibrations)) + " (and 1 used by the bare-metal profile)",
         logs["000"].summary()],
        ["001 O(1) dispatch", str(len(logs["001"].calibrations)), logs["001"].summary()],
        ["002 sync I/O", str(len(logs["002"].calibrations)), logs["002"].summary()],
        ["003 Optane, IOPS", str(len(logs["003o"].calibrations)), logs["003o"].summary()],
        ["003 Optane, poll-weight diff", "0", logs["003d"].summary("pp")],
        ["003 s390x FCP", "0", "ranges and trends only, no cell-by-cell numbers are published (see its section)"],
        ["004 vhost-blk", str(len(logs["004"].calibrations)), logs["004"].summary()],
    ], "lll")
    return f"""\
# Reproductions of the seed threads' published numbers

<!-- Generated by scripts/reproduce.py; do not edit by hand. -->

Each seed thread in `seeds/` publishes measurements of a real QEMU. For each, `scenarios/` holds a scenario that models
the experiment as closely as the thread allows (its header names the source and the published numbers and lists
every modelling choice), and this document puts the published table beside pollsim's, cell by cell, with the
error (pollsim − published) / published unless stated otherwise.

**Calibration versus prediction.** Where the thread's host differs from pollsim's bare-metal profile, a per-seed
profile file under `scenarios/profiles/` changes as few host costs as possible, each fitted to a named published cell
and documented in the file. Those cells are marked *(cal.)* or *calibration* and say nothing about the model's
accuracy; every other cell is a **prediction**. The bare-metal defaults are unchanged.

**Regenerate** (from the repository root; Python 3 standard library only, at most {MAX_PROCESSES} pollsim processes
at a time):

```sh
{COMMAND}
```

This version: {runs} pollsim runs in {seconds:.0f} s of wall-clock time with {processes} processes on a
{cpus}-CPU {platform.machine()} machine (load average {load:.1f} when the runs started; the machine is shared, so
expect the time to vary) for pollsim {git_revision()}, not counting the build. Every simulated number
below comes from those runs; each row's exact command line is `scripts/reproduce.py`'s `Run.shell()`, e.g.

```sh
{seed002_runs()[3].shell()}
```

## Summary

{summary}

{errors}

## Seed 000: many disks and idle-handler removal

`scenarios/seed000-many-disks.yaml` — seeds/000, Stefan Hajnoczi's cover letter of the fdmon/io_uring series (March
2020). randread 4k, iodepth 1, libaio, one disk driven while 100 disks × 32 queues sit idle on the same IOThread.

{s0}

## Seed 001: O(1) dispatch

`scenarios/seed001-o1-dispatch.yaml` — seeds/001, Stefan Hajnoczi, "aio-posix: towards an O(1) event loop"
(2020-02-14). 2 + 99 × 32 virtqueues on one IOThread, polling disabled, randread 4k iodepth 32.

{s1}

## Seed 002: synchronous I/O (AIO, SIO, AIO+SIO)

`scenarios/seed002-sync-io.yaml` — seeds/002, Sergio Lopez's numbers quoted by Stefan Hajnoczi (2019-03-15). null_blk
with a 30 µs completion, 4 vCPUs, 1/2/4 synchronous jobs.

{s2}

## Seed 003: poll-weight on Optane (Stefan Hajnoczi's table)

`scenarios/seed003-optane.yaml` — seeds/003, Stefan Hajnoczi's reply of 2026-02-03 in the RFC v1 thread. One
virtio-blk disk on an Optane P4800X, 8 vCPUs, iodepth 8, 8 virtqueues; with two IOThreads the virtqueues alternate
between them (`iothread-vq-mapping`, as in QEMU).

{s3}

## Seed 003: poll-weight on s390x with FCP (Jaehoon Kim's figures)

`scenarios/seed003-s390x-fcp.yaml` — seeds/003, Jaehoon Kim's cover letter (2026-01-13) and setup description
(2026-01-23), and the RFC v1 commit message's per-weight table (reference §3.2). 16 virtio disks on FCP multipath,
12 vCPUs, iodepth 8.

{s3z}

## Seed 004: vhost-blk

`scenarios/seed004-vhost-blk.yaml` — seeds/004, Andrey Zhadchenko's vhost-blk RFC v2 cover letter. RAMDISK, 4k,
iodepth 128, vq == vcpu == numjobs.

{s4}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=MAX_PROCESSES,
                        help=f"pollsim processes at once (1 or {MAX_PROCESSES}; default {MAX_PROCESSES})")
    parser.add_argument("--output", default=OUTPUT, help="where to write the document (default docs/reproductions.md)")
    parser.add_argument("--only", choices=sorted(SEEDS), help="run one seed's rows and print a JSON summary instead")
    args = parser.parse_args()
    processes = max(1, min(args.processes, MAX_PROCESSES))
    if not os.access(BINARY, os.X_OK):
        print(f"reproduce.py: {BINARY} not found; run `swift build -c release` first", file=sys.stderr)
        return 1
    names = [args.only] if args.only else list(SEEDS)
    runs = [run for name in names for run in SEEDS[name]()]
    load = os.getloadavg()[0]
    start = time.monotonic()
    results = execute(runs, processes)
    seconds = time.monotonic() - start
    if args.only:
        for run in dict.fromkeys(runs):
            r = results[run]
            print(json.dumps({"command": run.shell(), "iops": r["iops"], "lat_mean_ns": r["latency_ns"]["mean"],
                              "cpu": [t["cpu_util"] for t in r["iothreads"]]}))
        return 0
    text = document(results, len(results), seconds, processes, load)
    with open(args.output + ".tmp", "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(args.output + ".tmp", args.output)
    print(f"wrote {os.path.relpath(args.output, ROOT)}: {len(results)} runs in {seconds:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
