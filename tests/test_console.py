"""What a run prints: one line per report, then a summary that says why when nothing was processed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.console import (
    ReportOutcome,
    RunSummary,
    format_summary,
    outcome_line,
    plural,
    report_outcome,
)
from extract.errors import UnreadableReport
from extract.datasets import unreadable_tables

PROCESSED = ReportOutcome("good.txt", studies=16, quarantined=1, errors=1, warnings=2)
UNREADABLE = ReportOutcome(
    "bad.pdf", unreadable_reason="corrupt_pdf", unreadable_message="bad.pdf, page 2: corrupt_pdf: broken xref"
)


def test_outcome_counts_studies_quarantine_and_failures_by_severity() -> None:
    tables = {
        "studies": pd.DataFrame({"study_key": ["r:1", "r:2"]}),
        "quarantine_studies": pd.DataFrame({"study_key": ["r:3"]}),
        "reports": pd.DataFrame({"report_id": ["r"]}),
        "validation_failures": pd.DataFrame(
            {"table": ["studies"] * 3, "severity": ["error", "warning", "warning"], "check": ["a", "b", "c"]}
        ),
    }
    outcome = report_outcome("r.txt", tables)
    assert (outcome.studies, outcome.quarantined, outcome.errors, outcome.warnings) == (2, 1, 1, 2)
    assert outcome.processed


def test_outcome_of_an_unreadable_report_carries_its_reason() -> None:
    tables = unreadable_tables(UnreadableReport("not_a_pdf", "no PDF header", "x.pdf"))
    outcome = report_outcome("x.pdf", tables)
    assert not outcome.processed
    assert outcome.unreadable_reason == "not_a_pdf" and "x.pdf" in (outcome.unreadable_message or "")


def test_progress_line_names_the_file_and_its_counts() -> None:
    line = outcome_line(PROCESSED)
    assert line.strip().startswith("good.txt")
    assert "16 studies + 1 quarantined" in line and "1 error, 2 warnings" in line
    assert outcome_line(UNREADABLE).split() == ["bad.pdf", "unreadable,", "page", "2:", "corrupt_pdf:", "broken", "xref"]


def test_summary_counts_reports_studies_failures_and_says_where() -> None:
    summary = RunSummary((PROCESSED, UNREADABLE), Path("out"), Path("in"))
    text = format_summary(summary)
    assert "Reports: 1 of 2 processed, 1 failed." in text
    assert "Studies: 16 published, 1 quarantined." in text
    assert "Failures: 1 error, 2 warnings." in text
    assert "Tables in out/" in text
    assert summary.succeeded


def test_summary_says_why_when_no_report_was_processed() -> None:
    empty = RunSummary((), Path("out"), Path("in"), published=False)
    failed = RunSummary((UNREADABLE,), Path("out"), Path("in"))
    assert not empty.succeeded and "in/ holds no .pdf or .txt file" in format_summary(empty)
    assert not failed.succeeded and "No report could be processed" in format_summary(failed)


def test_raw_entries_that_lead_outside_raw_are_named_in_the_summary() -> None:
    summary = RunSummary((PROCESSED,), Path("out"), Path("in"), skipped_files=("notes.md",), outside_files=("passwd.txt",))
    lines = format_summary(summary).splitlines()
    assert "Skipped (not .pdf or .txt): notes.md" in lines
    assert "Skipped (outside in/, not read): passwd.txt" in lines
    nothing = RunSummary((), Path("out"), Path("in"), published=False, outside_files=("passwd.txt",))
    assert "Skipped (outside in/, not read): passwd.txt" in format_summary(nothing)


def test_a_held_lock_fails_the_run_and_is_reported() -> None:
    summary = RunSummary((PROCESSED,), Path("out"), Path("in"), False, "another run is publishing")
    assert not summary.succeeded
    assert "Nothing published: another run is publishing" in format_summary(summary)


def test_plural_reads_as_words() -> None:
    assert [plural(1, "study"), plural(2, "study"), plural(0, "error")] == ["1 study", "2 studies", "0 errors"]
