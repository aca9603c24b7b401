"""Runs pollsim for the notebooks: points in parallel (at most 2 processes), results cached under out/cache.

A *point* is one `pollsim run SCENARIO --output-format json --reproducible [--set key=value]... [--seed N]` call,
optionally with `--timeline` and `--latency-cdf`. Results are cached in `<out_dir>/cache/<key>/`, where the key is a
hash of the pollsim binary's bytes, the scenario file's text (and any profile file it or an override names) and the
arguments, so a rebuilt binary or an edited scenario runs again and an unchanged one is read back.

`run_grid` runs a grid of points and returns the same tidy table `pollsim sweep` writes (one row per point x
replication: the varied keys as columns named by key path or case name, `point`, `replication`, then the columns of
`pollsim run --output-format csv`: `scenario`, `seed`, `iops`, `cpu_cores`, `lat_p50_ns`, ...; docs/output-format.md).
A notebook that reads that table does not care which of the two produced it: switching to `pollsim sweep` means
replacing the call to `run_grid` by `pandas.read_csv` of the sweep's file.

`run_validation` runs one `pollsim validate ... --output-format json` (a simulation and a real io_uring replay) and
returns its ValidationReport, cached the same way.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pandas as pd

#: At most this many pollsim processes at once: the project's machines have 2 cores.
MAX_WORKERS = 2


@dataclasses.dataclass(frozen=True)
class RunOutput:
    """One point's outputs: the parsed JSON result and the paths of the optional CSV files."""

    result: dict
    args: tuple[str, ...]
    directory: Path
    timeline: Path | None = None
    latency_cdf: Path | None = None
    cached: bool = False

    def timeline_frame(self) -> pd.DataFrame:
        """`time_ns,iothread,poll_ns,budget_ns`, one row per aio_poll iteration (budget -1 = unbounded)."""
        if self.timeline is None:
            raise ValueError("this point was run without timeline=True")
        return pd.read_csv(self.timeline)

    def latency_cdf_frame(self) -> pd.DataFrame:
        """`job,latency_ns,fraction`: job "all" and each job, latencies ascending."""
        if self.latency_cdf is None:
            raise ValueError("this point was run without latency_cdf=True")
        return pd.read_csv(self.latency_cdf, dtype={"job": str})


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalise_sets(sets: Mapping[str, object] | Iterable[str] | None) -> tuple[str, ...]:
    """`{"a.b": 1}` or `["a.b=1"]` -> `("a.b=1",)`, in the given order (later overrides win, as in pollsim)."""
    if sets is None:
        return ()
    if isinstance(sets, Mapping):
        return tuple(f"{key}={value}" for key, value in sets.items())
    return tuple(str(item) for item in sets)


class Runner:
    """Runs pollsim points against one scenario, with a result cache and at most `max_workers` processes."""

    def __init__(self, binary: str | os.PathLike, scenario: str | os.PathLike | None, out_dir: str | os.PathLike,
                 max_workers: int = MAX_WORKERS):
        self.binary = Path(os.path.abspath(binary))
        if not self.binary.is_file():
            raise FileNotFoundError(f"pollsim binary not found: {self.binary} (build it with `swift build -c release`)")
        self.scenario = Path(os.path.abspath(scenario)) if scenario else None
        if self.scenario is not None and not self.scenario.is_file():
            raise FileNotFoundError(f"scenario not found: {self.scenario}")
        self.out_dir = Path(out_dir)
        self.cache_dir = self.out_dir / "cache"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.max_workers = max(1, min(max_workers, MAX_WORKERS))
        self._binary_digest = _sha256_file(self.binary)
        self.runs = 0          # points pollsim ran
        self.cache_hits = 0    # points read back from the cache
        self._lock = threading.Lock()

    # MARK: keys

    def _profile_digests(self, sets: tuple[str, ...]) -> dict[str, str]:
        """Digests of profile files the scenario or an override names (they change results without changing args)."""
        if self.scenario is None:
            return {}
        names = re.findall(r"^profile:\s*([^\s#]+)", self.scenario.read_text(), flags=re.MULTILINE)
        names += [item.split("=", 1)[1] for item in sets if item.split("=", 1)[0] == "profile"]
        digests = {}
        for name in names:
            path = (self.scenario.parent / name.strip("'\""))
            if path.is_file():
                digests[name] = _sha256_file(path)
        return digests

    def _key(self, args: tuple[str, ...], sets: tuple[str, ...]) -> str:
        identity = {
            "binary": self._binary_digest,
            "scenario": _sha256_file(self.scenario) if self.scenario else "built-in default",
            "profiles": self._profile_digests(sets),
            "args": list(args),
        }
        return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]

    # MARK: running

    def command(self, sets=None, seed: int | None = None) -> list[str]:
        """The pollsim command line of a point (without the output-file options)."""
        args = [str(self.binary), "run"]
        if self.scenario is not None:
            args.append(str(self.scenario))
        args += ["--output-format", "json", "--reproducible"]
        for item in _normalise_sets(sets):
            args += ["--set", item]
        if seed is not None:
            args += ["--seed", str(seed)]
        return args

    def run(self, sets=None, seed: int | None = None, timeline: bool = False,
            latency_cdf: bool = False) -> RunOutput:
        """Runs one point (or reads it from the cache)."""
        normalised = _normalise_sets(sets)
        args = tuple(self.command(normalised, seed)[1:])
        flags = ("timeline",) * timeline + ("latency-cdf",) * latency_cdf
        key_args = tuple(part for part in args if self.scenario is None or part != str(self.scenario))
        directory = self.cache_dir / self._key(key_args + flags, normalised)
        done = directory / "result.json"
        cached = done.is_file()
        if not cached:
            self._execute(directory, normalised, seed, timeline, latency_cdf)
        with self._lock:
            if cached:
                self.cache_hits += 1
            else:
                self.runs += 1
        return RunOutput(
            result=json.loads(done.read_text()),
            args=args,
            directory=directory,
            timeline=directory / "timeline.csv" if timeline else None,
            latency_cdf=directory / "latency-cdf.csv" if latency_cdf else None,
            cached=cached,
        )

    def _execute(self, directory: Path, sets: tuple[str, ...], seed, timeline: bool, latency_cdf: bool) -> None:
        staging = Path(tempfile.mkdtemp(prefix=directory.name + ".", dir=self.cache_dir))
        try:
            command = self.command(sets, seed)
            if timeline:
                command += ["--timeline", str(staging / "timeline.csv")]
            if latency_cdf:
                command += ["--latency-cdf", str(staging / "latency-cdf.csv")]
            command += ["--output", str(staging / "result.json")]
            completed = subprocess.run(command, capture_output=True, text=True)
            if completed.returncode != 0:
                shown = " ".join(_quote(part) for part in command)
                raise RuntimeError(f"pollsim failed (exit {completed.returncode}):\n  {shown}\n{completed.stderr.strip()}")
            (staging / "command.json").write_text(json.dumps(command[1:], indent=1) + "\n")
            if directory.exists():  # another process finished the same point first
                shutil.rmtree(staging)
            else:
                os.replace(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def run_many(self, points: Sequence[Mapping]) -> list[RunOutput]:
        """Runs points (dicts of `run`'s keyword arguments) with at most `max_workers` processes, in order."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.max_workers) as pool:
            futures = [pool.submit(self.run, **point) for point in points]
            return [future.result() for future in futures]


def _quote(text: str) -> str:
    return text if re.fullmatch(r"[\w@%+=:,./-]+", text) else "'" + text.replace("'", "'\\''") + "'"


# MARK: sweep-shaped tables

_MASK64 = (1 << 64) - 1


def replication_seed(base: int, replication: int) -> int:
    """The seed of replication k, as `pollsim sweep` computes it (common random numbers: every point of a grid uses
    the same seed for replication k): output k of a SplitMix64 generator started at the base seed."""
    z = (base + (replication + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


@dataclasses.dataclass(frozen=True)
class Axis:
    """One dimension of a grid, as `pollsim sweep --vary` takes it.

    A key axis sets one key path to each value: `Axis.key("jobs.0.bs", ["8k", "128k"])` (the column is the key
    path). A case axis names levels that set several keys: `Axis.cases("config", {"pw1": {"iothreads.0.policy":
    "poll-weight", "iothreads.0.poll-weight": 1}})` (the column is the axis name, its values the labels).
    """

    name: str
    levels: tuple[tuple[str, tuple[str, ...]], ...]

    @staticmethod
    def key(key: str, values: Iterable[object]) -> "Axis":
        return Axis(key, tuple((str(value), (f"{key}={value}",)) for value in values))

    @staticmethod
    def cases(name: str, cases: Mapping[str, Mapping[str, object]]) -> "Axis":
        return Axis(name, tuple((label, _normalise_sets(sets)) for label, sets in cases.items()))

    def vary_argument(self) -> str:
        """The equivalent `--vary` argument of `pollsim sweep`."""
        if all(sets == (f"{self.name}={label}",) for label, sets in self.levels):
            return f"{self.name}=" + ",".join(label for label, _ in self.levels)
        return f"{self.name}=" + ",".join(label + "{" + ";".join(sets) + "}" for label, sets in self.levels)


def sweep_command(runner: Runner, axes: Sequence[Axis], base_sets=None, replications: int = 1,
                  base_seed: int = 1, output: str = "sweep.csv") -> str:
    """The `pollsim sweep` command line that makes the same table as `run_grid` (for when that command lands), with
    paths relative to the current directory."""
    parts = [os.path.relpath(runner.binary), "sweep"]
    if runner.scenario is not None:
        parts.append(os.path.relpath(runner.scenario))
    for item in _normalise_sets(base_sets):
        parts += ["--set", item]
    for axis in axes:
        parts += ["--vary", axis.vary_argument()]
    parts += ["--replications", str(replications), "--seed", str(base_seed), "-o", output]
    return " ".join(_quote(part) for part in parts)


def run_grid(runner: Runner, axes: Sequence[Axis], base_sets=None, replications: int = 1,
             base_seed: int = 1, csv_path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Runs every point of the grid (the first axis varies slowest) `replications` times and returns the tidy table
    `pollsim sweep` writes. With `csv_path`, the table is also written there as CSV.

    The table goes through CSV text before it is returned, so its dtypes are exactly those of
    `pandas.read_csv(<a sweep's CSV>)`.
    """
    base = _normalise_sets(base_sets)
    combinations = list(itertools.product(*(axis.levels for axis in axes)))
    jobs, labels = [], []
    for point, levels in enumerate(combinations):
        sets = base + tuple(item for _, level_sets in levels for item in level_sets)
        for replication in range(replications):
            seed = replication_seed(base_seed, replication)
            jobs.append({"sets": sets, "seed": seed})
            labels.append({**{axis.name: label for axis, (label, _) in zip(axes, levels)},
                           "point": point, "replication": replication})
    outputs = runner.run_many(jobs)
    rows = [{**label, **csv_row(output.result)} for label, output in zip(labels, outputs)]
    text = pd.DataFrame(rows).to_csv(index=False, lineterminator="\n")
    if csv_path is not None:
        Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
        Path(csv_path).write_text(text)
    return pd.read_csv(io.StringIO(text))


def csv_row(result: Mapping) -> dict:
    """A JSON RunResult as the columns of `pollsim run --output-format csv` (docs/output-format.md, "CSV")."""
    row = {
        "scenario": result["scenario"],
        "seed": result["seed"],
        "iops": result["iops"],
        "bw_bytes_per_s": result["bw_bytes_per_s"],
    }
    latency = result["latency_ns"]
    for key in ("mean", "p50", "p90", "p99", "p99_9", "p99_99", "max"):
        row[f"lat_{key}_ns"] = latency[key]
    threads = result["iothreads"]

    def share(thread, part):
        wall = sum(thread["time_ns"].values())
        return thread["time_ns"][part] / wall if wall else float("nan")

    def mean(values):
        values = list(values)
        return sum(values) / len(values) if values else float("nan")

    row["iothreads"] = len(threads)
    row["cpu_cores"] = sum(thread["cpu_util"] for thread in threads)
    for part in ("poll", "dispatch", "syscall"):
        row[f"{part}_cores"] = sum(share(thread, part) for thread in threads)
    row["iterations"] = sum(thread["iterations"] for thread in threads)
    row["mean_poll_ns"] = mean(thread["poll"]["mean_poll_ns"] for thread in threads)
    for key in ("hit_rate", "reset_rate", "near_max_share"):
        row[f"poll_{key}"] = mean(thread["poll"][key] for thread in threads)
    row["handlers_per_pass"] = mean(thread["poll"]["handlers_per_pass"] for thread in threads)
    for thread in threads:
        prefix = thread["id"] + "_"
        row[prefix + "policy"] = thread["policy"]
        row[prefix + "cpu_util"] = thread["cpu_util"]
        for part in ("poll", "dispatch", "syscall", "blocked"):
            row[prefix + part + "_share"] = share(thread, part)
        row[prefix + "mean_poll_ns"] = thread["poll"]["mean_poll_ns"]
        for key in ("hit_rate", "reset_rate", "near_max_share"):
            row[prefix + "poll_" + key] = thread["poll"][key]
        row[prefix + "handlers_per_pass"] = thread["poll"]["handlers_per_pass"]
        row[prefix + "wakeups_per_io"] = thread["wakeups_per_io"]
        row[prefix + "syscalls_per_io"] = thread["syscalls_per_io"]
        row[prefix + "iterations"] = thread["iterations"]
    row["sim_events"] = result["sim"]["events"]
    row["sim_events_per_io"] = result["sim"]["events_per_io"]
    return row


# MARK: validation reports (`pollsim validate`)

def validation_command(runner: Runner, device: str = "synthetic", profile: str | os.PathLike | None = None,
                       sets=None, seed: int | None = None, prefix: Sequence[str] = ()) -> list[str]:
    """`[prefix...] pollsim validate SCENARIO --device DEVICE [--profile P] [--set k=v]... [--seed N]
    --output-format json`: a ValidationReport (Sources/RealLoop/Validation.swift) on standard output."""
    command = [*prefix, str(runner.binary), "validate"]
    if runner.scenario is not None:
        command.append(str(runner.scenario))
    command += ["--device", str(device)]
    if profile:
        command += ["--profile", os.path.abspath(profile)]
    for item in _normalise_sets(sets):
        command += ["--set", item]
    if seed is not None:
        command += ["--seed", str(seed)]
    return command + ["--output-format", "json"]


def run_validation(runner: Runner, device: str = "synthetic", profile: str | os.PathLike | None = None,
                   sets=None, seed: int | None = None, prefix: Sequence[str] = (), cache: bool = True) -> dict:
    """Runs one `pollsim validate` (a simulation and a real io_uring replay of the same scenario and seed) and returns
    its ValidationReport as a dict, with the command line added as `command`.

    Validations run one at a time (the replay spins a thread on each of the two CPUs), never in parallel. With
    `cache`, the report is kept under `<out_dir>/cache/validate-<key>/report.json`, keyed like `run`'s results plus
    the profile's text and `prefix`; a cached report is a past *measurement*, read back as it was. Raises
    RuntimeError with pollsim's standard error when the command fails (no io_uring, refused scenario, ...).
    """
    command = validation_command(runner, device, profile, sets, seed, prefix)
    normalised = _normalise_sets(sets)
    key_args = tuple(part for part in command if part not in (str(runner.binary), str(runner.scenario)))
    profiles = runner._profile_digests(normalised)
    if profile:
        profiles["--profile"] = _sha256_file(Path(profile))
    identity = {"binary": runner._binary_digest,
                "scenario": _sha256_file(runner.scenario) if runner.scenario else "built-in default",
                "profiles": profiles, "args": [part for part in key_args if part != os.path.abspath(profile or "")]}
    directory = runner.cache_dir / ("validate-" + hashlib.sha256(json.dumps(identity, sort_keys=True).encode())
                                    .hexdigest()[:24])
    done = directory / "report.json"
    if cache and done.is_file():
        with runner._lock:
            runner.cache_hits += 1
        return json.loads(done.read_text())
    completed = subprocess.run(command, capture_output=True, text=True)
    shown = " ".join(_quote(part) for part in command)
    if completed.returncode != 0:
        raise RuntimeError(
            f"pollsim validate failed (exit {completed.returncode}): the real io_uring loop did not run. Usual "
            f"causes: io_uring unavailable on this machine (kernel.io_uring_disabled, a seccomp filter, an old "
            f"kernel), a device it cannot open, or a scenario the real loop refuses; pollsim's message below says "
            f"which. Command:\n  {shown}\npollsim's standard error:\n"
            f"{completed.stderr.strip()}")
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise RuntimeError(f"pollsim validate did not print a JSON report ({error}):\n  {shown}\n"
                           f"{completed.stdout[:2000]}") from error
    report["command"] = shown
    report["stderr"] = completed.stderr.strip()
    if cache:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "report.json").write_text(json.dumps(report, indent=1) + "\n")
    with runner._lock:
        runner.runs += 1
    return report
