"""Where a run's tasks execute and which results it may reuse: task runners and the cache key.

Parsing is CPU-bound, so it runs in processes (`flows.reading`): each report is parsed in its own
isolation process and validated in one of the run's long-lived validation processes. Locally a
pool of as many task threads as cores drives them, one core each, without the per-task cost of
Prefect's ProcessPoolTaskRunner (it rebuilds its settings and API clients for every task in
every worker; bench/RESULTS.md has the cost). On an existing Dask cluster the tasks run on its workers.
A report's tables are cached by what determines them (`flows.cache`: the file's bytes and name,
the extractor's code, the Limits) and persisted, so a re-run over unchanged files reads them back
instead of parsing again.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prefect.context import TaskRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.cache import cache_dir_for, code_version, default_workers, report_cache_key  # noqa: F401  (the flow's names for them)
from flows.readahead import validators_for


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


def validation_processes_for(runner: TaskRunner | None, reports: int) -> int:
    """How many validation processes a run reading `reports` reports uses: one per local worker,
    none for a few reports (`validators_for`); none on Dask, whose workers validate in their task threads."""
    return validators_for(runner.workers, reports) if isinstance(runner, LocalReportRunner) else 0


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
