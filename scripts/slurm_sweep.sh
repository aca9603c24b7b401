#!/usr/bin/env bash
# Runs one `pollsim sweep` as a Slurm job array (one array task per shard) plus a merge job that starts when every
# shard has succeeded. See docs/sweeps.md.
#
#   scripts/slurm_sweep.sh submit --shards 32 -o results.csv [--cpus-per-task 2] [--time 01:00:00] \
#       [--partition NAME] [--account NAME] [--pollsim PATH] -- scenario.yaml --vary ... --replications 3
#
# Everything after `--` goes to `pollsim sweep` unchanged. Shard k of N writes OUTPUT.shards/shard-k-of-N.csv (and its
# journal, shard-k-of-N.csv.partial, while it runs: a requeued or resubmitted task resumes from it); the merge job runs
# `pollsim merge` into OUTPUT. The working directory, the pollsim binary and the scenario must be on a file system that
# every node sees. The `task` and `merge` modes are what the submitted jobs run; they are not meant to be called by
# hand (but can be: `SLURM_ARRAY_TASK_ID=3 scripts/slurm_sweep.sh task 8 results.csv ...` runs shard 3 of 8 here).
#
# Not tested against a real Slurm cluster (none is available where pollsim is developed); the submit/task/merge logic
# was exercised with a stand-in `sbatch` that runs the jobs in sequence.
set -euo pipefail

script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
default_pollsim=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/release/pollsim

usage() {
    sed -n '2,9p' "$script" >&2
    exit 2
}

shard_file() {  # shard_file OUTPUT K N
    printf '%s.shards/shard-%s-of-%s.csv\n' "$1" "$2" "$3"
}

mode=${1:-}
[ -n "$mode" ] || usage
shift

case "$mode" in
submit)
    shards="" output="" cpus=1 time_limit="" partition="" account="" pollsim=$default_pollsim
    while [ $# -gt 0 ]; do
        case "$1" in
        --shards) shards=$2; shift 2 ;;
        -o|--output) output=$2; shift 2 ;;
        --cpus-per-task) cpus=$2; shift 2 ;;
        --time) time_limit=$2; shift 2 ;;
        --partition) partition=$2; shift 2 ;;
        --account) account=$2; shift 2 ;;
        --pollsim) pollsim=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "slurm_sweep: unknown option '$1'" >&2; usage ;;
        esac
    done
    [[ "$shards" =~ ^[1-9][0-9]*$ ]] || { echo "slurm_sweep: --shards N (N >= 1) is required" >&2; exit 2; }
    [ -n "$output" ] || { echo "slurm_sweep: -o OUTPUT is required" >&2; exit 2; }
    [ $# -gt 0 ] || { echo "slurm_sweep: give pollsim sweep's arguments after --" >&2; exit 2; }
    [ -x "$pollsim" ] || { echo "slurm_sweep: no pollsim binary at '$pollsim' (build it, or use --pollsim)" >&2; exit 2; }
    output=$(cd "$(dirname "$output")" && pwd)/$(basename "$output")
    pollsim=$(cd "$(dirname "$pollsim")" && pwd)/$(basename "$pollsim")
    # Check the sweep (scenario, --vary, --set) here, before anything is queued.
    "$pollsim" sweep "$@" --dry-run >/dev/null
    mkdir -p "$output.shards"
    common=(--parsable --job-name=pollsim-sweep --chdir="$PWD")
    [ -n "$time_limit" ] && common+=(--time="$time_limit")
    [ -n "$partition" ] && common+=(--partition="$partition")
    [ -n "$account" ] && common+=(--account="$account")
    array_job=$(sbatch "${common[@]}" --array="1-$shards" --cpus-per-task="$cpus" --requeue \
        --output="$output.shards/slurm-%A_%a.log" \
        "$script" task "$shards" "$output" "$pollsim" -- "$@")
    array_job=${array_job%%;*}
    merge_job=$(sbatch "${common[@]}" --dependency="afterok:$array_job" --cpus-per-task=1 \
        --output="$output.shards/slurm-%j-merge.log" \
        "$script" merge "$shards" "$output" "$pollsim")
    merge_job=${merge_job%%;*}
    echo "slurm_sweep: submitted array job $array_job ($shards shards) and merge job $merge_job -> $output"
    ;;
task)
    [ $# -ge 4 ] && [ "$4" = "--" ] || usage
    shards=$1 output=$2 pollsim=$3
    shift 4
    k=${SLURM_ARRAY_TASK_ID:?task mode runs as a Slurm array task (SLURM_ARRAY_TASK_ID is not set)}
    threads=${SLURM_CPUS_PER_TASK:-1}
    mkdir -p "$output.shards"
    exec "$pollsim" sweep "$@" --shard "$k/$shards" -j "$threads" --quiet -o "$(shard_file "$output" "$k" "$shards")"
    ;;
merge)
    [ $# -eq 3 ] || usage
    shards=$1 output=$2 pollsim=$3
    files=()
    for k in $(seq 1 "$shards"); do files+=("$(shard_file "$output" "$k" "$shards")"); done
    "$pollsim" merge "${files[@]}" -o "$output"
    echo "slurm_sweep: merged $shards shards into $output"
    ;;
*)
    usage
    ;;
esac
