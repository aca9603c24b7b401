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

speed() {  # label, output name, pollsim run arguments...: the run's figures and its best speed of 3
    local label=$1 out="$tmp/$2.json" best=0 s; shift 2
    echo "== $label, best of 3"
    for i in 1 2 3; do
        $bin run "$@" --output-format json > "$out"
        s=$(field "$out" "r['sim']['sim_per_wall']")
        best=$(python3 -c "print(max($best, $s))")
    done
    field "$out" "'IOPS %.0f, events/IO %.2f, events %d' % (r['iops'], r['sim']['events_per_io'], r['sim']['events'])"
    echo "simulated s per wall s: $best"
}
speed "Speed: benchmarks/optane-4x8.yaml (2 s simulated after 100 ms ramp)" speed benchmarks/optane-4x8.yaml
speed "Speed at about 250k IOPS: scenarios/seed003-optane.yaml (calibrated Xeon profile), poll-weight, numjobs 4, bs 4k" \
    speed250 scenarios/seed003-optane.yaml --set iothreads.0.policy=poll-weight --set jobs.0.numjobs=4 \
    --set jobs.0.bs=4k --set runtime=2s --set ramp_time=100ms
speed "Speed at exactly 250k IOPS: benchmarks/optane-4x8.yaml rate-limited (rate_iops 62500 per job, Poisson arrivals)" \
    speedrate benchmarks/optane-4x8.yaml --set jobs.0.rate_iops=62500 --set jobs.0.rate_process=poisson

if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
    echo "== Where the time goes (perf, optane-4x8): share of samples in GSL sampling and libm"
    perf record -q -o "$tmp/perf.data" $bin run benchmarks/optane-4x8.yaml >/dev/null 2>&1
    perf report -i "$tmp/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E "libgsl|libm|pollsim|libswiftCore" | sed 's/^ */  /'
fi

echo "== Scale: one disk vs 100 disks x 32 queues on one IOThread (1 s simulated, no ramp unless noted)"
scale() {  # label, scenario, overrides...
    local label=$1 file=$2; shift 2
    $bin run "$file" "$@" --output-format json > "$tmp/scale.json"
    field "$tmp/scale.json" "'%-34s IOPS %7.0f  handlers/pass %7.1f  %6.2f simulated s per wall s  %6.3f wall us per simulated I/O' % ('$label', r['iops'], r['iothreads'][0]['poll']['handlers_per_pass'], r['sim']['sim_per_wall'], r['sim']['wall_s'] * 1e6 / max(1, r['jobs'][0]['ios']))"
}
scale "one disk" benchmarks/one-disk.yaml --set ramp_time=0
scale "100 x 32, every handler polled" benchmarks/many-disks.yaml --set ramp_time=0 \
    --set iothreads.0.fdmon=epoll --set iothreads.0.idle-handler-removal=false
scale "100 x 32, idle removal (8 s ramp)" benchmarks/many-disks.yaml

echo "== Sweeps: the same 48-run sweep of the default scenario with -j 1 and -j 2 (docs/sweeps.md, \"Parallel runs\")"
sweep() {  # jobs, output CSV; prints the wall seconds
    local start end
    start=$(date +%s.%N)
    $bin sweep --vary jobs.0.iodepth=1..8 --vary iothreads.0.policy=classic,poll-weight --replications 3 \
        -j "$1" --quiet > "$2"
    end=$(date +%s.%N)
    python3 -c "print('%.2f' % ($end - $start))"
}
j1=$(sweep 1 "$tmp/sweep1.csv"); j2=$(sweep 2 "$tmp/sweep2.csv")
cmp -s "$tmp/sweep1.csv" "$tmp/sweep2.csv" && same="identical CSVs" || same="CSVs DIFFER"
python3 -c "print('-j 1: $j1 s, -j 2: $j2 s, speed-up %.2f ($same)' % ($j1 / $j2))"

echo "== Memory: peak RSS of optane-4x8 against simulated run length"
for runtime in 1s 10s 100s; do
    /usr/bin/time -f "%M" -o "$tmp/rss" $bin run benchmarks/optane-4x8.yaml --set runtime=$runtime --output-format json > "$tmp/mem.json"
    printf 'runtime %-5s peak RSS %6d KiB, wall %.1f s\n' "$runtime" "$(cat "$tmp/rss")" "$(field "$tmp/mem.json" "r['sim']['wall_s']")"
done
