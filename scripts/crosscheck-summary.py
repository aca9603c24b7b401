#!/usr/bin/env python3
"""The replay engine against fio (scripts/validation-campaign.sh): IOPS of each alternated pair and the median ratio.

Usage: scripts/crosscheck-summary.py OUT   (reads OUT/fio-block-N.json, fio-spin-N.json, replay-none-N.json,
replay-busy-N.json, as the campaign writes them)."""
import json
import statistics
import sys
from pathlib import Path


def fio_iops(path):
    return json.loads(path.read_text())["jobs"][0]["read"]["iops"]


def replay_iops(path):
    return json.loads(path.read_text())["iops"]


def main(out):
    out = Path(out)
    pairs = sorted(int(p.stem.rsplit("-", 1)[1]) for p in out.glob("fio-block-*.json"))
    if not pairs:
        sys.exit(f"{out}: no fio-block-N.json files")
    print("| pair | fio, blocking | replay, policy none | fio, spinning | replay, policy busy |")
    print("|---|---|---|---|---|")
    ratios = {"none": [], "busy": []}
    for n in pairs:
        block, spin = fio_iops(out / f"fio-block-{n}.json"), fio_iops(out / f"fio-spin-{n}.json")
        none, busy = replay_iops(out / f"replay-none-{n}.json"), replay_iops(out / f"replay-busy-{n}.json")
        ratios["none"].append(none / block)
        ratios["busy"].append(busy / spin)
        print(f"| {n} | {block:,.0f} | {none:,.0f} ({none / block - 1:+.0%}) | {spin:,.0f} | {busy:,.0f} ({busy / spin - 1:+.0%}) |")
    for policy, fio in (("none", "blocking"), ("busy", "spinning")):
        print(f"median ratio replay ({policy}) / fio ({fio}): {statistics.median(ratios[policy]):.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
