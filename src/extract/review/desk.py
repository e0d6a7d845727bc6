"""The steward's desk: every failure with what was decided about it, filtered, counted and paged.

A batch brings thousands of failures, many of one kind, so the page never draws them all: it
filters by report, check, severity, status (open or decided) and text, counts what each filter
link would show, and draws one page of cards. Whether a failure is decided is read from the
decisions file as it is now (a decision saved a minute ago counts before the next run applies
it; a revoked one no longer does), and from the last run's status for decisions the file no
longer holds.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pandas as pd

from extract.review.decisions import Decision, cell_text_or_empty, in_force
from extract.review.guard import Refused

STATUSES = ("open", "decided", "all")
PAGE_SIZE = 25
FILTER_CHARS = {"report": 300, "check": 100, "severity": 20, "status": 10, "q": 200, "page": 6}


@dataclass(frozen=True)
class FailureRecord:
    """One validation failure as the page handles it, with a stable id for anchors and forms."""

    id: str
    report_id: str
    table: str
    study_key: str
    ref_no: str
    column: str
    check: str
    severity: str
    failure_case: str
    message: str
    source_page: str
    run_status: str
    run_decision: str
    value: str | None = None
    haystack: str = ""


def failure_id(parts: Sequence[str], seen: Counter[str]) -> str:
    """A short id from a failure's content, the same on every page load of one run's tables."""
    digest = "f-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    seen[digest] += 1
    return digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def failure_records(failures: pd.DataFrame, values: Mapping[tuple[str, str], str]) -> tuple[FailureRecord, ...]:
    """Every failure row as a record, with the extracted value of its cell (`values`: (study_key, column) → text)."""
    if failures.empty:
        return ()
    seen: Counter[str] = Counter()
    records = []
    columns = ("report_id", "table", "study_key", "ref_no", "column", "check", "severity", "failure_case", "message", "source_page")
    for row in failures.to_dict("records"):
        text = {name: cell_text_or_empty(row.get(name)) for name in columns}
        for number in ("ref_no", "source_page"):
            text[number] = text[number].removesuffix(".0")
        value = values.get((text["study_key"], text["column"]))
        identity = [text[name] for name in ("report_id", "table", "study_key", "column", "check", "failure_case", "message")]
        records.append(FailureRecord(
            id=failure_id(identity, seen), **text,
            run_status=cell_text_or_empty(row.get("status")) or "open",
            run_decision=cell_text_or_empty(row.get("decision")),
            value=value,
            haystack=" ".join((text["message"], text["failure_case"], value or "")).casefold(),
        ))
    return tuple(records)


# --- decisions against failures ----------------------------------------------------------------


def acts_on(decision: Decision, record: FailureRecord) -> bool:
    """Whether a decision in force speaks to a failure as the next run applies it.

    An accept waives matching failures (empty column or check: any); a reject takes the whole
    study row, so every failure of the row; a correction replaces the cell, so every failure of it.
    """
    if (decision.report_id, decision.study_key) != (record.report_id, record.study_key):
        return False
    if decision.action == "reject":
        return bool(record.study_key)
    if decision.action == "correct":
        return decision.column == record.column
    return decision.column in ("", record.column) and decision.check in ("", record.check)


@dataclass(frozen=True)
class Verdict:
    """Where a failure stands: `open` or `decided`, the decisions that act on it, and the revoked ones."""

    state: str
    decisions: tuple[Decision, ...] = ()
    revoked: tuple[tuple[Decision, Decision], ...] = ()
    by_run: str = ""  # the last run's word, when no decision in the file speaks to the failure


@dataclass(frozen=True)
class Ledger:
    """The decisions file read as it acts, indexed by report and study row."""

    decisions: tuple[Decision, ...] = ()
    acting: Mapping[tuple[str, str], tuple[Decision, ...]] = field(default_factory=dict)
    revoked: Mapping[tuple[str, str], tuple[tuple[Decision, Decision], ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, decisions: Sequence[Decision]) -> Ledger:
        """Index a file's decisions: those in force, and those a revoke undid (with the revoke)."""
        settled = in_force(decisions)
        acting: dict[tuple[str, str], list[Decision]] = {}
        for decision in settled.decisions:
            acting.setdefault((decision.report_id, decision.study_key), []).append(decision)
        revoked: dict[tuple[str, str], list[tuple[Decision, Decision]]] = {}
        for pair in settled.revoked:
            revoked.setdefault((pair[0].report_id, pair[0].study_key), []).append(pair)
        return cls(tuple(decisions), {k: tuple(v) for k, v in acting.items()}, {k: tuple(v) for k, v in revoked.items()})

    def verdict(self, record: FailureRecord) -> Verdict:
        """A failure's standing: decided by a decision in force, reopened by a revoke, else as the last run left it."""
        key = (record.report_id, record.study_key)
        acting = tuple(d for d in self.acting.get(key, ()) if acts_on(d, record))
        revoked = tuple(pair for pair in self.revoked.get(key, ()) if acts_on(pair[0], record))
        if acting:
            return Verdict("decided", acting, revoked)
        if revoked or record.run_status == "open":
            return Verdict("open", (), revoked)
        return Verdict("decided", (), (), f"{record.run_status} in the last run" + (f" ({record.run_decision})" if record.run_decision else ""))


# --- filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the steward asked to see: every field a query parameter, combinable."""

    report: str = ""
    check: str = ""
    severity: str = ""
    status: str = "open"
    q: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filters:
        """Filters from a query string, or Refused(400) naming the parameter that cannot be one."""
        for name, limit in FILTER_CHARS.items():
            if len(params.get(name, "")) > limit:
                raise Refused(400, f"Refused: {name} is longer than {limit} characters.")
        status = params.get("status") or "open"
        if status not in STATUSES:
            raise Refused(400, f"Refused: status must be one of {', '.join(STATUSES)}, not {status[:20]!r}.")
        page = params.get("page") or "1"
        if not page.isdigit() or int(page) < 1:
            raise Refused(400, f"Refused: page must be a whole number from 1, not {page[:20]!r}.")
        return cls(params.get("report", ""), params.get("check", ""), params.get("severity", ""), status, params.get("q", "").strip(), int(page))

    def pairs(self, **changes: object) -> list[tuple[str, str]]:
        """The filters as query pairs, defaults left out; a change of filter starts again at page 1."""
        restart = {"page": 1} if set(changes) - {"page"} else {}
        changed = replace(self, **{**restart, **changes})  # type: ignore[arg-type]
        pairs = [(name, str(getattr(changed, name))) for name in ("report", "check", "severity", "q") if getattr(changed, name)]
        pairs += [("status", changed.status)] if changed.status != "open" else []
        return pairs + ([("page", str(changed.page))] if changed.page > 1 else [])

    def url(self, **changes: object) -> str:
        """The page's address for these filters with some changed."""
        query = urlencode(self.pairs(**changes))
        return "/?" + query if query else "/"

    @property
    def active(self) -> dict[str, str]:
        """The filters other than status and page that narrow the list, by name."""
        return {name: getattr(self, name) for name in ("report", "check", "severity", "q") if getattr(self, name)}


def passes(record: FailureRecord, state: str, filters: Filters, skip: str = "") -> dict[str, bool]:
    """Which filters a failure passes; `skip` names one left out (to count its own links)."""
    return {
        "report": skip == "report" or not filters.report or record.report_id == filters.report,
        "check": skip == "check" or not filters.check or record.check == filters.check,
        "severity": skip == "severity" or not filters.severity or record.severity == filters.severity,
        "status": skip == "status" or filters.status == "all" or state == filters.status,
        "q": not filters.q or filters.q.casefold() in record.haystack,
    }


@dataclass(frozen=True)
class Selection:
    """One filtered view: the failures it holds, the counts each filter link shows, and one page of it."""

    shown: tuple[FailureRecord, ...]
    facets: Mapping[str, Mapping[str, int]]
    decided: int  # of `considered`: the failures the filters other than status keep
    considered: int
    open_total: int
    page: int
    pages: int
    page_items: tuple[FailureRecord, ...]
    start: int = 0  # how many failures of the view come before this page


def select(records: Sequence[FailureRecord], verdicts: Mapping[str, Verdict], filters: Filters, page_size: int = PAGE_SIZE) -> Selection:
    """Filter, count every facet with the other filters applied, and cut one page."""
    facets: dict[str, Counter[str]] = {name: Counter() for name in ("report", "check", "severity", "status")}
    shown: list[FailureRecord] = []
    decided = considered = open_total = 0
    for record in records:
        state = verdicts[record.id].state
        open_total += state == "open"
        failed = [name for name, ok in passes(record, state, filters).items() if not ok]
        if not failed:
            shown.append(record)
        if len(failed) > 1:
            continue  # counted by no link: each link changes one filter only
        for name, value in (("report", record.report_id), ("check", record.check), ("severity", record.severity), ("status", state)):
            if not failed or failed == [name]:
                facets[name][value] += 1
        if not failed or failed == ["status"]:
            considered += 1
            decided += state == "decided"
    ordered = sorted(shown, key=order)
    pages = max(1, -(-len(ordered) // page_size))
    page = min(filters.page, pages)
    cut = tuple(ordered[(page - 1) * page_size: page * page_size])
    counts = {name: dict(sorted(counter.items())) for name, counter in facets.items()}
    return Selection(tuple(ordered), counts, decided, considered, open_total, page, pages, cut, (page - 1) * page_size)


def order(record: FailureRecord) -> tuple[str, str, int, str, str, str]:
    """Failures by report, check, then the row's reference number as a number (ref 2 before ref 10)."""
    ref = int(record.ref_no) if record.ref_no.isdigit() else 1 << 30
    return (record.report_id, record.check, ref, record.study_key, record.column, record.id)


def selection_digest(records: Sequence[FailureRecord]) -> str:
    """A fingerprint of a set of failures, so a bulk decision acts only on the set the steward saw."""
    return hashlib.sha256("\n".join(sorted(r.id for r in records)).encode()).hexdigest()[:16]


def grouped(items: Sequence[FailureRecord]) -> dict[str, dict[str, list[FailureRecord]]]:
    """One page's failures grouped by report, then by check, in the page's order."""
    groups: dict[str, dict[str, list[FailureRecord]]] = {}
    for item in items:
        groups.setdefault(item.report_id, {}).setdefault(item.check, []).append(item)
    return groups
