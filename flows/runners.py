"""Where a run's tasks execute and which results it may reuse: task runners and the cache key.

Parsing is CPU-bound, so it runs in processes (`flows.reading`): each report is parsed in its own
isolation process and validated in one of the run's long-lived validation processes. Locally a
pool of as many task threads as cores drives them, one core each, without the per-task cost of
Prefect's ProcessPoolTaskRunner (it rebuilds its settings and API clients for every task in
every worker; bench/RESULTS.md has the cost). On an existing Dask cluster the tasks run on its workers.
A report's tables are cached by what determines them — the file's bytes and name, the
extractor's code, and the Limits — and persisted, so a re-run over unchanged files reads them
back instead of parsing again.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prefect.context import TaskRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

import extract
from extract.settings import Limits
from extract.sources import file_sha256

CACHE_FOLDER = Path(".prefect") / "results"
SOURCE_SUFFIXES: tuple[str, ...] = (".py", ".toml")


def default_workers() -> int:
    """The cores this process may use, so a run keeps every one of them busy."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # platforms without CPU affinity
        return max(1, os.cpu_count() or 1)


class LocalReportRunner(ThreadPoolTaskRunner):
    """Prefect's thread pool, saying how many workers it has: one parsing and one validation process each."""

    def __init__(self, max_workers: int | None = None):
        self.workers: int = max_workers or default_workers()
        super().__init__(max_workers=self.workers)


def task_runner_for(workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    """A Dask runner on the cluster at dask_address, else `workers` task threads, each driving one isolation process."""
    if dask_address:
        from prefect_dask import DaskTaskRunner  # the optional `dask` extra

        return DaskTaskRunner(address=dask_address)
    return LocalReportRunner(max_workers=workers)


def validation_processes_for(runner: TaskRunner | None) -> int:
    """How many validation processes a run uses: one per local worker; none on Dask, whose workers validate in their task threads."""
    return runner.workers if isinstance(runner, LocalReportRunner) else 0


def cache_dir_for(curated_dir: Path) -> Path:
    """The default result cache: `.prefect/results` beside the curated folder (itself a symlink, not followed)."""
    return curated_dir.absolute().parent / CACHE_FOLDER


def source_files(root: Path) -> list[Path]:
    """The code and settings files under a package folder, relative to it, in a fixed order."""
    return sorted(
        path.relative_to(root)
        for path in root.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
    )


def code_digest() -> str:
    """SHA-256 over the extractor's and the flows' source, so any code change invalidates cached results."""
    digest = hashlib.sha256()
    for root in (Path(extract.__file__).parent, Path(__file__).parent):
        for relative in source_files(root):
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update((root / relative).read_bytes())
    return digest.hexdigest()


def code_version() -> str:
    """The package version plus the source digest: computed once per run, in the flow, for every key."""
    return f"{extract.__version__}+{code_digest()}"


def limits_digest(limits: Limits) -> str:
    """A stable hash of the run's Limits (a frozen dataclass whose repr lists every field)."""
    return hashlib.sha256(repr(limits).encode()).hexdigest()


def report_cache_key(path: Path, limits: Limits, code: str) -> str:
    """The key of one report's result: its name and bytes, the code version, the Limits.

    The name is part of it because report_id and source_file are derived from it.
    """
    parts = (path.name, file_sha256(path), code, limits_digest(limits))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def report_task_cache_key(context: TaskRunContext, parameters: Mapping[str, Any]) -> str | None:
    """Prefect's cache_key_fn for the report task; None (no caching) when the file cannot be read."""
    try:
        return report_cache_key(Path(parameters["path"]), parameters["limits"], parameters["code"])
    except OSError:
        return None


def allow_child_processes() -> None:
    """Let a daemonic worker (a Dask worker under its nanny) start the per-report isolation process.

    multiprocessing refuses children to daemonic processes, lest they be orphaned at exit; the
    isolation worker is itself a daemon, always reaped by `run_isolated`, so none outlives its call.
    """
    current = multiprocessing.current_process()
    if current.daemon:
        current.daemon = False
