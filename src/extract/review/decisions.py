"""The decisions file: stewards' decisions read from and appended to one CSV meant for version control.

A decision accepts a failure (waives it), corrects a value, or rejects a row; `review.apply`
applies them on the next run. The machine's value is a suggestion, and both values are kept.
Nothing is ever deleted from the file: a decision is undone by a later `revoke` row that names it
(the same keys, and its `decided_at` as the revoke's value), so the file stays the whole audit trail.

This is the one module that reads and writes the file, for the page and the run alike, because
people edit it by hand (Excel, Notepad, a text editor): UTF-8 with or without a BOM is read;
any other encoding, another header, a row with more or fewer fields than the header, or broken
quoting is one DecisionError naming the file and line, never a traceback and never a row quietly
dropped. A save ends an unended last line first, so a hand edit is never glued to the new row.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Literal, Sequence

from filelock import FileLock

from extract.errors import describe_os_error

if TYPE_CHECKING:  # the run reads the decisions file first thing, before it needs pandas
    import pandas as pd


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
ACTIONS: tuple[str, ...] = ("accept", "correct", "reject", "revoke")
FORM_ACTIONS: tuple[str, ...] = ("accept", "correct", "reject")  # what a failure's form offers; revoke is Undo
Action = Literal["accept", "correct", "reject", "revoke"]


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
    def keys(self) -> tuple[str, str, str, str]:
        """What the decision speaks of: report, study row, column and check."""
        return (self.report_id, self.study_key, self.column, self.check)

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
    return "" if is_missing_cell(value) else str(value)


def is_missing_cell(value: object) -> bool:
    """None, NaN or pandas' NA (which only a loaded pandas can have made)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NA


def decision_from_record(record: Mapping[str, str | None], where: str | None = None) -> Decision:
    """Build a Decision from a record, refusing an unknown action; `where` (file and line) leads any message."""
    values = {name: (record.get(name) or "").strip() for name in DECISION_COLUMNS}
    problem = record_problem(values)
    if problem:
        raise DecisionError(f"{where}: {problem}" if where else problem)
    values["value"] = record.get("value") or ""  # a corrected value is kept verbatim
    return Decision(**values)  # type: ignore[arg-type]


def record_problem(values: Mapping[str, str]) -> str | None:
    """What makes a decision's fields unusable, in a steward's words; None when they are fine."""
    if values["action"] not in ACTIONS:
        return f"action {values['action']!r} is not one of {', '.join(ACTIONS)}"
    if not values["report_id"]:
        return "report_id is empty"
    if values["action"] == "correct" and not values["column"]:
        return "a correction needs a column"
    if values["action"] == "revoke" and not values["value"]:
        return "a revoke needs, as its value, the decided_at of the decision it revokes"
    return None


# --- the file ---------------------------------------------------------------------------------


def read_decisions(path: Path) -> tuple[Decision, ...]:
    """Read the decisions file; a missing or empty file means no decisions yet.

    Anything else that is not a decisions file — another encoding, another header, a row with
    too many or too few fields, broken quoting — raises one DecisionError naming the file and
    line, so no decision is ever dropped silently.
    """
    data = decisions_bytes(path)
    return () if data is None else parse_decisions(data, path)


def decisions_bytes(path: Path) -> bytes | None:
    """The decisions file's bytes, read once (it may be a pipe); None when there is no file."""
    if not path.exists():
        return None
    try:
        return path.read_bytes()
    except OSError as error:
        raise DecisionError(f"{path}: cannot be read: {describe_os_error(error)}") from None


def decisions_text(data: bytes, path: Path) -> str:
    """The file's text: UTF-8, with or without the BOM Excel and Notepad write; else an error naming the line.

    A NUL character is refused too: no one types one, and UTF-16 text read as UTF-8 is full of them.
    """
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body.count(b"\n", 0, error.start) + 1
        raise DecisionError(
            f"{path} line {line}: byte 0x{body[error.start]:02x} is not UTF-8; save the file as UTF-8 (with or without BOM)"
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DecisionError(f"{path} line {line}: line contains NUL; the file is damaged or not UTF-8 text")
    return text


def parse_decisions(data: bytes, path: Path) -> tuple[Decision, ...]:
    """Every decision of a decisions file's bytes, in file order; blank lines are skipped."""
    text = decisions_text(data, path)
    if not text.strip():
        return ()
    return tuple(checked_rows(list(csv_records(text, path)), path))


def csv_records(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on; broken quoting is an error naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    while True:
        start = line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DecisionError(f"{path} line {start}: {error}") from None
        line = reader.line_num
        if any(field.strip() for field in fields):
            yield start, fields


def checked_rows(records: list[tuple[int, list[str]]], path: Path) -> Iterator[Decision]:
    """The header checked, then each row: exactly the columns' number of fields, and fields a decision accepts."""
    if not records:
        return
    (header_line, header), *rows = records
    if [name.strip() for name in header] != list(DECISION_COLUMNS):
        raise DecisionError(
            f"{path} line {header_line}: the header must be exactly {','.join(DECISION_COLUMNS)} (found {','.join(header)})"
        )
    for line_no, fields in rows:
        if len(fields) != len(DECISION_COLUMNS):
            raise DecisionError(
                f"{path} line {line_no}: {len(fields)} fields where the header has {len(DECISION_COLUMNS)}; "
                "quote a field that holds a comma"
            )
        yield decision_from_record(dict(zip(DECISION_COLUMNS, fields)), f"{path} line {line_no}")


def decision_csv_row(decision: Decision, line_end: str = "\n") -> str:
    """One decision as an RFC 4180 CSV line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerow([getattr(decision, c) for c in DECISION_COLUMNS])
    return buffer.getvalue()


def line_ending(data: bytes) -> str:
    """The file's own line ending (CRLF when its first line ends so, as Excel writes), to append alike."""
    first = data.split(b"\n", 1)[0]
    return "\r\n" if first.endswith(b"\r") and b"\n" in data else "\n"


def appended(data: bytes, decisions: Sequence[Decision]) -> bytes:
    """The file's bytes with decisions added: a header first if it had none, its last line ended first."""
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        return (",".join(DECISION_COLUMNS) + "\n" + "".join(decision_csv_row(d) for d in decisions)).encode("utf-8")
    end = line_ending(data)
    if not data.endswith(b"\n"):
        data += b"\n" if data.endswith(b"\r") else end.encode()
    return data + "".join(decision_csv_row(d, end) for d in decisions).encode("utf-8")


def append_decision(path: Path, decision: Decision) -> None:
    """Add one decision under a lock, so two stewards saving at once both keep theirs."""
    append_decisions(path, (decision,))


def append_decisions(path: Path, decisions: Sequence[Decision]) -> None:
    """Add decisions in one write under a lock: a bulk decision is in the file whole or not at all.

    The file is checked first (a file `run` would refuse is not written to: DecisionError), its
    last line ended if a hand edit left it open, and the new file swapped in whole (a rename),
    so a run reading it at the same moment sees it before or after, never half-written.
    """
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path) + ".lock", timeout=30):
        data = target.read_bytes() if target.exists() else b""
        parse_decisions(data, path)
        replace_whole(target, appended(data, decisions))


def replace_whole(path: Path, content: bytes) -> None:
    """Write a file's new content beside it, flush it, and rename it over the old one (keeping its mode)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


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
    """Decisions about reports that are not in this run: they can be applied to nothing.

    A decision its own revoke cancels is left out with that revoke: together they ask for nothing.
    """
    present = set(report_ids)
    settled = in_force(tuple(decisions))
    return tuple(d for d in (*settled.decisions, *settled.unmatched) if d.report_id not in present)


@dataclass(frozen=True)
class InForce:
    """The file read as it acts: decisions no revoke names, who revoked which, and revokes that name nothing."""

    decisions: tuple[Decision, ...]
    revoked: tuple[tuple[Decision, Decision], ...]  # (decision, the revoke that undid it)
    unmatched: tuple[Decision, ...]


def revokes(revoke: Decision, decision: Decision) -> bool:
    """Whether a revoke names a decision: the same keys, and the decision's decided_at as its value."""
    return decision.action != "revoke" and decision.keys == revoke.keys and decision.decided_at == revoke.value.strip()


def in_force(decisions: Sequence[Decision]) -> InForce:
    """Each revoke undoes the earlier decisions it names; what is left acts, in file order.

    A revoke names decisions above it only, and never another revoke (to redo, decide again). A
    revoke that names nothing still in force is `unmatched`, and the run reports it stale.
    """
    undone: dict[int, Decision] = {}
    unmatched: list[Decision] = []
    earlier: dict[tuple[str, str, str, str], list[int]] = {}
    for position, decision in enumerate(decisions):
        if decision.action != "revoke":
            earlier.setdefault(decision.keys, []).append(position)
            continue
        named = [i for i in earlier.get(decision.keys, ()) if i not in undone and revokes(decision, decisions[i])]
        undone.update((i, decision) for i in named)
        if not named:
            unmatched.append(decision)
    kept = tuple(d for i, d in enumerate(decisions) if d.action != "revoke" and i not in undone)
    revoked = tuple((decisions[i], revoke) for i, revoke in sorted(undone.items()))
    return InForce(kept, revoked, tuple(unmatched))
