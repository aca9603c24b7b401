"""Executes the notebooks headless with papermill and checks the figures they write.

    .venv/bin/python notebooks/run_notebooks.py            # make notebooks: figures into docs/figures/
    .venv/bin/python notebooks/run_notebooks.py --test     # make test-notebooks: small runtimes, figures into out/test/

Executed copies go to notebooks/out/ (notebooks/out/test/ with --test); they are not committed. Exits non-zero when a
notebook raises or an expected figure is missing (or was not rewritten by this run). With --test it first checks that
pollsim_runner.csv_row turns a JSON result into exactly the row of `pollsim run --output-format csv`.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# The kernel must be the one of this interpreter (the venv's ipykernel), not a "python3" kernelspec that a user
# installed elsewhere: JUPYTER_PATH is searched before the user's and the system's data directories.
os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(Path(sys.prefix) / "share" / "jupyter"),
                                                          os.environ.get("JUPYTER_PATH")]))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silences a debugpy warning about frozen modules

import papermill  # noqa: E402  (after the environment is set)

# notebook -> (figures it must write, parameters for --test). Parameters not listed keep the notebook's defaults
# (those of its `parameters` cell), which are what `make notebooks` renders into docs/figures/.
NOTEBOOKS: dict[str, tuple[list[str], dict]] = {
    "poll-weight-tradeoff.ipynb": (
        ["poll-weight-tradeoff.png", "poll-weight-summary.png"],
        {"runtime": "20ms", "ramp_time": "5ms", "replications": 1, "numjobs_values": [1, 16]},
    ),
    "latency-distributions.ipynb": (
        ["latency-cdf.png", "latency-histogram.png"],
        {"runtime": "20ms", "slow_runtime": "100ms"},
    ),
    "sim-vs-measurement.ipynb": (
        ["sim-vs-measurement-scatter.png", "sim-vs-measurement-cdf.png"],
        {"runtime": "60ms", "ramp_time": "10ms"},  # real time: each policy's replay runs ramp + runtime
    ),
    "replay-spread.ipynb": (
        ["replay-spread.png"],
        {},  # reads committed replay and campaign outputs only: the same figure either way
    ),
    "poll-time.ipynb": (
        ["poll-time.png", "poll-time-overview.png"],
        {"runtime": "15ms", "ramp_time": "5ms", "zoom_start_us": 8000, "zoom_length_us": 1500},
    ),
}


def check_csv_row(pollsim: Path, out_dir: Path) -> list[str]:
    """The data step's contract: pollsim_runner.csv_row of a JSON result gives the columns and values of
    `pollsim run --output-format csv` (so the notebooks' tables equal what pollsim sweep writes). Returns problems."""
    sys.path.insert(0, str(HERE))
    import pollsim_runner

    scenario = ROOT / "scenarios" / "default.yaml"
    sets = ["runtime=10ms", "iothreads.0.policy=classic"]
    result = pollsim_runner.Runner(pollsim, scenario, out_dir / "self-check").run(sets, seed=7).result
    mine = pollsim_runner.csv_row(result)
    command = [str(pollsim), "run", str(scenario), "--output-format", "csv", "--reproducible", "--seed", "7"]
    for item in sets:
        command += ["--set", item]
    header, values = subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()[:2]
    columns, cells = header.split(","), values.split(",")
    if list(mine) != columns:
        return [f"csv_row columns differ from pollsim's CSV header:\n  mine:    {list(mine)}\n  pollsim: {columns}"]
    problems = []
    for column, cell in zip(columns, cells):
        value = mine[column]
        same = value == cell if isinstance(value, str) else (
            (cell == "" and math.isnan(value)) or (cell != "" and math.isclose(float(cell), value, rel_tol=1e-12)))
        if not same:
            problems.append(f"csv_row[{column!r}] = {value!r}, pollsim's CSV has {cell!r}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--test", action="store_true", help="small parameters; figures into notebooks/out/test/figures")
    parser.add_argument("--pollsim", default=str(ROOT / ".build" / "release" / "pollsim"), help="pollsim binary")
    parser.add_argument("--only", action="append", help="run only this notebook (repeatable)")
    options = parser.parse_args()

    pollsim = Path(os.path.abspath(options.pollsim))
    if not pollsim.is_file():
        print(f"run_notebooks: pollsim binary not found: {pollsim}", file=sys.stderr)
        return 2
    if options.test:
        out_dir = HERE / "out" / "test"
        shutil.rmtree(out_dir, ignore_errors=True)  # a test run simulates everything afresh (no cached results)
        figures_dir = out_dir / "figures"
    else:
        out_dir = HERE / "out"
        figures_dir = ROOT / "docs" / "figures"
    out_dir.mkdir(parents=True, exist_ok=True)
    figures_dir.mkdir(parents=True, exist_ok=True)

    names = options.only or list(NOTEBOOKS)
    failures = []
    started = time.monotonic()
    if options.test:
        problems = check_csv_row(pollsim, out_dir)
        failures += [f"pollsim_runner.csv_row: {problem}" for problem in problems]
        print(f"{'FAIL' if problems else 'ok'}    pollsim_runner.csv_row matches pollsim run --output-format csv", flush=True)
    for name in names:
        figures, test_parameters = NOTEBOOKS[name]
        parameters = {"pollsim": str(pollsim), "out_dir": str(out_dir), "figures_dir": str(figures_dir)}
        if options.test:
            parameters.update(test_parameters)
        output = out_dir / name
        begun = time.monotonic()
        wall_begun = time.time()
        try:
            papermill.execute_notebook(str(HERE / name), str(output), parameters=parameters, cwd=str(HERE),
                                       kernel_name="python3", progress_bar=False, log_output=False,
                                       extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
        except Exception as error:  # papermill's PapermillExecutionError names the cell and the traceback
            failures.append(f"{name}: {error}")
            print(f"FAIL  {name} ({time.monotonic() - begun:.1f} s): executed copy in {output}", flush=True)
            continue
        missing = [figure for figure in figures
                   if not (figures_dir / figure).is_file()
                   or (figures_dir / figure).stat().st_size == 0
                   or (figures_dir / figure).stat().st_mtime < wall_begun - 1]
        if missing:
            failures.append(f"{name}: expected figures missing or not rewritten in {figures_dir}: {', '.join(missing)}")
            print(f"FAIL  {name}: missing figures {', '.join(missing)}", flush=True)
            continue
        print(f"ok    {name} ({time.monotonic() - begun:.1f} s): {', '.join(figures)}", flush=True)

    total = time.monotonic() - started
    failed = sum(1 for name in names if any(failure.startswith(name + ":") for failure in failures))
    print(f"notebooks: {len(names) - failed} of {len(names)} executed without error in {total:.1f} s"
          f" (executed copies in {out_dir.relative_to(ROOT)}, figures in {figures_dir.relative_to(ROOT)})")
    for failure in failures:
        print(f"\n{failure}", file=sys.stderr)
    if failures:
        print(f"notebooks: {len(failures)} failure(s)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
