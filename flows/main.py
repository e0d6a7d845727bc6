"""The extraction flow: one task per report, then one publish task. Wiring only.

Parsing lives in `extract` (`extraction`, `datasets`, `validate`, `review.apply`); this module lists the files, fans the reports out
as tasks (through `.submit`, so the task runner can be swapped for a process pool or Dask), turns
any exception of a report into that report's failure rows, and publishes the combined tables.
Task inputs and outputs are plain paths, frozen dataclasses and DataFrames: all picklable.

The report task is cached (`flows.runners`): its key is the file's name and bytes, the code and
the Limits, and its result — the validated tables and the tables as published without decisions
— is persisted by Prefect, so an unchanged report is not parsed again. The flow first reads the
hits from that same cache (`cached_reads`) and submits tasks only for the rest: on a re-run over
an unchanged raw/ no task run is created at all. Stewards' decisions are applied after the cache,
in the flow, on every run.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.filesystems import LocalFileSystem
from prefect.results import ResultStore
from prefect.serializers import PickleSerializer

from extract import __version__
from extract.console import ProgressDisplay, ReportOutcome, RunSummary, report_outcome
from extract import analyst_db, evidence_map
from extract.analyst_db import write_evidence_db
from extract.evidence_map import write_evidence_map
from extract.sources import outside_paths, report_paths, skipped_paths
from extract.datasets import combine
from extract.publish import PublishError, ReusableDerived, publish
from extract.review.decisions import Decision, undecided_reports
from extract.review.apply import stale_failures
from extract.settings import Limits
from extract.summary import ARTIFACT_KEY, FailureCount, failure_counts, summary_markdown
from flows import phases, readahead
from flows.readahead import RunPlan
from flows.reading import ReadReport, decided_tables, read_report
from flows.runners import (
    allow_child_processes,
    cache_dir_for,
    code_version,
    report_cache_key,
    report_task_cache_key,
    task_runner_for,
    validation_processes_for,
)


# The standard library's pickler for the report task's results: a ReadReport holds only importable
# classes (frozen dataclasses, DataFrames), which cloudpickle, Prefect's default, pickles the same
# way only slower, through a Python hook called on every object (about twice the CPU per report).
REPORT_SERIALIZER = PickleSerializer(picklelib="pickle")


def validated_report_tables(
    path: Path,
    limits: Limits,
    extractor_version: str,
    extracted_at: datetime,
    decisions: Sequence[Decision] = (),
    validators: int = 0,
) -> dict[str, pd.DataFrame]:
    """One report's validated tables with decisions applied, without Prefect (tests, benchmarks)."""
    return decided_tables(read_report(path, limits, extractor_version, extracted_at, validators), decisions)


@task(
    name="extract-report",
    cache_key_fn=report_task_cache_key,
    persist_result=True,
    result_serializer=REPORT_SERIALIZER,
    task_run_name="extract {path.name}",
)
def extract_report_task(
    path: Path, limits: Limits, extractor_version: str, extracted_at: datetime, code: str, validators: int = 0
) -> ReadReport:
    """Read and validate one report; never raises, so one bad file cannot stop the batch.

    Cached by the file's name and bytes, `code` (the run's code version) and the Limits — not
    by extracted_at — so a re-run over an unchanged file reads this result back instead.
    """
    allow_child_processes()
    ahead = readahead.current()
    read = ahead.claim(path, limits, extracted_at) if ahead is not None else None
    return read if read is not None else read_report(path, limits, extractor_version, extracted_at, validators)


@task(name="publish-curated", cache_policy=NONE)
def publish_task(tables: dict[str, pd.DataFrame], curated_dir: Path, code: str | None = None) -> str | None:
    """Publish the combined tables; a held lock or a refusing file system comes back as a one-line message.

    With the run's code version, files derived from tables that did not change are copied from the
    previous snapshot instead of built again (`ReusableDerived`).
    """
    try:
        with phases.phase("publish", f"{sum(len(frame) for frame in tables.values())} rows"):
            publish(tables, curated_dir, derived=CURATED_DERIVED, code_version=code)
    except PublishError as refused:
        return str(refused)
    return None


def write_package_descriptor(folder: Path) -> None:
    """`datapackage.json`, generated from the table declarations and the pandera models (loaded here, when it is generated)."""
    from extract.dictionary import write_data_package

    write_data_package(folder)


# Built from the staged Parquet files on every publish, swapped in with them; copied from the
# previous snapshot instead when the files they are built from did not change.
ANALYST_FILES = (
    ReusableDerived(write_evidence_db, analyst_db.INPUT_FILES, (analyst_db.DATABASE_FILE,)),
    ReusableDerived(write_evidence_map, evidence_map.INPUT_FILES, (evidence_map.PNG_FILE, evidence_map.HTML_FILE)),
)
# Every file a publish adds to the tables: the data dictionary (it depends on the code only), then the analysts' files.
CURATED_DERIVED = (ReusableDerived(write_package_descriptor, (), ("datapackage.json",)), *ANALYST_FILES)


def curated_extra_files() -> dict[str, bytes]:
    """The data dictionary as the bytes a publish writes beside the tables (tests publish it this way)."""
    from extract.dictionary import data_package_json

    return {"datapackage.json": data_package_json().encode("utf-8")}


# What a flow run loads on its first call (Prefect's engines and the parameter encoder), and what
# building the analysts' files loads; imported while the run's server starts, they cost nothing later.
FLOW_RUN_MODULES = ("prefect.flow_engine", "prefect.task_engine", "prefect.utilities.visualization", "fastapi.encoders")
PUBLISHING_MODULES = ("duckdb", "matplotlib.figure", "matplotlib.backends.backend_agg")


def preload_run_modules(publishing: bool) -> None:
    """Import what the first flow run (and, when tables will change, building the analysts' files) would import later."""
    for name in FLOW_RUN_MODULES + (PUBLISHING_MODULES if publishing else ()):
        try:
            importlib.import_module(name)
        except ImportError:  # another version of a library lays its modules out differently: it loads when used
            continue


def record_validation_summary(counts: Sequence[FailureCount], n_reports: int) -> None:
    """Attach the run's failures by check and severity to the flow run, for the Prefect UI."""
    create_markdown_artifact(
        markdown=summary_markdown(counts, n_reports),
        key=ARTIFACT_KEY,
        description="Validation failures by check and severity",
    )


@flow(name="extract-reports", log_prints=False, validate_parameters=False, task_runner=task_runner_for())
def extract_reports(
    raw_dir: str,
    curated_dir: str,
    limits: Limits = Limits(),
    show_progress: bool = True,
    decisions: Sequence[Decision] = (),
    cache_dir: str | None = None,
) -> RunSummary:
    """Extract every report in raw_dir, validate it, and publish all tables to curated_dir.

    Results are cached under cache_dir (default: `.prefect/results` beside curated_dir).
    """
    started = time.monotonic()
    raw, curated = Path(raw_dir), Path(curated_dir)
    paths, skipped = report_paths(raw), tuple(path.name for path in skipped_paths(raw))
    outside = tuple(path.name for path in outside_paths(raw))
    if not paths:
        return RunSummary((), curated, raw, published=False, skipped_files=skipped, outside_files=outside)
    progress = ProgressDisplay.start(raw, len(paths), sys.stdout, shown=show_progress)
    per_report: dict[Path, dict[str, pd.DataFrame]] = {}
    outcome_of: dict[Path, ReportOutcome] = {}
    reused = 0
    results = Path(cache_dir) if cache_dir else cache_dir_for(curated)
    plan = read_ahead_plan(paths, limits, results)
    code = plan.code if plan is not None else code_version()
    for path, read, cached in read_reports(paths, limits, results, code, plan):
        per_report[path] = decided_tables(read, decisions)
        outcome_of[path] = report_outcome(path.name, per_report[path])
        progress.report_done(outcome_of[path])
        reused += cached
    progress.finish()
    combined = combine([*(per_report[path] for path in paths), orphaned_decisions(decisions, paths)])
    counts = failure_counts(combined["validation_failures"])
    publish_error = publish_task(combined, curated, code)
    record_validation_summary(counts, len(paths))
    outcomes = tuple(outcome_of[path] for path in paths)
    elapsed = time.monotonic() - started
    return RunSummary(outcomes, curated, raw, publish_error is None, publish_error, skipped, elapsed, reused, counts, outside)


def read_reports(
    paths: Sequence[Path], limits: Limits, results: Path, code: str, plan: RunPlan | None = None
) -> Iterator[tuple[Path, ReadReport, bool]]:
    """Each report's ReadReport as soon as it is ready, and whether it came from the cache.

    The cached ones come first, read straight from the report task's result store; the others
    are submitted as tasks and come as they finish. With the plan of a read-ahead, its timestamp
    and validation processes are the run's, and its reports are claimed by their tasks.
    """
    cached_task = extract_report_task.with_options(result_storage=results)
    ahead = readahead.current()
    loaded = ahead.cached if plan is not None and ahead is not None and ahead.cached is not None else None
    hits = loaded if loaded is not None else cached_reads(results, paths, limits, code)
    yield from ((path, read, True) for path, read in hits.items())
    runner = FlowRunContext.get().task_runner
    validators = plan.validators if plan is not None else validation_processes_for(runner, len(paths) - len(hits))
    extracted_at = plan.extracted_at if plan is not None else datetime.now(timezone.utc)
    readahead.stop_taking()  # from here the tasks read what was not read ahead
    futures = {
        cached_task.submit(path, limits, __version__, extracted_at, code, validators): path
        for path in paths
        if path not in hits
    }
    for future in as_completed(list(futures)):
        yield futures[future], future.result(), future.state.name == "Cached"


def load_cached_ahead(plan: RunPlan) -> Callable[[Sequence[Path]], dict[Path, ReadReport]]:
    """The flow's cache read for a read-ahead's plan: the same task options, key and result store."""
    return lambda paths: cached_reads(plan.results, paths, plan.limits, plan.code)


def read_ahead_plan(paths: Sequence[Path], limits: Limits, results: Path) -> RunPlan | None:
    """The plan of the reports being read ahead for this run; None when there is none, or it was
    made for other reports, limits or result folder."""
    ahead = readahead.current()
    if ahead is None or (ahead.plan.paths, ahead.plan.limits, ahead.plan.results) != (tuple(paths), limits, results):
        return None
    return ahead.plan


def orphaned_decisions(decisions: Sequence[Decision], paths: Sequence[Path]) -> dict[str, pd.DataFrame]:
    """A `stale_decision` failure for each decision about a report that is not in this run."""
    orphans = undecided_reports(decisions, [path.stem for path in paths])
    return {"validation_failures": pd.DataFrame(stale_failures((decision, "stale") for decision in orphans))}


def report_result_store(results: Path) -> ResultStore:
    """The report task's result store: its result folder (as Prefect resolves a Path) and serializer.

    Built here rather than by Prefect's `update_for_task`, whose storage resolution asks the API
    even for a local folder (and, with no server yet, would start one of its own): so the cache
    can be read ahead of the flow, while the run's server is still starting.
    """
    return ResultStore(result_storage=LocalFileSystem(basepath=str(results)), serializer=REPORT_SERIALIZER)


def cached_reads(results: Path, paths: Sequence[Path], limits: Limits, code: str) -> dict[Path, ReadReport]:
    """The reports whose result the report task's cache holds, read from it without a task run.

    Same key, same result folder as the task itself, so a hit is exactly what the task would
    return as Cached — without the orchestration a task run costs, which would dominate a re-run
    over an unchanged raw/. Anything unreadable in the cache is a miss: that report goes to the
    task, which parses it again.
    """
    store = report_result_store(results)
    found: dict[Path, ReadReport] = {}
    for path in paths:
        try:
            record = store.read(report_cache_key(path, limits, code))
        except Exception:  # not cached, the file is gone, or the entry is damaged: the task decides
            continue
        expiration = record.metadata.expiration
        if expiration is None or expiration > datetime.now(timezone.utc):
            found[path] = record.result
    return found
