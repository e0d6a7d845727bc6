"""Which table to keep for each caption: the most confident one any strategy found that passes the gate.

The page finders are tried first (the page geometry, the PDF's structure tree, pdfplumber's
lattice: `follow.FINDERS`), since they read cells where they are drawn, and per caption the most
confident of their tables wins; when they find nothing confident, the text-block strategy is
tried too and competes the same way. A kept table below `verdict.MIN_CONFIDENCE` is published
with a `low_confidence_table` warning rather than dropped: the steward sees the best rows there
are, and why they deserve a look.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extract.layout.captions import CAPTION
from extract.model import Failure, Table
from extract.tables.verdict import MIN_CONFIDENCE, Verdict, summary_tables


@dataclass(frozen=True)
class Choice:
    """The tables kept, one per caption; every candidate the gate turned away with its verdict; and
    the candidates that passed it but lost to a more confident table of the same caption."""

    tables: tuple[Table, ...]
    rejected: tuple[tuple[Table, Verdict], ...]
    outranked: tuple[Table, ...] = ()


def chosen_tables(from_pages: Sequence[Table], from_blocks: Callable[[], Sequence[Table]]) -> Choice:
    """Per caption, the best of the page finders' tables and, unless those are all confident, the text-block ones."""
    kept, rejected = summary_tables(from_pages)
    best = best_per_caption(kept)
    if best and all(table.report.confidence >= MIN_CONFIDENCE for table in best):
        return Choice(best, rejected, outranked_by(kept, best))
    others, others_rejected = summary_tables(from_blocks())
    candidates = [*kept, *others]
    best = best_per_caption(candidates)
    return Choice(best, (*rejected, *others_rejected), outranked_by(candidates, best))


def outranked_by(candidates: Sequence[Table], best: Sequence[Table]) -> tuple[Table, ...]:
    """The candidates that are not among the kept tables."""
    kept = {id(table) for table in best}
    return tuple(table for table in candidates if id(table) not in kept)


def best_per_caption(tables: Sequence[Table]) -> tuple[Table, ...]:
    """The most confident table for each caption (the first found on a tie), in the order captions first appear."""
    best: dict[str, Table] = {}
    for table in tables:
        key = caption_key(table)
        if key not in best or table.report.confidence > best[key].report.confidence:
            best[key] = table
    return tuple(best.values())


def caption_key(table: Table) -> str:
    """A table's caption as every strategy prints it: its number, else its whole text folded."""
    return label_key(table.label)


def label_key(label: str | None) -> str:
    """A caption's number (`table 2`), else its whole text folded: what tables of one caption share."""
    match = CAPTION.match(label or "")
    return f"table {match['number']}" if match else " ".join((label or "").casefold().split())


def low_confidence_warnings(report_id: str, tables: Sequence[Table]) -> tuple[Failure, ...]:
    """A warning for each kept table the finder is not sure of, naming how it was read and where."""
    return tuple(
        Failure(
            check="low_confidence_table",
            message=(
                f"{table.label or 'A table'} was read with low confidence ({table.report.confidence:.2f}, "
                f"strategy {table.report.strategy}{pages_text(table.report.pages)}): check its rows against the source."
            ),
            report_id=report_id,
            table="studies",
            severity="warning",
            page_no=table.report.pages[0] if table.report.pages else None,
        )
        for table in tables
        if table.report.confidence < MIN_CONFIDENCE
    )


def pages_text(pages: Sequence[int]) -> str:
    """`, pages 3–5` for a table's pages, empty when unknown."""
    if not pages:
        return ""
    return f", page {pages[0]}" if len(pages) == 1 else f", pages {pages[0]}–{pages[-1]}"
