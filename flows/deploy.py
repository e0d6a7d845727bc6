"""The scheduled entry point of the deployment in prefect.yaml: reads the decisions file, then runs the flow.

A deployment passes only plain parameters, so the stewards' decisions are read here from their
file (as `evidence-extract run --decisions` does) and handed to the extraction flow, which runs
as a subflow on a process pool of `workers` processes.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from extract.console import RunSummary, format_summary
from extract.review.decisions import read_decisions
from extract.runlock import run_lock
from flows.main import extract_reports
from flows.runners import task_runner_for


@flow(name="scheduled-extraction", log_prints=True)
def scheduled_extraction(
    raw_dir: str = "raw",
    curated_dir: str = "curated",
    decisions_file: str = "review/decisions.csv",
    workers: int | None = None,
) -> RunSummary:
    """Extract raw_dir into curated_dir with the decisions recorded so far; print the summary to the run's logs.

    Like `evidence-extract run`, it holds the curated folder's lock from before it reads anything
    until it has published, so a scheduled run and a manual one never interleave.
    """
    with run_lock(Path(curated_dir)):
        decisions = read_decisions(Path(decisions_file))
        runner = task_runner_for(workers)
        summary = extract_reports.with_options(task_runner=runner)(
            raw_dir, curated_dir, show_progress=False, decisions=decisions
        )
    print(format_summary(summary))
    return summary
