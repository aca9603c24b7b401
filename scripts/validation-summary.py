#!/usr/bin/env python3
"""The tables of docs/validation.md's campaign results, from a campaign's `validate` CSV files.

Usage: scripts/validation-summary.py OUT   (OUT written by scripts/validation-campaign.sh with RUNS=3)
Per device and policy: the simulated value (or its range when it differs between runs), the mean of the measured
values and the range of the errors over the three runs; then per synthetic run the host's wake-ups (the probes'
against the replay's own) and, where `validate` simulated a second time with the replay's own costs (CSV column
`costs` = replay since campaign 13, `wakeups` in campaign 12), that simulation's errors beside the main one's.
"""
import csv
import statistics as st
import sys

D=sys.argv[1]


def rows(path, simulation):
    """The CSV's rows of one simulation, by metric: "main" (the probes' or the profile's), or "replay"."""
    return {r['metric']: r for r in csv.DictReader(open(path))
            if ((r.get('costs') or r.get('wakeups')) == 'replay') == (simulation == 'replay')}


def main_rows(path):
    return rows(path, 'main')


for dev in ['synthetic','file']:
    print(f"\n{dev}\n| policy | IOPS sim / real (error %) | p50 µs sim / real (error %) | p99 error % | CPU % sim / real (error pp) | poll+dispatch CPU % sim / real | demerit | poll hit % sim / real | mean poll_ns µs sim / real |\n|---|---|---|---|---|---|---|---|---|")
    for p in ['none','busy','classic','poll-weight']:
        runs=[main_rows(f"{D}/{dev}-{p}-{i}.csv") for i in (1,2,3)]
        def col(m,scale=1,dec=1,kind='rel'):
            sims=[float(r[m]['simulated'])*scale for r in runs]; meas=[float(r[m]['measured'])*scale for r in runs]; errs=[float(r[m]['error']) for r in runs]
            simtxt = (f"{st.mean(sims):.{dec}f}" if max(sims)-min(sims) < 1e-9*max(1,abs(max(sims))) else f"{min(sims):.{dec}f}–{max(sims):.{dec}f}")
            return simtxt, f"{st.mean(meas):.{dec}f}", f"{min(errs):+.1f} … {max(errs):+.1f}"
        def k(v): return f"{v/1000:.1f}k"
        i=[float(r['iops']['simulated']) for r in runs]; im=st.mean(float(r['iops']['measured']) for r in runs); ie=[float(r['iops']['error']) for r in runs]
        isim = k(i[0]) if max(i)-min(i)<1 else f"{k(min(i))}–{k(max(i))}"
        l=col('lat_p50_ns',1/1000); p99=col('lat_p99_ns'); c=col('cpu_util',100,0); pd=col('cpu_poll_dispatch',100,0)
        dem=[float(r['demerit']['error']) for r in runs]; h=col('poll_hit_rate',100,0); mp=col('mean_poll_ns',1/1000)
        print(f"| {p} | {isim} / {k(im)} ({min(ie):+.1f} … {max(ie):+.1f}) | {l[0]} / {l[1]} ({l[2]}) | {p99[2]} | {c[0]} / {c[1]} ({c[2]}) | {pd[0]} / {pd[1]} | {min(dem):.2f} … {max(dem):.2f} | {h[0]} / {h[1]} | {mp[0]} / {mp[1]} |")

# The wake-ups `validate` measured around each synthetic replay (its note: before and after, pooled) against the
# replay's own (its "wake-ups from a blocking wait" line): ready / halted p50 and halt-after, in µs (finding 15).
import glob
import os
import re

print("\nwake-ups around each synthetic replay (ready / halted p50 / halt-after, us)\n"
      "| run | probes | replay | IOPS error % | p50 error % | CPU error pp |\n|---|---|---|---|---|---|")
for log in sorted(glob.glob(f"{D}/synthetic-*.log")):
    text = open(log).read()
    probe = re.search(r"wakeup-cross-cpu p50 (\d+)ns.*?halt-after (\d+)ns, wakeup-halted p50 (\d+)ns", text)
    replay = re.search(r"wake-ups from a blocking wait: p50 (\d+) ns \(CPU \d+ ns\) for an event within (\d+) ns "
                       r"of blocking \(\d+ waits\), p50 (\d+) ns", text)
    metrics = main_rows(log[:-4] + ".csv")
    def states(match):
        return f"{int(match.group(1)) / 1e3:.1f} / {int(match.group(3)) / 1e3:.1f} / {int(match.group(2)) / 1e3:.1f}" if match else "–"
    print(f"| {os.path.basename(log)[10:-4]} | {states(probe)} | {states(replay)} | {float(metrics['iops']['error']):+.1f} "
          f"| {float(metrics['lat_p50_ns']['error']):+.1f} | {float(metrics['cpu_util']['error']):+.1f} |")

# The second simulation (campaign 12 on): the replay's own costs (wake-ups split at the probes' halt-after; from
# campaign 13 also the cross-CPU handoffs) against what the first used (the host rows), and both simulations' errors.
second = [path for path in sorted(glob.glob(f"{D}/synthetic-*.csv")) if rows(path, 'replay')]
if second:
    print("\nthe main simulation (probes) and the second (the replay's own costs), synthetic device\n"
          "| run | ready p50 µs probes / replay | halted p50 µs probes / replay | handoff µs profile / replay "
          "| IOPS error % | p50 error % | CPU error pp |\n|---|---|---|---|---|---|---|")
    for path in second:
        main, own = main_rows(path), rows(path, 'replay')
        def host(metric):
            r = main.get(metric)
            return f"{float(r['simulated']) / 1e3:.1f} / {float(r['measured']) / 1e3:.1f}" if r else "–"
        def both(metric):
            return f"{float(main[metric]['error']):+.1f} / {float(own[metric]['error']):+.1f}"
        print(f"| {os.path.basename(path)[10:-4]} | {host('wakeup_cross_cpu_p50_ns')} | {host('wakeup_halted_p50_ns')} "
              f"| {host('cross_cpu_handoff_p50_ns')} | {both('iops')} | {both('lat_p50_ns')} | {both('cpu_util')} |")
