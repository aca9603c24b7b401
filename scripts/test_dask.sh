#!/usr/bin/env bash
# make test-dask: a tiny sweep run by scripts/dask_sweep.py on a LocalCluster with 2 workers (4 shards) must merge to
# exactly the CSV that one pollsim process writes for the same sweep. Expects .venv (make venv) and a built pollsim.
set -euo pipefail
cd "$(dirname "$0")/.."
pollsim=${POLLSIM:-.build/release/pollsim}
work=$(mktemp -d "${TMPDIR:-/tmp}/pollsim-test-dask.XXXXXX")
trap 'rm -rf "$work"' EXIT
sweep=(scenarios/default.yaml --set runtime=5ms --set ramp_time=1ms --vary jobs.0.iodepth=1..3 --vary jobs.0.bs=4k,8k
       --replications 2 --seed 7)

"$pollsim" sweep "${sweep[@]}" -j 1 --quiet -o "$work/single.csv"
.venv/bin/python scripts/dask_sweep.py --local-workers 2 --shards 4 --pollsim "$pollsim" -o "$work/dask.csv" \
    -- "${sweep[@]}" 2>"$work/dask.log" || { cat "$work/dask.log" >&2; exit 1; }

rows=$(($(wc -l <"$work/single.csv") - 1))
if cmp -s "$work/single.csv" "$work/dask.csv"; then
    echo "test-dask: OK: 4 shards on a 2-worker dask LocalCluster merged to the single-process CSV byte for byte ($rows rows)"
else
    echo "test-dask: FAILED: the merged CSV differs from the single-process one" >&2
    diff "$work/single.csv" "$work/dask.csv" | head -20 >&2
    cat "$work/dask.log" >&2
    exit 1
fi
