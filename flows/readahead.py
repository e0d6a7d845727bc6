"""Reports read while the run's Prefect server starts, so the first seconds of a run are not spent waiting.

A local run decides before Prefect is imported what it will do (`plan_run`): which reports the
result cache holds (a result file under the report's key, `flows.cache`), which must be read, the
run's `extracted_at`, and whether validation needs processes of its own (`validators_for`: not
for a few reports). `ReadAhead` then reads the uncached reports, in order, on one thread per
worker, exactly as the report task would (`flows.reading.read_report`), while the server boots
and the flow's modules are imported. When the flow starts it stops the read-ahead from taking
new reports; each report task first claims its report: a report read ahead (or being read) is
handed over, any other is read by the task itself. Each report is read once, and never by more
threads than the run has workers.

The flow finds the read-ahead through `current()`, set only for the block of `reading_ahead`
(the CLI's run); a flow run without one (tests, a deployment, Dask) reads every report itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from extract import __version__
from extract.settings import Limits
from flows import phases
from flows.cache import KeyedReports, cached_result_exists

if TYPE_CHECKING:
    from flows.reading import ReadReport

# Up to this many reports to read per worker, shaping and validation run in the task threads: a
# validation process costs more to start (pandas, pandera, the schemas: seconds of CPU) than
# validating a few reports where the flow already has pandas.
IN_FLOW_VALIDATION_PER_WORKER = 4


def validators_for(workers: int, reports: int) -> int:
    """Validation processes for a local run reading `reports` reports on `workers` workers: none for a few."""
    return 0 if reports <= IN_FLOW_VALIDATION_PER_WORKER * workers else workers


@dataclass(frozen=True)
class RunPlan:
    """What a local run will read, decided before Prefect is loaded."""

    paths: tuple[Path, ...]
    misses: tuple[Path, ...]  # reports without a result file under their key, in the order they are read
    code: str
    limits: Limits
    extracted_at: datetime
    validators: int
    results: Path  # the result folder the cache was looked up in


def plan_run(reports: KeyedReports, results: Path, workers: int) -> RunPlan:
    """The run's reports, those the cache lacks, its code version, timestamp and validation processes."""
    paths = tuple(reports.keys)
    misses = tuple(path for path, key in reports.keys.items() if key is None or not cached_result_exists(results, key))
    return RunPlan(paths, misses, reports.code, reports.limits, datetime.now(timezone.utc), validators_for(workers, len(misses)), results)


class ReadAhead:
    """Reads a plan's uncached reports on `workers` threads until the flow takes over."""

    def __init__(self, plan: RunPlan, workers: int):
        self.plan = plan
        self._lock = threading.Lock()
        self._taking = True
        self._started: set[Path] = set()
        self._claimed: set[Path] = set()
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="read-ahead")
        self._reads: dict[Path, Future[ReadReport | None]] = {}
        self.cached: dict[Path, ReadReport] | None = None  # the cached reports, once loaded ahead of the flow

    def start(self) -> ReadAhead:
        """Queue every uncached report; the parsing processes' server and, when the plan has them, the
        validation processes start at once. A run with every report cached starts no process."""
        if self.plan.misses:
            threading.Thread(target=start_parsing_server, daemon=True).start()
        if self.plan.validators and self.plan.misses:
            threading.Thread(target=start_validation_processes, args=(self.plan.validators,), daemon=True).start()
        self._reads = {path: self._pool.submit(self._read, path) for path in self.plan.misses}
        return self

    def _read(self, path: Path) -> ReadReport | None:
        """Read one report as its task would, unless the flow has taken over or claimed it first."""
        with self._lock:
            if not self._taking or path in self._claimed:
                return None
            self._started.add(path)
        from flows.reading import read_report

        return read_report(path, self.plan.limits, __version__, self.plan.extracted_at, self.plan.validators)

    def load_cached(self, load: Callable[[Sequence[Path]], dict[Path, ReadReport]]) -> None:
        """Load the reports the cache holds with `load` (the flow's own cache read), so the flow finds them loaded."""
        hits = [path for path in self.plan.paths if path not in set(self.plan.misses)]
        with phases.phase("cache", f"{len(hits)} cached reports loaded"):
            self.cached = load(hits)

    def stop_taking(self) -> None:
        """Read no report not yet started: the flow's tasks read the rest."""
        with self._lock:
            self._taking = False

    def claim(self, path: Path, limits: Limits, extracted_at: datetime) -> ReadReport | None:
        """The report's read if it was read ahead (waiting for it while it is read), else None: the task reads it."""
        if limits != self.plan.limits or extracted_at != self.plan.extracted_at:
            return None
        with self._lock:
            if path not in self._started:
                self._claimed.add(path)
                return None
        return self._reads[path].result()

    def close(self, wait: bool = True) -> None:
        """Stop taking reports and let the ones started finish (without waiting for them when the run is failing:
        their parsing processes end with the run, by its lifeline)."""
        self.stop_taking()
        self._pool.shutdown(wait=wait, cancel_futures=True)


def start_parsing_server() -> None:
    """Start the server the parsing processes are forked from, so its start shows as a phase of its own."""
    from extract.isolation import start_worker_server

    with phases.phase("workers", "parsing process server ready"):
        try:
            start_worker_server()
        except Exception:  # the first report's own parsing process reports whatever this hit
            pass


def start_validation_processes(count: int) -> None:
    """Start the run's validation processes now, so they are ready when the first extraction is."""
    from flows.reading import validation_processes

    with phases.phase("workers", f"{count} validation processes ready"):
        list(validation_processes(count).map(int, range(count)))


_current: ReadAhead | None = None


def current() -> ReadAhead | None:
    """The read-ahead of the run in progress, if it has one."""
    return _current


def stop_taking() -> None:
    """Tell the run's read-ahead, if it has one, to start no more reports: the flow's tasks take over."""
    if _current is not None:
        _current.stop_taking()


@contextmanager
def reading_ahead(plan: RunPlan, workers: int) -> Iterator[ReadAhead]:
    """Read the plan's uncached reports ahead for the enclosed block (the run), then let them finish."""
    global _current
    ahead = ReadAhead(plan, workers).start()
    _current = ahead
    failed = True
    try:
        yield ahead
        failed = False
    finally:
        _current = None
        ahead.close(wait=not failed)
