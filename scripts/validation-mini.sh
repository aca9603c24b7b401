#!/usr/bin/env bash
# A short validation campaign on the synthetic device (docs/validation.md, campaign 4): calibrate once (unless
# OUT/host.yaml exists), then `pollsim validate` each policy twice under SCHED_FIFO. Usage:
#   swift build -c release && scripts/validation-mini.sh [OUT]
set -u
cd "$(dirname "$0")/.."
OUT=${1:-validation-mini}
mkdir -p "$OUT"
[ -f $OUT/host.yaml ] || chrt -f 10 .build/release/pollsim calibrate -o $OUT/host.yaml > $OUT/calibrate.log 2>&1
for run in 1 2; do
  for policy in none busy classic poll-weight; do
    sleep 1
    chrt -f 10 .build/release/pollsim validate scenarios/validation/synthetic.yaml --device synthetic --profile $OUT/host.yaml \
      --set iothreads.0.policy=$policy --output-format csv > $OUT/synthetic-$policy-$run.csv 2> $OUT/synthetic-$policy-$run.err
  done
done
