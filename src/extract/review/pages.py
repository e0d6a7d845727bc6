"""What each page of the desk holds, ready to draw: the filter links with counts, one page of cards, the bulk form, the audit trail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from extract.review.batch import Batch
from extract.review.decisions import Decision, in_force
from extract.review.desk import FailureRecord, Filters, Ledger, Selection, Verdict, select, selection_digest
from extract.review.forms import BulkRequest
from extract.review.guard import Refused
from extract.review.store import DecisionsRead
from extract.review.views import Card, card

AUDIT_PAGE_SIZE = 50
FACETS = (("status", "Status"), ("severity", "Severity"), ("check", "Check"), ("report", "Report"))


@dataclass(frozen=True)
class Link:
    """A filter link: what it shows, where it leads, how many failures it holds, and whether it is the current one."""

    label: str
    url: str
    count: int
    current: bool


@dataclass(frozen=True)
class Bulk:
    """The bulk form of a view: the failures it acts on, their fingerprint, and the decisions an undo would revoke."""

    count: int
    digest: str
    revocable: int


@dataclass(frozen=True)
class DeskPage:
    """One page of the desk, everything the template draws."""

    selection: Selection
    cards: tuple[Card, ...]
    anchors: Mapping[str, str]  # failure id → the card to return to once it is decided
    facets: tuple[tuple[str, tuple[Link, ...]], ...]
    bulk: Bulk
    back: str  # this view's query, for forms to return to
    pager: tuple[Link, ...]
    decisions_count: int
    decisions_error: str | None
    published_at: str


def verdicts_of(batch: Batch, ledger: Ledger) -> dict[str, Verdict]:
    """Every failure's standing against the decisions file as it is now."""
    return {record.id: ledger.verdict(record) for record in batch.records}


def facet_links(selection: Selection, filters: Filters) -> tuple[tuple[str, tuple[Link, ...]], ...]:
    """For each filter, a link per value with the number of failures it would show, and one that clears it."""
    out = []
    for name, title in FACETS:
        counts = selection.facets[name]
        if name == "status":
            values = {"open": counts.get("open", 0), "decided": counts.get("decided", 0)}
            links = [Link(value, filters.url(status=value), count, filters.status == value) for value, count in values.items()]
            links.append(Link("all", filters.url(status="all"), sum(values.values()), filters.status == "all"))
        else:
            current = getattr(filters, name)
            links = [Link("all", filters.url(**{name: ""}), sum(counts.values()), not current)]
            links += [Link(value, filters.url(**{name: value}), count, current == value) for value, count in counts.items()]
            if current and current not in counts:
                links.append(Link(current, filters.url(**{name: current}), 0, True))
        out.append((title, tuple(links)))
    return tuple(out)


def pager_links(selection: Selection, filters: Filters) -> tuple[Link, ...]:
    """First, previous, next and last page of a view (only those that lead elsewhere)."""
    wanted = (("first", 1), ("previous", selection.page - 1), ("next", selection.page + 1), ("last", selection.pages))
    return tuple(
        Link(label, filters.url(page=number), number, False)
        for label, number in wanted if 1 <= number <= selection.pages and number != selection.page
    )


def acting_decisions(shown: Sequence[FailureRecord], verdicts: Mapping[str, Verdict]) -> tuple[Decision, ...]:
    """The decisions in force that act on some failures, each once."""
    acting: dict[int, Decision] = {}
    for record in shown:
        for decision in verdicts[record.id].decisions:
            acting.setdefault(id(decision), decision)
    return tuple(acting.values())


def bulk_targets(asked: BulkRequest, shown: Sequence[FailureRecord], verdicts: Mapping[str, Verdict]) -> tuple[Decision, ...]:
    """What a bulk request may act on, or Refused(400) saying why it cannot: the decisions to revoke for an undo."""
    if asked.action in ("accept", "reject") and asked.filters.status != "open":
        raise Refused(400, f"Not saved: a bulk {asked.action} acts on open failures; show status open first.")
    if asked.action == "revoke" and asked.filters.status != "decided":
        raise Refused(400, "Not saved: a bulk undo acts on decided failures; show status decided first.")
    if not shown:
        raise Refused(400, "Not saved: no failure is shown by these filters.")
    if asked.action == "reject" and any(not record.study_key for record in shown):
        raise Refused(400, "Not saved: some failures shown are about a report, not a study row, and reject takes rows out; "
                           "narrow the filters to row failures, or accept instead.")
    if asked.action != "revoke":
        return ()
    targets = acting_decisions(shown, verdicts)
    if not targets:
        raise Refused(400, "Not saved: these failures were decided by an earlier run, and no decision in the file acts on them.")
    return targets


def desk_page(batch: Batch, read: DecisionsRead, filters: Filters, raw_dir: Path, page_size: int) -> DeskPage:
    """The desk for one set of filters: counts, links, the bulk form, and one page of cards."""
    ledger = Ledger.of(read.decisions)
    verdicts = verdicts_of(batch, ledger)
    selection = select(batch.records, verdicts, filters, page_size)
    items = selection.page_items
    cards = tuple(card(batch, record, verdicts[record.id], raw_dir) for record in items)
    anchors = {
        record.id: (items[i + 1].id if i + 1 < len(items) else items[i - 1].id if i else "")
        for i, record in enumerate(items)
    }
    revocable = len(acting_decisions(selection.shown, verdicts)) if filters.status == "decided" else 0
    return DeskPage(
        selection, cards, anchors, facet_links(selection, filters),
        Bulk(len(selection.shown), selection_digest(selection.shown), revocable),
        urlencode(filters.pairs(page=selection.page)),
        pager_links(selection, filters), len(read.decisions), read.error, batch.published_at,
    )


@dataclass(frozen=True)
class AuditRow:
    """One row of the decisions file as the audit trail shows it: in force, revoked (by which revoke), or a revoke."""

    decision: Decision
    state: str
    revoked_by: Decision | None = None


def audit_rows(decisions: Sequence[Decision], page: int) -> tuple[tuple[AuditRow, ...], int, int]:
    """The decisions file newest first, each with its state, one page of it; and the page shown and the number of pages."""
    settled = in_force(decisions)
    revoked = {id(decision): revoke for decision, revoke in settled.revoked}
    unmatched = {id(revoke) for revoke in settled.unmatched}
    rows = []
    for decision in reversed(decisions):
        if decision.action == "revoke":
            rows.append(AuditRow(decision, "revokes nothing in force" if id(decision) in unmatched else "revoke"))
        elif id(decision) in revoked:
            rows.append(AuditRow(decision, "revoked", revoked[id(decision)]))
        else:
            rows.append(AuditRow(decision, "in force"))
    pages = max(1, -(-len(rows) // AUDIT_PAGE_SIZE))
    page = min(page, pages)
    return tuple(rows[(page - 1) * AUDIT_PAGE_SIZE: page * AUDIT_PAGE_SIZE]), page, pages
