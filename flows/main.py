"""The extraction flow: one task per report, then one publish task. Wiring only.

Parsing lives in `extract.pipeline` and below; this module lists the files, fans the reports out
as tasks (through `.submit`, so the task runner can be swapped for a process pool or Dask), turns
any exception of a report into that report's failure rows, and publishes the combined tables.
Task inputs and outputs are plain paths, frozen dataclasses and DataFrames: all picklable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE
from prefect.futures import as_completed

from extract import __version__
from extract.console import ReportOutcome, RunSummary, outcome_line, progress_header, report_outcome
from extract.dictionary import data_package_json
from extract.errors import UnreadableReport
from extract.isolation import run_isolated
from extract.pipeline import REPORT_SUFFIXES, combine, extract_report, report_tables, unreadable_tables
from extract.publish import PublishLocked, publish
from extract.readers.guard import classify_exception
from extract.review.apply import decide_report, decide_unreadable
from extract.review.decisions import Decision, stale_failures, undecided_reports
from extract.settings import Limits
from extract.summary import ARTIFACT_KEY, FailureCount, failure_counts, summary_markdown
from extract.validate import validate_report


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


def validated_report_tables(
    path: Path,
    limits: Limits,
    extractor_version: str,
    extracted_at: datetime,
    decisions: Sequence[Decision] = (),
) -> dict[str, pd.DataFrame]:
    """One report's validated tables, or its report-level failure row when it cannot be read.

    Reading runs in a worker process with the time budget of `limits`, so a file that hangs a
    parser or exhausts memory is stopped and recorded instead of stopping the batch.
    """
    try:
        extraction = run_isolated(
            extract_report, path, limits, timeout_s=limits.timeout_s, source_file=path.name
        )
        tables = report_tables(extraction, extractor_version, extracted_at)
        return decide_report(tables, extraction, decisions, validate_report)
    except UnreadableReport as unreadable:
        return decide_unreadable(unreadable_tables(unreadable), path.stem, decisions)
    except Exception as error:  # any bug or bad input becomes this report's failure, not the run's
        return decide_unreadable(unreadable_tables(classify_exception(error, path)), path.stem, decisions)


@task(name="extract-report", cache_policy=NONE, task_run_name="extract {path.name}")
def extract_report_task(
    path: Path,
    limits: Limits,
    extractor_version: str,
    extracted_at: datetime,
    decisions: Sequence[Decision] = (),
) -> dict[str, pd.DataFrame]:
    """Extract, validate and apply decisions to one report; never raises, so one bad file cannot stop the batch."""
    return validated_report_tables(path, limits, extractor_version, extracted_at, decisions)


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


@flow(name="extract-reports", log_prints=False, validate_parameters=False)
def extract_reports(
    raw_dir: str,
    curated_dir: str,
    limits: Limits = Limits(),
    show_progress: bool = True,
    decisions: Sequence[Decision] = (),
) -> RunSummary:
    """Extract every report in raw_dir, validate it, and publish all tables to curated_dir."""
    raw, curated = Path(raw_dir), Path(curated_dir)
    paths = report_paths(raw)
    skipped = tuple(path.name for path in skipped_paths(raw))
    if not paths:
        return RunSummary((), curated, raw, published=False, skipped_files=skipped)
    if show_progress:
        print(progress_header(raw, len(paths)), flush=True)
    extracted_at = datetime.now(timezone.utc)
    futures = {
        extract_report_task.submit(path, limits, __version__, extracted_at, decisions): path
        for path in paths
    }
    per_report: dict[Path, dict[str, pd.DataFrame]] = {}
    for future in as_completed(list(futures)):
        path = futures[future]
        per_report[path] = future.result()
        if show_progress:
            print(outcome_line(report_outcome(path.name, per_report[path])), flush=True)
    outcomes = report_outcomes(paths, per_report)
    orphans = stale_failures((d, "stale") for d in undecided_reports(decisions, [p.stem for p in paths]))
    tables = [per_report[path] for path in paths] + [{"validation_failures": pd.DataFrame(orphans)}]
    combined = combine(tables)
    counts = failure_counts(combined["validation_failures"])
    publish_error = publish_task(combined, curated)
    record_validation_summary(counts, len(paths))
    return RunSummary(
        outcomes, curated, raw, publish_error is None, publish_error, skipped, failure_counts=counts
    )


def report_outcomes(
    paths: Sequence[Path], per_report: dict[Path, dict[str, pd.DataFrame]]
) -> tuple[ReportOutcome, ...]:
    """Every report's outcome, in file order."""
    return tuple(report_outcome(path.name, per_report[path]) for path in paths)
