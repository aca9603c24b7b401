#!/usr/bin/env bash
# Two versions of the model against the same real loop (docs/validation.md, finding 18): `pollsim validate` on the
# synthetic device with each binary in turn, RUNS rounds of each policy, alternated so that both meet the same drift
# of the host. Each replay is its own, so compare the mean errors over many rounds, not single runs. Usage:
#   git worktree add /tmp/old OLD_COMMIT && (cd /tmp/old && swift build -c release --product pollsim)
#   swift build -c release && chrt -f 10 .build/release/pollsim calibrate -o host.yaml
#   RUNS=5 scripts/model-ab.sh /tmp/old/.build/release/pollsim .build/release/pollsim host.yaml OUT
#   scripts/model-ab-summary.py OUT
# A model parameter is compared the same way with one binary and two profiles: OLD_PROFILE (default HOST_PROFILE)
# is the old version's, e.g. a copy of host.yaml with the parameter set to 0 (docs/validation.md, finding 21).
# DECISIONS=1 also keeps each validation's iteration records (validate --decisions) in OUT/decisions/, for
# scripts/iteration-compare.py.
set -u
cd "$(dirname "$0")/.."
if [ $# -ne 4 ]; then echo "usage: $0 OLD_POLLSIM NEW_POLLSIM HOST_PROFILE OUT" >&2; exit 2; fi
OLD=$1 NEW=$2 PROFILE=$3 OUT=$4
OLD_PROFILE=${OLD_PROFILE:-$PROFILE}
RUNS=${RUNS:-5}
POLICIES=${POLICIES:-classic poll-weight none}
mkdir -p "$OUT"
[ -n "${DECISIONS:-}" ] && mkdir -p "$OUT/decisions"
for run in $(seq "$RUNS"); do
    for policy in $POLICIES; do
        for version in old new; do
            binary=$OLD profile=$OLD_PROFILE
            [ "$version" = new ] && binary=$NEW profile=$PROFILE
            sleep 1
            chrt -f 10 "$binary" validate scenarios/validation/synthetic.yaml --device synthetic --profile "$profile" \
                --set iothreads.0.policy="$policy" --output-format csv \
                ${DECISIONS:+--decisions "$OUT/decisions/$policy-$version-$run"} > "$OUT/$policy-$version-$run.csv" \
                2> "$OUT/$policy-$version-$run.log" || exit 1
        done
    done
done
