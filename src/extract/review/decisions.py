"""Stewards' decisions on validation failures: read, record, and apply them to a run's tables.

The decisions file is a CSV meant to live under version control. The machine's value is a
suggestion; a decision accepts it (waives the failure), corrects it, or rejects the row, and
both values are kept in the row's audit trail.
"""

from __future__ import annotations

import csv
import io
import json
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

# Columns a correction may not touch: they are keys or provenance, not extracted values.
PROTECTED_COLUMNS = frozenset({"report_id", "study_key", "source_page", "table_label"})


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
            self.report_id == _text(failure.get("report_id"))
            and self.study_key == _text(failure.get("study_key"))
            and (not self.column or self.column == _text(failure.get("column")))
            and (not self.check or self.check == _text(failure.get("check")))
        )


def _text(value: object) -> str:
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


@dataclass(frozen=True)
class AppliedDecisions:
    """A run's tables after decisions, with what each decision did."""

    studies: pd.DataFrame
    failures: pd.DataFrame
    rejected_keys: frozenset[str]
    outcomes: tuple[tuple[Decision, str], ...]


def decisions_for(decisions: Iterable[Decision], report_ids: Sequence[str]) -> tuple[Decision, ...]:
    """The decisions that concern the given reports."""
    wanted = set(report_ids)
    return tuple(d for d in decisions if d.report_id in wanted)


def undecided_reports(decisions: Iterable[Decision], report_ids: Sequence[str]) -> tuple[Decision, ...]:
    """Decisions about reports that are not in this run: they can be applied to nothing."""
    present = set(report_ids)
    return tuple(d for d in decisions if d.report_id not in present)


def audit_entry(decision: Decision, original: object) -> dict[str, str]:
    """What a correction changed, for the row's audit trail."""
    return {
        "column": decision.column,
        "action": decision.action,
        "original": _text(original),
        "value": decision.value,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at,
        "comment": decision.comment,
    }


def apply_corrections(
    studies: pd.DataFrame, decisions: Sequence[Decision]
) -> tuple[pd.DataFrame, tuple[tuple[Decision, str], ...]]:
    """Replace extracted values with corrected ones before validation, keeping the originals.

    Returns the corrected studies (with a `review_audit` JSON column) and each correction's
    outcome: `applied` or `stale` (its study or column no longer exists).
    """
    out = studies.copy()
    trails: dict[int, list[dict[str, str]]] = {}
    outcomes: list[tuple[Decision, str]] = []
    for decision in (d for d in decisions if d.action == "correct"):
        rows = out.index[(out["report_id"] == decision.report_id) & (out["study_key"] == decision.study_key)]
        if len(rows) == 0 or decision.column not in out.columns or decision.column in PROTECTED_COLUMNS:
            outcomes.append((decision, "stale"))
            continue
        row = rows[0]
        trails.setdefault(row, []).append(audit_entry(decision, out.at[row, decision.column]))
        out.at[row, decision.column] = _typed(decision.value, out[decision.column])
        outcomes.append((decision, "applied"))
    out["review_audit"] = [json.dumps(trails[i], ensure_ascii=False) if i in trails else None for i in out.index]
    out["review_audit"] = out["review_audit"].astype("string")
    return out, tuple(outcomes)


def _typed(value: str, column: pd.Series) -> object:
    """A corrected value cast to its column's type; text that does not cast stays for validation to flag."""
    if value == "":
        return None
    if pd.api.types.is_integer_dtype(column.dtype):
        try:
            return int(value)
        except ValueError:
            return value
    return value


def apply_verdicts(
    studies: pd.DataFrame, failures: pd.DataFrame, decisions: Sequence[Decision]
) -> AppliedDecisions:
    """After validation: waive accepted failures and reject rows, reporting stale decisions.

    A failure gets `status` open, waived (an accept decision matches it) or rejected (its row
    was rejected). A study-level decision with no matching study is stale; an accept that
    matches no failure is stale too, since what it accepted is no longer reported.
    """
    failures = failures.copy()
    status = pd.Series("open", index=failures.index, dtype="string")
    decided = pd.Series(pd.NA, index=failures.index, dtype="string")
    outcomes: list[tuple[Decision, str]] = []
    keys = set(zip(studies["report_id"], studies["study_key"]))
    rejected: set[str] = set()
    for decision in decisions:
        if decision.action == "correct":
            continue
        if decision.action == "reject":
            if (decision.report_id, decision.study_key) in keys:
                rejected.add(decision.study_key)
                outcomes.append((decision, "applied"))
            else:
                outcomes.append((decision, "stale"))
            continue
        hits = [i for i, row in failures.iterrows() if decision.matches_failure(row)]
        for i in hits:
            status[i] = "waived"
            decided[i] = decision.label
        outcomes.append((decision, "applied" if hits else "stale"))
    if rejected:
        status[failures["study_key"].isin(sorted(rejected)).fillna(False).to_numpy()] = "rejected"
    failures["status"] = status
    failures["decision"] = decided
    return AppliedDecisions(studies, failures, frozenset(rejected), tuple(outcomes))


def stale_failures(outcomes: Iterable[tuple[Decision, str]]) -> list[dict[str, object]]:
    """Validation-failure rows for decisions whose target no longer exists (never applied)."""
    rows = []
    for decision, outcome in outcomes:
        if outcome != "stale":
            continue
        rows.append(
            {
                "report_id": decision.report_id,
                "table": "decisions",
                "study_key": decision.study_key or None,
                "ref_no": None,
                "column": decision.column or None,
                "check": "stale_decision",
                "severity": "warning",
                "failure_case": decision.value or None,
                "message": (
                    f"The {decision.action} decision ({decision.label}) for "
                    f"{decision.study_key or decision.report_id}"
                    f"{' / ' + decision.column if decision.column else ''}"
                    f"{' on check ' + decision.check if decision.check else ''} no longer matches "
                    "anything in this run; it was not applied. Review it or remove it from the decisions file."
                ),
                "source_page": None,
                "status": "open",
            }
        )
    return rows

