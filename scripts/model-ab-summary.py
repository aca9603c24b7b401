#!/usr/bin/env python3
"""Mean errors of two model versions against the same real loop (scripts/model-ab.sh).

Usage: scripts/model-ab-summary.py OUT   (reads OUT/POLICY-old-N.csv and OUT/POLICY-new-N.csv, `pollsim validate`'s
CSV; only the first simulation, the prediction from the probes)."""
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

METRICS = ["iops", "lat_p50_ns", "cpu_util", "poll_hit_rate", "mean_poll_ns"]


def main(out):
    errors = defaultdict(list)
    for path in sorted(Path(out).glob("*-*-*.csv")):
        policy, version, _ = path.stem.rsplit("-", 2)
        for row in csv.DictReader(path.open()):
            if row["costs"] == "probes" and row["metric"] in METRICS:
                errors[(policy, row["metric"], version)].append(float(row["error"]))
    if not errors:
        sys.exit(f"{out}: no POLICY-old-N.csv / POLICY-new-N.csv files")
    print("| policy | metric | unit | old: mean error (runs) | new: mean error (runs) |")
    print("|---|---|---|---|---|")
    for policy in sorted({key[0] for key in errors}):
        for metric in METRICS:
            cells = []
            for version in ("old", "new"):
                values = errors.get((policy, metric, version), [])
                runs = " ".join(f"{v:+.1f}" for v in values)
                cells.append(f"{statistics.mean(values):+.1f} ({runs})" if values else "–")
            unit = "pp" if metric in ("cpu_util", "poll_hit_rate") else "%"
            print(f"| {policy} | {metric} | {unit} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
