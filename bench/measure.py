"""The timed pieces of the benchmark: each runs one way of extracting the same reports.

Every function here is importable by worker processes (pool workers and the isolation
forkserver import it by name), so none may live in the `__main__` script.
"""

from __future__ import annotations

import multiprocessing
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

from extract.pipeline import extract_report, report_tables
from extract.settings import Limits
from extract.validate import validate_report
from flows.main import validated_report_tables

T = TypeVar("T")
EXTRACTED_AT = datetime(2024, 1, 1, tzinfo=timezone.utc)
MIB = 1024 * 1024


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
    """What one flow task does, without Prefect: isolated read, validation, decisions; its rows."""
    tables = validated_report_tables(path, Limits(), "bench", EXTRACTED_AT)
    return len(tables.get("studies", ())) + len(tables.get("quarantine_studies", ()))


def in_loop(fn: Callable[[Path], int], paths: Sequence[Path]) -> int:
    """fn over every path in one process, one after another; the sum of what it returns."""
    return sum(fn(path) for path in paths)


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
        while not self._stop.wait(self.interval_s):
            for child in psutil.Process().children(recursive=True):
                try:
                    kind, rss = process_kind(child.cmdline()), child.memory_info().rss / MIB
                except psutil.Error:
                    continue
                self.peaks[kind] = max(self.peaks.get(kind, 0.0), rss)


def process_kind(cmdline: Sequence[str]) -> str:
    """Name a descendant by its role: pool worker, isolation forkserver, isolation worker, other."""
    text = " ".join(cmdline)
    if "spawn_main" in text:
        return "task worker (process pool)"
    if "forkserver import main" in text:
        return "isolation forkserver or worker"
    if "uvicorn" in text:
        return "Prefect server"
    return "other"


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
