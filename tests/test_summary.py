"""The run's failures by check and severity: counting, the console table, the markdown artifact."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from extract.summary import FailureCount, failure_counts, failure_table_lines, summary_markdown

CHECKS = ("required", "broken_word", "ref_no_gap", "declared_count")


def failures(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """A validation_failures frame with only the columns counting reads: report, check, severity."""
    return pd.DataFrame(rows, columns=["report_id", "check", "severity"])


def test_counts_are_by_check_and_severity_errors_first_with_reports_affected() -> None:
    frame = failures([
        ("a", "broken_word", "warning"),
        ("a", "broken_word", "warning"),
        ("b", "broken_word", "warning"),
        ("a", "required", "error"),
    ])
    assert failure_counts(frame) == (
        FailureCount("required", "error", 1, 1),
        FailureCount("broken_word", "warning", 3, 2),
    )


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(CHECKS), st.sampled_from(("error", "warning")))))
def test_counts_add_up_to_every_failure_row(rows: list[tuple[str, str, str]]) -> None:
    counts = failure_counts(failures(rows))
    assert sum(count.failures for count in counts) == len(rows)
    assert len({(c.check, c.severity) for c in counts}) == len(counts)
    assert [c.severity for c in counts] == sorted(c.severity for c in counts)  # errors before warnings


def test_console_table_aligns_counts_under_their_headers() -> None:
    lines = failure_table_lines([FailureCount("required", "error", 12, 3), FailureCount("glyph_code", "error", 1, 1)])
    assert [line.split() for line in lines] == [
        ["check", "severity", "failures", "reports"],
        ["required", "error", "12", "3"],
        ["glyph_code", "error", "1", "1"],
    ]
    assert len({len(line) for line in lines}) == 1  # right-aligned counts end where their header ends


def test_nothing_failed_prints_no_table() -> None:
    assert failure_table_lines([]) == []


def test_markdown_lists_each_check_with_totals_and_what_severities_mean() -> None:
    text = summary_markdown([FailureCount("required", "error", 2, 1), FailureCount("broken_word", "warning", 5, 2)], 3)
    assert "3 report(s) checked: 2 error(s), 5 warning(s)." in text
    assert "| `required` | error | 2 | 1 |" in text and "| `broken_word` | warning | 5 | 2 |" in text
    assert "quarantined" in text


def test_markdown_of_a_clean_run_says_nothing_failed() -> None:
    text = summary_markdown([], 2)
    assert "0 error(s), 0 warning(s)" in text and "No check failed" in text and "|" not in text
