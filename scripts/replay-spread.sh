#!/usr/bin/env bash
# How far the real loop moves from one replay to the next on this machine: ROUNDS rounds (default 8) of back-to-back
# replays of the validation scenario on the synthetic device, one per policy per round, each as `validate` replays it
# (ramp 100 ms + runtime 800 ms under SCHED_FIFO, 1 s apart). No simulation: the spread is the floor under any
# prediction made outside the run (docs/validation.md, finding 23). Summarize with scripts/replay-spread-summary.py.
#
#   swift build -c release
#   scripts/replay-spread.sh OUT
set -euo pipefail
OUT=${1:?usage: scripts/replay-spread.sh OUT}
ROUNDS=${ROUNDS:-8}
POLICIES=${POLICIES:-none busy classic poll-weight}
POLLSIM=${POLLSIM:-.build/release/pollsim}
RT=${RT-chrt -f 10}
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" > "$OUT/load.log"
for round in $(seq "$ROUNDS"); do
    for policy in $POLICIES; do
        $RT "$POLLSIM" replay scenarios/validation/synthetic.yaml --device synthetic \
            --set iothreads.0.policy="$policy" --output-format json \
            > "$OUT/$policy-$round.json" 2> "$OUT/$policy-$round.log"
        sleep 1
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/load.log"
