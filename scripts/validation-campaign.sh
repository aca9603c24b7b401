#!/usr/bin/env bash
# The validation campaign of docs/validation.md: calibrate this host, then simulate and replay the validation
# scenarios for the policies none, busy, classic and poll-weight on the synthetic device and on a file on the real
# disk, and cross-check the replay engine against fio. Results go to OUT as CSV/JSON/YAML.
#
#   swift build -c release
#   scripts/validation-campaign.sh [FILE] [OUT]
#
# FILE (default /var/tmp/pollsim-validation.img) is created with 256 MiB of random data written with O_DIRECT if it
# does not exist; it must be on a real disk (not tmpfs). The campaign only reads it.
set -euo pipefail
FILE=${1:-/var/tmp/pollsim-validation.img}
OUT=${2:-validation-results}
RUNS=${RUNS:-3}
POLLSIM=${POLLSIM:-.build/release/pollsim}
# The real loop's two threads run SCHED_FIFO so that other processes on this shared 2-vCPU machine do not preempt them
# (with SCHED_OTHER, builds running beside the campaign cause millisecond stalls). The kernel gives RT threads 0.95 s
# per second: each replay stays below that (ramp 100 ms + runtime 800 ms) and the campaign pauses between runs.
# RT= (empty) runs without it.
RT=${RT-chrt -f 10}
mkdir -p "$OUT"

if [ ! -f "$FILE" ]; then
    dd if=/dev/urandom of="$FILE" bs=1M count=256 oflag=direct status=none
fi
# The VM's disk is a file in the host's page cache: a block read recently costs about 50 us, one the host has dropped
# 120-180 us (docs/validation.md, finding 13). Reading the whole file once makes every block equally warm, so the
# calibration, the device measurement before each replay and the replays see the same device.
dd if="$FILE" of=/dev/null bs=1M iflag=direct status=none

# The machines are shared: wait (up to QUIET_WAIT_S, default 30 s) for the 1-minute load average to drop below
# QUIET_LOAD (default 0.7), and record it.
wait_quiet() {
    for _ in $(seq $(( ${QUIET_WAIT_S:-30} / 15 ))); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$load" -v q="${QUIET_LOAD:-0.7}" 'BEGIN { exit !(l < q) }' && break
        sleep 15
    done
    echo "load average before run: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.log"
    sleep 1
}

wait_quiet
$RT "$POLLSIM" calibrate -o "$OUT/host-synthetic.yaml"
wait_quiet
$RT "$POLLSIM" calibrate --device "$FILE" -o "$OUT/host-file.yaml"

for run in $(seq "$RUNS"); do
    for policy in none busy classic poll-weight; do
        wait_quiet
        $RT "$POLLSIM" validate scenarios/validation/synthetic.yaml --device synthetic --profile "$OUT/host-synthetic.yaml" \
            --set iothreads.0.policy="$policy" --output-format csv > "$OUT/synthetic-$policy-$run.csv" \
            2> "$OUT/synthetic-$policy-$run.log"
        wait_quiet
        # validate measures the file's read latency just before the replay, and the host's wake-ups just before and
        # after it, and simulates with them (its notes, on standard error, go to the .log).
        $RT "$POLLSIM" validate scenarios/validation/file.yaml --device "$FILE" --profile "$OUT/host-file.yaml" \
            --set iothreads.0.policy="$policy" --output-format csv > "$OUT/file-$policy-$run.csv" \
            2> "$OUT/file-$policy-$run.log"
    done
done

# The replay engine against fio on the same file: 4k random reads at queue depth 1, both on io_uring, like against
# like: fio blocking in io_uring_enter against the replay with policy none (the IOThread blocks too, but a request
# also crosses the guest -> IOThread hop, two wake-ups per I/O instead of one), and fio reaping without blocking
# (--iodepth_batch_complete_min=0: it spins on the completion ring) against the replay with policy busy (the IOThread
# and the guest spin). fio runs 100 ms + 700 ms, under the RT budget as the replays. Alternated XCHECK times (default
# 8), as the disk's speed drifts from second to second; compare the pairs (scripts/crosscheck-summary.py).
XCHECK=${XCHECK:-8}
FIO_COMMON="--name=crosscheck --filename=$FILE --ioengine=io_uring --iodepth=1 --rw=randread --bs=4k --direct=1 \
    --runtime=700ms --ramp_time=100ms --time_based --output-format=json"
for i in $(seq "$XCHECK"); do
    wait_quiet
    $RT fio $FIO_COMMON > "$OUT/fio-block-$i.json"
    wait_quiet
    $RT fio $FIO_COMMON --iodepth_batch_complete_min=0 > "$OUT/fio-spin-$i.json"
    for policy in none busy; do
        wait_quiet
        $RT "$POLLSIM" replay scenarios/validation/file.yaml --device "$FILE" --set iothreads.0.policy=$policy \
            --output-format json > "$OUT/replay-$policy-$i.json"
    done
done

echo "metric rows:"
cat "$OUT"/synthetic-*.csv "$OUT"/file-*.csv | grep -E ',(iops|lat_p50_ns|lat_p99_ns|cpu_util|demerit),'
python3 scripts/crosscheck-summary.py "$OUT"
