"""What a run tells its user: one line per report as it finishes, then a short summary.

Outcomes are computed from the frames the flow already holds, so the console says exactly what
was published; formatting is kept apart from counting so both are testable without a run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from extract.analyst_db import DATABASE_FILE
from extract.evidence_map import HTML_FILE, PNG_FILE
from extract.summary import FailureCount, failure_table_lines
from extract.tables_spec import TABLES

if TYPE_CHECKING:
    import pandas as pd

PUBLISHED_TABLES: tuple[str, ...] = tuple(spec.path for spec in TABLES.values())


@dataclass(frozen=True)
class ReportOutcome:
    """How one report fared: studies kept and quarantined, failures, or why it was unreadable."""

    source_file: str
    studies: int = 0
    quarantined: int = 0
    errors: int = 0
    warnings: int = 0
    unreadable_reason: str | None = None
    unreadable_message: str | None = None

    @property
    def processed(self) -> bool:
        return self.unreadable_reason is None


@dataclass(frozen=True)
class RunSummary:
    """A whole run: every report's outcome, where the tables went, and why publishing failed if it did."""

    outcomes: tuple[ReportOutcome, ...]
    curated_dir: Path
    raw_dir: Path
    published: bool = True
    publish_error: str | None = None
    skipped_files: tuple[str, ...] = field(default_factory=tuple)
    elapsed_s: float | None = None  # the run's wall-clock time, for the closing rate line
    reused_reports: int = 0  # reports whose cached result was reused instead of parsed again
    failure_counts: tuple[FailureCount, ...] = ()  # published failures by check and severity
    outside_files: tuple[str, ...] = ()  # raw/ entries that resolve outside raw/, never read

    @property
    def reports_processed(self) -> int:
        return sum(outcome.processed for outcome in self.outcomes)

    @property
    def reports_failed(self) -> int:
        return len(self.outcomes) - self.reports_processed

    @property
    def succeeded(self) -> bool:
        """A run succeeds when at least one report was processed and its tables were published."""
        return self.reports_processed > 0 and self.publish_error is None


def row_count(tables: Mapping[str, pd.DataFrame], name: str) -> int:
    """Rows in one table, zero when the table is absent."""
    frame = tables.get(name)
    return 0 if frame is None else len(frame)


def severity_count(tables: Mapping[str, pd.DataFrame], severity: str) -> int:
    """Failure rows of one severity."""
    failures = tables.get("validation_failures")
    if failures is None or failures.empty:
        return 0
    return int((failures["severity"] == severity).sum())


def unreadable_row(tables: Mapping[str, pd.DataFrame]) -> dict[str, object] | None:
    """The report-level failure of a report that yielded no reports row, if it has one."""
    failures = tables.get("validation_failures")
    if row_count(tables, "reports") > 0 or failures is None or failures.empty:
        return None
    report_level = failures[failures["table"] == "reports"]
    return None if report_level.empty else report_level.iloc[0].to_dict()


def report_outcome(source_file: str, tables: Mapping[str, pd.DataFrame]) -> ReportOutcome:
    """Count what one report's validated tables hold."""
    unreadable = unreadable_row(tables)
    return ReportOutcome(
        source_file=source_file,
        studies=row_count(tables, "studies"),
        quarantined=row_count(tables, "quarantine_studies"),
        errors=severity_count(tables, "error"),
        warnings=severity_count(tables, "warning"),
        unreadable_reason=None if unreadable is None else str(unreadable["check"]),
        unreadable_message=None if unreadable is None else str(unreadable["message"]),
    )


def plural(count: int, noun: str) -> str:
    """`1 study`, `2 studies`, `0 errors`: counts read as words."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"


def outcome_line(outcome: ReportOutcome, name_width: int = 32) -> str:
    """One progress line: the file, then its studies and failures, or why it could not be read."""
    name = outcome.source_file.ljust(name_width)
    if not outcome.processed:
        return f"  {name}  unreadable{unreadable_detail(outcome)}"
    kept = plural(outcome.studies, "study")
    quarantined = f" + {outcome.quarantined} quarantined" if outcome.quarantined else ""
    failures = f"{plural(outcome.errors, 'error')}, {plural(outcome.warnings, 'warning')}"
    return f"  {name}  {kept}{quarantined}  {failures}"


def unreadable_detail(outcome: ReportOutcome) -> str:
    """The failure message without the file name the progress line already shows."""
    message = outcome.unreadable_message or f": {outcome.unreadable_reason}"
    return message.removeprefix(outcome.source_file) if message.startswith(outcome.source_file) else f": {message}"


def summary_lines(summary: RunSummary) -> list[str]:
    """The closing summary: reports, studies, failures by severity, and where the files are."""
    if not summary.outcomes:
        return [f"No report processed: {summary.raw_dir}/ holds no .pdf or .txt file.", *skipped_lines(summary)]
    lines = [reports_line(summary), studies_line(summary), failures_line(summary)]
    lines += failure_table_lines(summary.failure_counts)
    lines += skipped_lines(summary)
    if summary.elapsed_s is not None:
        lines.append(timing_line(summary))
    lines.append(where_line(summary))
    if summary.reports_processed == 0:
        lines.append("No report could be processed; the reasons are listed above.")
    return lines


def skipped_lines(summary: RunSummary) -> list[str]:
    """The raw/ entries a run did not read: other file types, and links that lead outside raw/."""
    lines = []
    if summary.skipped_files:
        lines.append(f"Skipped (not .pdf or .txt): {', '.join(summary.skipped_files)}")
    if summary.outside_files:
        lines.append(f"Skipped (outside {summary.raw_dir}/, not read): {', '.join(summary.outside_files)}")
    return lines


def reports_line(summary: RunSummary) -> str:
    """How many reports were processed and how many could not be read."""
    total = len(summary.outcomes)
    return f"Reports: {summary.reports_processed} of {total} processed, {summary.reports_failed} failed."


def studies_line(summary: RunSummary) -> str:
    """How many studies were published and how many were quarantined."""
    published = sum(outcome.studies for outcome in summary.outcomes)
    quarantined = sum(outcome.quarantined for outcome in summary.outcomes)
    return f"Studies: {published} published, {quarantined} quarantined."


def failures_line(summary: RunSummary) -> str:
    """Failures by severity, across every report."""
    errors = sum(outcome.errors for outcome in summary.outcomes)
    warnings = sum(outcome.warnings for outcome in summary.outcomes)
    return f"Failures: {plural(errors, 'error')}, {plural(warnings, 'warning')}."


def where_line(summary: RunSummary) -> str:
    """Where the curated tables are, or why they were not written."""
    if summary.publish_error is not None:
        return f"Nothing published: {summary.publish_error}"
    tables = ", ".join(PUBLISHED_TABLES)
    return (f"Tables in {summary.curated_dir}/ (Parquet and CSV): {tables}; "
            f"for analysts: {DATABASE_FILE}, {PNG_FILE}, {HTML_FILE}.")


def format_summary(summary: RunSummary) -> str:
    """The summary as one block of text, preceded by a blank line."""
    return "\n" + "\n".join(summary_lines(summary))


def progress_header(raw_dir: Path, n_reports: int) -> str:
    """The line printed before the first report finishes."""
    return f"Extracting {plural(n_reports, 'report')} from {raw_dir}/"


def timing_line(summary: RunSummary) -> str:
    """How long the run took, its rate, and how many reports came from the cache unchanged."""
    elapsed = summary.elapsed_s or 0.0
    reused = f"; {summary.reused_reports} unchanged, reused from the cache" if summary.reused_reports else ""
    rate = reports_per_minute(len(summary.outcomes), elapsed)
    return f"Time: {format_duration(elapsed)} ({rate:.0f} reports/min){reused}."


def reports_per_minute(done: int, elapsed_s: float) -> float:
    """Reports finished per minute so far; zero before any time has passed."""
    return 60.0 * done / elapsed_s if elapsed_s > 0 else 0.0


def format_duration(seconds: float) -> str:
    """A duration as `m:ss`, or `h:mm:ss` from an hour, as a progress display shows it."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_status(done: int, total: int, elapsed_s: float) -> str:
    """The live status line of a long run: count, percentage, rate and estimated time left."""
    rate = reports_per_minute(done, elapsed_s)
    left = format_duration((total - done) * elapsed_s / done) if done else "?"
    percent = 100 * done // total if total else 100
    return f"  [{done}/{total}] {percent}%  {rate:.1f} reports/min  ETA {left}"


CLEAR_LINE = "\r\x1b[K"


@dataclass
class ProgressDisplay:
    """Prints each finished report; on a terminal also a live status line kept below them.

    Off a terminal (a log file, a pipe, CI) only the report lines are written: no escape codes.
    """

    total: int
    stream: TextIO
    live: bool
    shown: bool = True
    started: float = field(default_factory=time.monotonic)
    done: int = 0

    @classmethod
    def start(cls, raw_dir: Path, total: int, stream: TextIO, shown: bool = True) -> ProgressDisplay:
        """Print the run's header line and return the display; live only on a terminal, silent when not shown."""
        if shown:
            stream.write(progress_header(raw_dir, total) + "\n")
            stream.flush()
        return cls(total, stream, live=shown and stream.isatty(), shown=shown)

    def report_done(self, outcome: ReportOutcome) -> None:
        """Print one finished report and, when live, the updated status line under it."""
        self.done += 1
        if not self.shown:
            return
        if self.live:
            status = progress_status(self.done, self.total, time.monotonic() - self.started)
            self.stream.write(f"{CLEAR_LINE}{outcome_line(outcome)}\n{status}")
        else:
            self.stream.write(outcome_line(outcome) + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """Clear the live status line, so the summary starts on a clean line."""
        if self.live:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
