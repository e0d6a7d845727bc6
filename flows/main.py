"""The extraction flow: one task per report, then one publish task. Wiring only.

Parsing lives in `extract.pipeline` and below; this module lists the files, fans the reports out
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

import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import Task, flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.context import FlowRunContext
from prefect.futures import as_completed
from prefect.results import get_result_store
from prefect.serializers import PickleSerializer

from extract import __version__
from extract.console import ProgressDisplay, ReportOutcome, RunSummary, progress_header, report_outcome
from extract.dictionary import data_package_json
from extract.pipeline import REPORT_SUFFIXES, combine
from extract.publish import PublishLocked, publish
from extract.review.decisions import Decision, stale_failures, undecided_reports
from extract.settings import Limits
from extract.summary import ARTIFACT_KEY, FailureCount, failure_counts, summary_markdown
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


def report_paths(raw_dir: Path) -> list[Path]:
    """The report files of raw_dir, sorted by name so runs list them in the same order."""
    return sorted(
        path
        for path in raw_dir.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in REPORT_SUFFIXES
    )


def skipped_paths(raw_dir: Path) -> list[Path]:
    """Visible files of raw_dir that are not reports, so the summary can name them."""
    return sorted(
        path
        for path in raw_dir.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() not in REPORT_SUFFIXES
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
    return read_report(path, limits, extractor_version, extracted_at, validators)


@task(name="publish-curated", cache_policy=NONE)
def publish_task(tables: dict[str, pd.DataFrame], curated_dir: Path) -> str | None:
    """Publish the combined tables; a held lock comes back as a message instead of a crash."""
    try:
        publish(tables, curated_dir, extra_files=curated_extra_files())
    except PublishLocked as locked:
        return str(locked)
    return None


def curated_extra_files() -> dict[str, bytes]:
    """Files published beside the tables on every run, so the data dictionary never goes stale."""
    return {"datapackage.json": data_package_json().encode("utf-8")}


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
    paths = report_paths(raw)
    skipped = tuple(path.name for path in skipped_paths(raw))
    if not paths:
        return RunSummary((), curated, raw, published=False, skipped_files=skipped)
    if show_progress:
        print(progress_header(raw, len(paths)), flush=True)
    progress = ProgressDisplay(len(paths), sys.stdout, show_progress and sys.stdout.isatty())
    extracted_at = datetime.now(timezone.utc)
    results = Path(cache_dir) if cache_dir else cache_dir_for(curated)
    cached_task = extract_report_task.with_options(result_storage=results)
    code = code_version()
    validators = validation_processes_for(FlowRunContext.get().task_runner)
    per_report: dict[Path, dict[str, pd.DataFrame]] = {}

    def settle(path: Path, read: ReadReport) -> None:
        per_report[path] = decided_tables(read, decisions)
        if show_progress:
            progress.report_done(report_outcome(path.name, per_report[path]))

    hits = cached_reads(cached_task, paths, limits, code)
    for path, read in hits.items():
        settle(path, read)
    futures = {
        cached_task.submit(path, limits, __version__, extracted_at, code, validators): path
        for path in paths
        if path not in hits
    }
    reused = len(hits)
    for future in as_completed(list(futures)):
        settle(futures[future], future.result())
        reused += future.state.name == "Cached"
    progress.finish()
    outcomes = report_outcomes(paths, per_report)
    orphans = stale_failures((d, "stale") for d in undecided_reports(decisions, [p.stem for p in paths]))
    tables = [per_report[path] for path in paths] + [{"validation_failures": pd.DataFrame(orphans)}]
    combined = combine(tables)
    counts = failure_counts(combined["validation_failures"])
    publish_error = publish_task(combined, curated)
    record_validation_summary(counts, len(paths))
    return RunSummary(
        outcomes, curated, raw, publish_error is None, publish_error, skipped,
        elapsed_s=time.monotonic() - started, reused_reports=reused,
        failure_counts=counts,
    )


def cached_reads(report_task: Task[..., ReadReport], paths: Sequence[Path], limits: Limits, code: str) -> dict[Path, ReadReport]:
    """The reports whose result the report task's cache holds, read from it without a task run.

    Same key, same result store as the task itself (`update_for_task`), so a hit is exactly what
    the task would return as Cached — without the tens of milliseconds of orchestration a task
    run costs, which would dominate a re-run over an unchanged raw/. Anything unreadable in the
    cache is a miss: that report goes to the task, which parses it again.
    """
    store = get_result_store().update_for_task(report_task)
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


def report_outcomes(
    paths: Sequence[Path], per_report: dict[Path, dict[str, pd.DataFrame]]
) -> tuple[ReportOutcome, ...]:
    """Every report's outcome, in file order."""
    return tuple(report_outcome(path.name, per_report[path]) for path in paths)
