#!/usr/bin/env bash
# Whole-model benchmarks (issue 9), printed as figures, never asserted: simulator speed, events per I/O, the share
# of time in GSL sampling, cost per I/O with 3 200 idle handlers, and peak memory against simulated run length.
# Usage: scripts/bench-model.sh   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pollsim >/dev/null
bin=.build/release/pollsim
field() { python3 -c "import json,sys; r=json.load(open('$1')); print($2)"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

echo "== Speed: benchmarks/optane-4x8.yaml (2 s simulated after 100 ms ramp), best of 3"
best=0
for i in 1 2 3; do
    $bin run benchmarks/optane-4x8.yaml --output-format json > "$tmp/speed.json"
    s=$(field "$tmp/speed.json" "r['sim']['sim_per_wall']")
    best=$(python3 -c "print(max($best, $s))")
done
field "$tmp/speed.json" "'IOPS %.0f, events/IO %.2f, events %d' % (r['iops'], r['sim']['events_per_io'], r['sim']['events'])"
echo "simulated s per wall s: $best"

if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
    echo "== Where the time goes (perf, optane-4x8): share of samples in GSL sampling and libm"
    perf record -q -o "$tmp/perf.data" $bin run benchmarks/optane-4x8.yaml >/dev/null 2>&1
    perf report -i "$tmp/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E "libgsl|libm|pollsim|libswiftCore" | sed 's/^ */  /'
fi

echo "== Scale: benchmarks/one-disk.yaml vs many-disks.yaml (100 disks x 32 queues, idle removal)"
$bin run benchmarks/one-disk.yaml --output-format json > "$tmp/one.json"
$bin run benchmarks/many-disks.yaml --output-format json > "$tmp/many.json"
one=$(field "$tmp/one.json" "r['sim']['sim_per_wall']")
many=$(field "$tmp/many.json" "r['sim']['sim_per_wall']")
field "$tmp/one.json" "'one disk:   IOPS %.0f, %.2f simulated s per wall s' % (r['iops'], r['sim']['sim_per_wall'])"
field "$tmp/many.json" "'100 x 32:   IOPS %.0f, %.2f simulated s per wall s, %.1f handlers per pass' % (r['iops'], r['sim']['sim_per_wall'], r['iothreads'][0]['poll']['handlers_per_pass'])"
python3 -c "print('ratio many/one: %.2f' % ($many / $one))"

echo "== Memory: peak RSS of optane-4x8 against simulated run length"
for runtime in 1s 10s 100s; do
    /usr/bin/time -f "%M" -o "$tmp/rss" $bin run benchmarks/optane-4x8.yaml --set runtime=$runtime --output-format json > "$tmp/mem.json"
    printf 'runtime %-5s peak RSS %6d KiB, wall %.1f s\n' "$runtime" "$(cat "$tmp/rss")" "$(field "$tmp/mem.json" "r['sim']['wall_s']")"
done
