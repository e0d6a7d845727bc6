"""A run's failures counted by check and severity, for the console and the flow run's artifact.

Both outputs are rendered from the same counts, so what the terminal prints and what the Prefect
UI shows never disagree. Pure functions: the flow creates the artifact, the CLI prints the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from extract.model import Severity

if TYPE_CHECKING:
    import pandas as pd

ARTIFACT_KEY = "validation-summary"

SEVERITY_MEANINGS: dict[str, str] = {
    "error": "a study row with an error is quarantined; a report-level error needs a steward's look",
    "warning": "the row is published, and the failure is listed for review",
}


@dataclass(frozen=True)
class FailureCount:
    """How often one check failed at one severity, and in how many reports."""

    check: str
    severity: Severity
    failures: int
    reports: int


def failure_counts(failures: pd.DataFrame) -> tuple[FailureCount, ...]:
    """Count the combined validation_failures by check and severity, errors first, most frequent first."""
    if failures.empty:
        return ()
    reports = failures.groupby(["check", "severity"])["report_id"].nunique()
    return tuple(
        FailureCount(
            check=str(row["check"]),
            severity=cast(Severity, row["severity"]),
            failures=int(row["failures"]),
            reports=int(reports[(row["check"], row["severity"])]),
        )
        for row in failure_summary(failures).to_dict("records")
    )


def failure_summary(failures: pd.DataFrame) -> pd.DataFrame:
    """Counts by check and severity, errors first, for the CLI and the run's markdown artifact."""
    import pandas as pd

    counts = (
        failures.groupby(["check", "severity"], sort=False).size().rename("failures").reset_index()
        if len(failures)
        else pd.DataFrame({"check": [], "severity": [], "failures": []})
    )
    order = counts["severity"].map({"error": 0, "warning": 1})
    return (
        counts.assign(_order=order)
        .sort_values(["_order", "failures", "check"], ascending=[True, False, True], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
        .astype({"failures": "int64"})
    )


def failure_table_lines(counts: Sequence[FailureCount], indent: str = "  ") -> list[str]:
    """The counts as an aligned plain-text table for the terminal; no lines when nothing failed."""
    if not counts:
        return []
    header = ("check", "severity", "failures", "reports")
    rows = [(c.check, c.severity, str(c.failures), str(c.reports)) for c in counts]
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    return [indent + format_row(cells, widths).rstrip() for cells in (header, *rows)]


def format_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Text columns left-aligned, count columns right-aligned, two spaces apart."""
    parts = [
        cell.rjust(width) if is_count_column(index) else cell.ljust(width)
        for index, (cell, width) in enumerate(zip(cells, widths))
    ]
    return "  ".join(parts)


def is_count_column(column_index: int) -> bool:
    """The last two columns hold counts, so their headers align right with their numbers."""
    return column_index >= 2


def summary_markdown(counts: Sequence[FailureCount], n_reports: int) -> str:
    """The run's failures by check and severity as a markdown table, for the flow run's artifact."""
    errors = sum(c.failures for c in counts if c.severity == "error")
    warnings = sum(c.failures for c in counts if c.severity == "warning")
    lines = [
        "# Validation summary",
        "",
        f"{n_reports} report(s) checked: {errors} error(s), {warnings} warning(s).",
        "",
    ]
    if not counts:
        return "\n".join([*lines, "No check failed: every study passed every check."]) + "\n"
    lines += ["| check | severity | failures | reports |", "|---|---|---:|---:|"]
    lines += [f"| `{c.check}` | {c.severity} | {c.failures} | {c.reports} |" for c in counts]
    lines += ["", *(f"- **{name}**: {meaning}." for name, meaning in SEVERITY_MEANINGS.items())]
    lines += ["", "Every failure, with its message, is in `validation_failures` (Parquet and CSV)."]
    return "\n".join(lines) + "\n"
