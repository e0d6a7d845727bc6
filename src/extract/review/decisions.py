"""The decisions file: stewards' decisions read from and appended to one CSV meant for version control.

A decision accepts a failure (waives it), corrects a value, or rejects a row; `review.apply`
applies them on the next run. The machine's value is a suggestion, and both values are kept.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Literal, Sequence

import pandas as pd
from filelock import FileLock


DECISION_COLUMNS: tuple[str, ...] = (
    "report_id",
    "study_key",
    "column",
    "check",
    "action",
    "value",
    "comment",
    "decided_by",
    "decided_at",
)
ACTIONS: tuple[str, ...] = ("accept", "correct", "reject")
Action = Literal["accept", "correct", "reject"]


class DecisionError(ValueError):
    """A decisions file row that cannot be understood, with its line number."""


@dataclass(frozen=True)
class Decision:
    """One steward decision; empty `check` means any check on that cell."""

    report_id: str
    study_key: str
    column: str
    check: str
    action: Action
    value: str
    comment: str
    decided_by: str
    decided_at: str

    @property
    def label(self) -> str:
        """A short reference to this decision for audit trails and messages."""
        who = self.decided_by or "unknown"
        return f"{self.action} by {who} at {self.decided_at or 'unknown time'}"

    def matches_failure(self, failure: pd.Series) -> bool:
        """Whether this decision speaks to one validation failure row."""
        return (
            self.report_id == cell_text_or_empty(failure.get("report_id"))
            and self.study_key == cell_text_or_empty(failure.get("study_key"))
            and (not self.column or self.column == cell_text_or_empty(failure.get("column")))
            and (not self.check or self.check == cell_text_or_empty(failure.get("check")))
        )


def cell_text_or_empty(value: object) -> str:
    """A cell as text, with missing values as the empty string."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value)


def decision_from_record(record: dict[str, str], line_no: int = 0) -> Decision:
    """Build a Decision from a CSV record, rejecting unknown actions."""
    values = {name: (record.get(name) or "").strip() for name in DECISION_COLUMNS}
    if values["action"] not in ACTIONS:
        raise DecisionError(
            f"decisions line {line_no}: action {values['action']!r} is not one of {', '.join(ACTIONS)}"
        )
    if not values["report_id"]:
        raise DecisionError(f"decisions line {line_no}: report_id is empty")
    if values["action"] == "correct" and not values["column"]:
        raise DecisionError(f"decisions line {line_no}: a correction needs a column")
    values["value"] = (record.get("value") or "")  # a corrected value is kept verbatim
    return Decision(**values)  # type: ignore[arg-type]


def read_decisions(path: Path) -> tuple[Decision, ...]:
    """Read the decisions file; a missing file means no decisions yet."""
    if not path.exists():
        return ()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(DECISION_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise DecisionError(f"{path}: missing columns {', '.join(sorted(missing))}")
        return tuple(decision_from_record(row, n) for n, row in enumerate(reader, start=2))


def decision_csv_row(decision: Decision) -> str:
    """One decision as an RFC 4180 CSV line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([getattr(decision, c) for c in DECISION_COLUMNS])
    return buffer.getvalue()


def append_decision(path: Path, decision: Decision) -> None:
    """Append one decision under a lock, so two stewards saving at once both keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        new_file = not path.exists() or path.stat().st_size == 0
        with path.open("a", newline="", encoding="utf-8") as handle:
            if new_file:
                handle.write(",".join(DECISION_COLUMNS) + "\n")
            handle.write(decision_csv_row(decision))
            handle.flush()
            os.fsync(handle.fileno())


def new_decision(
    *,
    report_id: str,
    study_key: str,
    column: str,
    check: str,
    action: Action,
    value: str = "",
    comment: str = "",
    decided_by: str = "",
    now: datetime | None = None,
) -> Decision:
    """A decision stamped with the time it was made (UTC, ISO 8601)."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    decision = Decision(report_id, study_key, column, check, action, value, comment, decided_by, stamp)
    return decision_from_record(asdict(decision))


def decisions_for(decisions: Iterable[Decision], report_ids: Sequence[str]) -> tuple[Decision, ...]:
    """The decisions that concern the given reports."""
    wanted = set(report_ids)
    return tuple(d for d in decisions if d.report_id in wanted)


def undecided_reports(decisions: Iterable[Decision], report_ids: Sequence[str]) -> tuple[Decision, ...]:
    """Decisions about reports that are not in this run: they can be applied to nothing."""
    present = set(report_ids)
    return tuple(d for d in decisions if d.report_id not in present)
