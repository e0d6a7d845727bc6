"""The timed pieces of the benchmark: each runs one way of extracting the same reports.

Every function here is importable by worker processes (pool workers and the isolation
forkserver import it by name), so none may live in the `__main__` script.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pdfplumber
import psutil

from extract.extraction import extract_report
from extract.datasets import report_tables
from extract.settings import Limits
from extract.validate import validate_report
from flows.main import validated_report_tables

T = TypeVar("T")
EXTRACTED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)
MIB = 1024 * 1024
FLOW_PROCESS = "flow process (task threads, validation, every report's tables; also the benchmark)"


def timed(fn: Callable[..., T], *args: object) -> tuple[T, float]:
    """fn's result and the wall-clock seconds it took."""
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def our_extraction(path: Path) -> int:
    """Our whole extraction of one report in this process (every table and field, validated); its study rows."""
    extraction = extract_report(path, Limits())
    validated = validate_report(report_tables(extraction, "bench", EXTRACTED_AT), extraction)
    return len(validated["studies"]) + len(validated["quarantine_studies"])


def plumber_words(path: Path) -> int:
    """pdfplumber's own extract_words over every page, pages released as done; the page count."""
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
            page.close()
        return len(pdf.pages)


def isolated_task_body(path: Path) -> int:
    """What one flow task of a 1-worker run does, without Prefect: isolated read, validation in the
    run's validation process, decisions; its rows."""
    tables = validated_report_tables(path, Limits(), "bench", EXTRACTED_AT, validators=1)
    return len(tables.get("studies", ())) + len(tables.get("quarantine_studies", ()))


def start_validation_processes(count: int) -> None:
    """Start every process of the run's validation pool of this size, so no timed run pays for it."""
    from flows.reading import validation_processes

    list(validation_processes(count).map(time.sleep, [0.5] * count))


def in_loop(fn: Callable[[Path], int], paths: Sequence[Path]) -> int:
    """fn over every path in one process, one after another; the sum of what it returns."""
    return sum(fn(path) for path in paths)


def interleaved(first: Callable[[Path], int], second: Callable[[Path], int], paths: Sequence[Path]) -> tuple[float, float]:
    """Seconds spent in first and in second over every path, alternating per report.

    Alternating keeps a change of machine load from falling on one side of the ratio only.
    """
    spent = [0.0, 0.0]
    for path in paths:
        for side, fn in enumerate((first, second)):
            _, seconds = timed(fn, path)
            spent[side] += seconds
    return spent[0], spent[1]


def in_pool(fn: Callable[[Path], int], paths: Sequence[Path], workers: int) -> int:
    """fn over every path in a plain process pool, the anchor a task runner should match."""
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return sum(pool.map(fn, paths, chunksize=1))


@dataclass
class ChildMemorySampler:
    """Samples the resident memory of this process's descendants while a run goes on."""

    interval_s: float = 0.1
    peaks: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> ChildMemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        own = psutil.Process()
        while not self._stop.wait(self.interval_s):
            self._record(FLOW_PROCESS, own.memory_info().rss / MIB)
            for kind, child in descendants():
                try:
                    self._record(kind, child.memory_info().rss / MIB)
                except psutil.Error:
                    continue

    def _record(self, kind: str, rss_mib: float) -> None:
        self.peaks[kind] = max(self.peaks.get(kind, 0.0), rss_mib)


def process_kind(cmdline: Sequence[str]) -> str:
    """Name a descendant by its role: validation process, parsing worker or its forkserver, server, other."""
    text = " ".join(cmdline)
    if "multiprocessing.spawn" in text or "spawn_main" in text:
        return "validation process (long-lived, pandas)"
    if "forkserver import main" in text:
        return "parsing worker (isolation process) or its forkserver"
    if "flows.server" in text or "uvicorn" in text:
        return "Prefect server"
    return "other"


def descendants() -> list[tuple[str, psutil.Process]]:
    """This process's living descendants, each with its role (`process_kind`)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            found.append((process_kind(child.cmdline()), child))
        except psutil.Error:  # ended between listing and asking
            continue
    return found


def prefect_servers() -> list[psutil.Process]:
    """The temporary Prefect server processes this process started."""
    return [child for kind, child in descendants() if kind == "Prefect server"]


def wait_until_server_idle(max_wait_s: float = 180.0, busy_percent: float = 5.0) -> float:
    """Wait until the temporary server has written the last run's events; the seconds waited.

    The server records a run's task states after the run returns; a run started at once would
    share the server's database with that backlog (and get "database is locked" retries),
    which a user's next `evidence-extract run` never does: it starts a server of its own.
    """
    started = time.monotonic()
    while time.monotonic() - started < max_wait_s:
        if all(server.cpu_percent(interval=1.0) < busy_percent for server in prefect_servers()):
            break
    return time.monotonic() - started


def cli_rerun_seconds(work: Path, report: Path) -> float:
    """Wall-clock seconds of `evidence-extract run` over one unchanged, cached report: a re-run's fixed cost.

    That is process start, imports, the temporary Prefect server and the flow, paid once per run.
    """
    raw, curated = work / "cli" / "raw", work / "cli" / "curated"
    raw.mkdir(parents=True, exist_ok=True)
    (raw / report.name).write_bytes(report.read_bytes())
    command = [str(Path(sys.executable).with_name("evidence-extract")), "run", "--raw", str(raw), "--curated", str(curated)]
    subprocess.run(command, cwd=work / "cli", check=True, capture_output=True)
    _, seconds = timed(lambda: subprocess.run(command, cwd=work / "cli", check=True, capture_output=True))
    return seconds


def published_without_timestamps(curated: Path) -> dict[str, pd.DataFrame]:
    """Every published table, minus the extraction timestamp, to compare two runs."""
    tables = {}
    for parquet in sorted(curated.resolve().rglob("*.parquet")):
        frame = pd.read_parquet(parquet)
        tables[parquet.relative_to(curated.resolve()).as_posix()] = frame.drop(columns=["extracted_at"], errors="ignore")
    return tables


def same_tables(first: dict[str, pd.DataFrame], second: dict[str, pd.DataFrame]) -> bool:
    """Whether two runs published the same tables, row for row."""
    return first.keys() == second.keys() and all(first[name].equals(second[name]) for name in first)
