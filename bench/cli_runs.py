"""Whole runs of `evidence-extract run`, timed from outside as a user would, each beside its baseline.

Every figure here is a ratio of two timings taken in turn in the same benchmark run (a new report
against the plain-libraries script, a warm re-run against the cold run of the same reports), so
load on the machine falls on both sides; each side is the median of its rounds.

The command runs from the code snapshot the benchmark runs (`PYTHONPATH` is passed on), in a
folder of its own: `.prefect/` (Prefect's home and the result cache) and `curated/` live there.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.phases import PHASES_VARIABLE, Phase, read_phases
from flows.resident import RESIDENT_VARIABLE, Place, read_note

BENCH_DIR = Path(__file__).resolve().parent
PLAIN_SCRIPT = BENCH_DIR / "plain_libraries.py"
# The phases a one-report run is profiled by, in the order they are printed.
PROFILE_PHASES = ("imports", "server start", "database", "workers", "parse", "validate", "cache", "flow", "publish", "server stop")


@dataclass(frozen=True)
class Ratio:
    """A measured figure: the median seconds of what is measured and of its baseline, and their ratio."""

    seconds: float
    baseline_s: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_s


def run_environment(**extra: str) -> dict[str, str]:
    """The benchmark's environment for a run: no Prefect settings of the benchmark's own process, and
    its PYTHONPATH made absolute (runs start in folders of their own, and must run the snapshot).

    Runs are taken off a terminal (their output is captured), where a run leaves no resident
    runner; `AT_A_TERMINAL` asks for one as a run at a terminal would leave it.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")}
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(str(Path(entry).resolve()) for entry in env["PYTHONPATH"].split(os.pathsep) if entry)
    return {**env, RESIDENT_VARIABLE: "0", **extra}


AT_A_TERMINAL = {RESIDENT_VARIABLE: "1"}


def timed_command(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one command, which must succeed (its output shown when it does not)."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def cli_command(workers: int | None = None, force: bool = False) -> list[str]:
    """`evidence-extract run` on the folder's raw/ into its curated/, as `python -m flows` (`--force`: through the flow even when nothing changed)."""
    extra = [*(["--workers", str(workers)] if workers else []), *(["--force"] if force else [])]
    return [sys.executable, "-m", "flows", "run", "--raw", "raw", "--curated", "curated", *extra]


def plain_seconds(folder: Path) -> float:
    """One run of the plain-libraries script."""
    return timed_command([sys.executable, str(PLAIN_SCRIPT), str(folder / "plain.parquet")], folder, run_environment())


def fresh_run_folder(folder: Path, reports: list[Path], keep_home: bool) -> Path:
    """A run folder with these reports in raw/, no curated tables and no cached results; Prefect's home kept or not."""
    for leftover in ("curated", ".curated.snapshots", ".curated.lock", ".curated.lock.owner", "raw"):
        target = folder / leftover
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
    shutil.rmtree(folder / ".prefect" / "results", ignore_errors=True)
    if not keep_home:
        shutil.rmtree(folder / ".prefect", ignore_errors=True)
    (folder / "raw").mkdir(parents=True)
    for report in reports:
        shutil.copyfile(report, folder / "raw" / report.name)
    return folder


def warm_home(folder: Path, report: Path) -> None:
    """Prefect's home of a folder that has run before: one run over one report, then its tables and cache dropped."""
    fresh_run_folder(folder, [report], keep_home=True)
    timed_command(cli_command(), folder, run_environment())


def new_report_against_plain(folder: Path, report: Path, rounds: int, keep_home: bool, extra: Mapping[str, str] | None = None) -> Ratio:
    """A run over one report never read before (no cached result, no tables), against the plain script, in turn.

    `keep_home`: Prefect's home (its database) is there from earlier runs; else the folder is a
    fresh checkout's, without `.prefect/`. `extra`: variables of the runs (AT_A_TERMINAL).
    """
    runs, plains = [], []
    for _ in range(rounds):
        fresh_run_folder(folder, [report], keep_home)
        runs.append(timed_command(cli_command(), folder, run_environment(**(extra or {}))))
        plains.append(plain_seconds(folder))
    return Ratio(statistics.median(runs), statistics.median(plains))


def warm_against_cold(folder: Path, reports: list[Path], rounds: int, extra: Mapping[str, str] | None = None) -> tuple[Ratio, Ratio]:
    """A re-run over unchanged reports against the first run over them (no cache, no tables), in turn,
    Prefect's home warm: as a user re-runs (nothing changed: nothing runs, `flows.unchanged`), and
    with `--force` (through the flow, every report read back from the cache)."""
    warm, forced, cold = [], [], []
    for _ in range(rounds):
        fresh_run_folder(folder, reports, keep_home=True)
        cold.append(timed_command(cli_command(), folder, run_environment(**(extra or {}))))
        warm.append(timed_command(cli_command(), folder, run_environment(**(extra or {}))))
        forced.append(timed_command(cli_command(force=True), folder, run_environment(**(extra or {}))))
    baseline = statistics.median(cold)
    return Ratio(statistics.median(warm), baseline), Ratio(statistics.median(forced), baseline)


@contextmanager
def resident_runner(folder: Path, report: Path, deadline_s: float = 600.0) -> Iterator[None]:
    """A folder whose resident runner is up, as a first run at a terminal leaves it; stopped after the block."""
    fresh_run_folder(folder, [report], keep_home=True)
    timed_command(cli_command(), folder, run_environment(**AT_A_TERMINAL))
    place, waited = Place(folder / ".prefect"), time.monotonic() + deadline_s
    while read_note(place) is None:
        if time.monotonic() > waited:
            raise RuntimeError(f"no resident runner in {folder} after {deadline_s:.0f} s")
        time.sleep(0.2)
    try:
        yield
    finally:
        subprocess.run([sys.executable, "-m", "flows", "stop"], cwd=folder, env=run_environment(), capture_output=True)


def one_report_profile(folder: Path, report: Path) -> tuple[float, list[Phase]]:
    """One run over one new report, warm home, with its phases recorded: the wall-clock seconds and the phases."""
    fresh_run_folder(folder, [report], keep_home=True)
    phases_file = folder / "phases.jsonl"
    phases_file.unlink(missing_ok=True)
    started = time.time()
    timed_command(cli_command(), folder, run_environment(**{PHASES_VARIABLE: str(phases_file)}))
    ended = time.time()
    recorded = read_phases(phases_file)
    return ended - started, [Phase("process start, CLI imports", started, min((p.start for p in recorded), default=ended)), *recorded]


def profile_lines(total_s: float, recorded: list[Phase]) -> list[str]:
    """The profile as markdown table rows: each phase's start and end against the run's start, and its seconds."""
    origin = recorded[0].start if recorded else 0.0
    order = {name: rank for rank, name in enumerate(("process start, CLI imports", *PROFILE_PHASES))}
    rows = sorted(recorded, key=lambda p: (p.start, order.get(p.name, len(order))))
    lines = [
        f"| {p.name} | {p.start - origin:.2f} | {p.end - origin:.2f} | {p.seconds:.2f} | {p.detail} |" for p in rows
    ]
    missing = [name for name in PROFILE_PHASES if name not in {p.name for p in recorded}]
    lines.append(f"| whole run, from outside | 0.00 | {total_s:.2f} | {total_s:.2f} | not started: {', '.join(missing) or 'none'} |")
    return lines


def first_run_on_a_machine(folder: Path, report: Path) -> Ratio:
    """A fresh checkout's first run on a machine that never ran one: no database template in the user's cache either."""
    from flows.server import TEMPLATE_DIR_VARIABLE

    fresh_run_folder(folder, [report], keep_home=False)
    empty_cache = folder / "empty-template-cache"
    shutil.rmtree(empty_cache, ignore_errors=True)
    seconds = timed_command(cli_command(), folder, run_environment(**{TEMPLATE_DIR_VARIABLE: str(empty_cache)}))
    return Ratio(seconds, plain_seconds(folder))
