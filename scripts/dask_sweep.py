#!/usr/bin/env python3
"""Run one `pollsim sweep` as N shards on a dask.distributed cluster, then merge the shards.

    .venv/bin/python scripts/dask_sweep.py --local-workers 2 --shards 4 -o results.csv -- \\
        scenarios/default.yaml --vary jobs.0.iodepth=1..16 --replications 3

    .venv/bin/python scripts/dask_sweep.py --scheduler tcp://10.0.0.5:8786 --shards 64 -o results.csv -- \\
        scenario.yaml --vary ...

Everything after `--` is passed to `pollsim sweep` unchanged, plus `--shard K/N -o <shard file> --quiet` and
`-j <--threads-per-shard>`. Each dask task runs one shard as a subprocess; its CSV comes back to this process, which
writes the shards into the work directory and runs `pollsim merge` on them. The merged file is byte-identical to what
`pollsim sweep <same arguments> -o results.csv` writes in one process (docs/sweeps.md).

With a remote scheduler, every worker must be able to run the same pollsim binary on the same scenario path (a shared
file system, or the same checkout at the same path on every host). Shards write their file (and, while running, its
journal) into the work directory as seen by the worker; a shard whose file already exists in this process's work
directory is not submitted again, so re-running the driver after a failure runs only the missing shards.

Install the pinned dependencies with `make venv` (requirements-dask.txt).
"""

import argparse
import os
import subprocess
import sys
import time


def run_shard(pollsim, sweep_args, index, count, path, threads):
    """Runs one shard on a worker and returns its CSV text. Raises with pollsim's message when it fails."""
    command = [pollsim, "sweep", *sweep_args, "--shard", f"{index}/{count}", "-o", path, "--quiet", "-j", str(threads)]
    started = time.monotonic()
    completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"shard {index}/{count} failed (exit {completed.returncode}): {' '.join(command)}\n"
                           f"{completed.stderr.strip()}")
    with open(path, encoding="utf-8") as handle:
        return index, handle.read(), time.monotonic() - started


def main(argv):
    parser = argparse.ArgumentParser(
        description="Fan `pollsim sweep --shard k/N` out to a dask cluster and merge the shards.",
        usage="%(prog)s (--scheduler ADDRESS | --local-workers N) --shards N -o OUT [options] -- SWEEP-ARGS...")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--scheduler", help="address of a running dask scheduler, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--local-workers", type=int, metavar="N",
                       help="start a LocalCluster with N single-threaded worker processes on this machine")
    parser.add_argument("--shards", type=int, required=True, metavar="N", help="number of shards (dask tasks)")
    parser.add_argument("-o", "--output", required=True, help="merged CSV file")
    parser.add_argument("--pollsim", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                          ".build", "release", "pollsim"),
                        help="path of the pollsim binary on the workers (default: this checkout's release build)")
    parser.add_argument("--workdir", help="directory for the shard files (default: OUTPUT.shards)")
    parser.add_argument("--threads-per-shard", type=int, default=1, metavar="T",
                        help="pollsim -j for each shard (default 1: one core per dask worker thread)")
    parser.add_argument("--keep-shards", action="store_true", help="keep the shard files after merging")
    if "--" not in argv:
        parser.error("put pollsim sweep's arguments after --")
    split = argv.index("--")
    options = parser.parse_args(argv[:split])
    sweep_args = argv[split + 1:]
    if options.shards < 1:
        parser.error("--shards must be >= 1")
    for forbidden in ("--shard", "-o", "--output"):
        if forbidden in sweep_args or any(a.startswith(forbidden + "=") for a in sweep_args):
            parser.error(f"{forbidden} is set by the driver; leave it out of the sweep arguments")

    pollsim = os.path.abspath(options.pollsim)
    # Check the sweep (scenario, --vary, --set) before starting a cluster: pollsim reports bad values itself.
    check = subprocess.run([pollsim, "sweep", *sweep_args, "--dry-run"], stdout=subprocess.DEVNULL)
    if check.returncode != 0:
        return check.returncode
    workdir = os.path.abspath(options.workdir or options.output + ".shards")
    os.makedirs(workdir, exist_ok=True)
    count = options.shards
    paths = {k: os.path.join(workdir, f"shard-{k}-of-{count}.csv") for k in range(1, count + 1)}
    texts = {}
    for k, path in paths.items():
        if os.path.exists(path):  # finished by an earlier run of the driver
            with open(path, encoding="utf-8") as handle:
                texts[k] = handle.read()

    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if options.local_workers is not None:
        cluster = LocalCluster(n_workers=options.local_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(options.scheduler)
    try:
        pending = [k for k in paths if k not in texts]
        print(f"dask_sweep: {count} shards, {len(texts)} already done, {len(pending)} to run on "
              f"{len(client.scheduler_info().get('workers', {}))} workers", file=sys.stderr)
        futures = [client.submit(run_shard, pollsim, sweep_args, k, count, paths[k], options.threads_per_shard,
                                 key=f"pollsim-shard-{k}-of-{count}-{os.getpid()}", pure=False)
                   for k in pending]
        for future in as_completed(futures):
            k, text, seconds = future.result()
            texts[k] = text
            with open(paths[k], "w", encoding="utf-8") as handle:  # this side's copy (remote workers)
                handle.write(text)
            print(f"dask_sweep: shard {k}/{count} done in {seconds:.1f} s", file=sys.stderr)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    merge = subprocess.run([pollsim, "merge", *[paths[k] for k in sorted(paths)], "-o", options.output])
    if merge.returncode != 0:
        return merge.returncode
    if not options.keep_shards:
        for path in paths.values():
            os.remove(path)
        try:
            os.rmdir(workdir)
        except OSError:
            pass
    print(f"dask_sweep: merged {count} shards into {options.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
