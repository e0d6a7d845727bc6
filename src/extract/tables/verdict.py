"""Whether a table a strategy found summarises included studies, and how sure we are: the one gate for every strategy.

A summary-of-included-studies table has a caption (the finders start from one), a header that
maps to the contract — an author column and at least one content column — and rows whose first
cell reads as an author and a year. Two-column prose, guideline text, trial papers and slide
decks can hold captions and even a PICO-style header, but not rows of studies by author and
year, so they give no rows rather than invented ones.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extract.fields import split_author_year_ref
from extract.model import RawRow, Table
from extract.text.spacing import repair_spacing, word_zipf

CONTENT_FIELDS = frozenset(
    {"indication", "population", "results", "authors_conclusions", "study_design", "intervention", "comparator", "outcomes"}
)
# At least this share of a table's rows must read as author and year.
MIN_AUTHOR_ROW_SHARE = 0.5
# A "first author" that is a word this common in lower case (in, new, the) is a sentence start,
# not a surname; a table whose rows are mostly such is prose read as a table. Common surnames
# (Long, Young, Li, Lee) sit below it.
MIN_ZIPF_COMMON_WORD = 6.0
# Below this confidence a table is published with a `low_confidence_table` warning.
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Verdict:
    """What the gate says of one table: is it a summary of studies, how sure, and why not when not."""

    summary: bool
    confidence: float
    reason: str = ""


def judge(table: Table) -> Verdict:
    """Hold one table to the summary-table gate and score it: the strategy's own confidence times its author-row share."""
    fields = table_fields(table.rows)
    if "author" not in fields:
        return Verdict(False, 0.0, "no author column")
    if not fields & CONTENT_FIELDS:
        return Verdict(False, 0.0, "no column the contract names besides the author")
    if not table.rows:
        return Verdict(False, 0.0, "no rows")
    authors = [row_author_name(row) for row in table.rows]
    readable = [name for name in authors if name is not None]
    share = len(readable) / len(authors)
    if share < MIN_AUTHOR_ROW_SHARE:
        return Verdict(False, share, f"only {len(readable)} of {len(authors)} rows read as author and year")
    words = sum(1 for name in readable if not is_surname_like(name))
    if words * 2 >= len(readable):
        return Verdict(False, share, f"{words} of {len(readable)} 'authors' are ordinary words: prose, not a table of studies")
    return Verdict(True, round(table.report.confidence * share, 3))


def table_fields(rows: Iterable[RawRow]) -> frozenset[str]:
    """The contract fields a table's rows fill (a reference printed apart counts as the author's)."""
    fields = {field for row in rows for field in row.cells}
    return frozenset("author" if field == "ref" else field for field in fields)


def row_author_name(row: RawRow) -> str | None:
    """The first author of a row whose author cell reads as author and year, else None."""
    cell = row.cells.get("author")
    if cell is None:
        return None
    parts = split_author_year_ref(cell.text)
    return parts.first_author if parts.first_author and parts.year is not None else None


def is_surname_like(name: str) -> bool:
    """Its last word (after particles such as `van der`, `de la`) starts with a capital, has two letters or
    more, and is no very common word in lower case. A name character spacing split (`Kowalczy k`)
    is judged whole, as the published row will read it."""
    words = repair_spacing(name).split()
    last = words[-1] if words else ""
    if sum(char.isalpha() for char in last) < 2 or not last[:1].isupper():
        return False
    return word_zipf(last.lower()) < MIN_ZIPF_COMMON_WORD


# A surname may open with a particle in lower case (`van der Berg`, `de la Cruz`, `ten Have`).
_PARTICLES = re.compile(r"^(?:(?:van|von|de|del|della|der|den|di|du|da|dos|das|la|le|ten|ter)\s+){1,2}")


def opens_a_name(line: str) -> bool:
    """A line starting as a name does: a capital, or a lower-case particle before the surname,
    read with its character spacing closed (`v an der Berg`)."""
    text = line.lstrip()
    if text[:1].isupper():
        return True
    repaired = repair_spacing(text)
    match = _PARTICLES.match(repaired)
    return bool(match) and repaired[match.end() : match.end() + 1].isupper()


def summary_tables(tables: Sequence[Table]) -> tuple[tuple[Table, ...], tuple[tuple[Table, Verdict], ...]]:
    """The tables that pass the gate, each carrying the gate's confidence, and the rejected ones with their verdicts."""
    kept: list[Table] = []
    rejected: list[tuple[Table, Verdict]] = []
    for table in tables:
        verdict = judge(table)
        if verdict.summary:
            kept.append(dataclasses.replace(table, report=dataclasses.replace(table.report, confidence=verdict.confidence)))
        else:
            rejected.append((table, verdict))
    return tuple(kept), tuple(rejected)
