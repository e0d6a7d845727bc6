"""What each failure's card shows beside it: the whole study row, its source, its twin, or what a report-level check counted.

A cell failure shows every curated field of its row with the failing one marked, and the crop of
the whole row (over every page it lies on); `duplicate_study` shows the row beside the earlier
row it repeats; a count or reference check shows the page where the report says what it
claims and the pages holding the rows the check counted. Text reports show text instead of crops.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from extract.checks import covered_designs
from extract.model import BBox
from extract.review.batch import Batch
from extract.review.decisions import cell_text_or_empty
from extract.review.desk import FailureRecord, Verdict
from extract.review.geometry import Region, page_spans, row_regions, rows_regions
from extract.review.references import Reference, number
from extract.review.sources import PdfFacts, pdf_facts, row_text, section_text, text_context
from extract.review.store import file_stamp
from extract.schemas import row_description

DUPLICATE_FIELDS = ("first_author", "year", "indication")
HIDDEN_FIELDS = frozenset({"review_audit"})
CLAIMS: Mapping[str, tuple[str, str, str]] = {  # check → (counts column, section, what the section is)
    "declared_count": ("declared_counts", "key_findings", "Key Findings"),
    "summary_count": ("summary_counts", "summary_of_findings", "the Overall Summary of Findings"),
    "citation_range": ("", "summary_of_findings", "the Overall Summary of Findings"),
}
REF_RANGE = re.compile(r"(\d+)\s*[–-]\s*(\d+)|(\d+)")


@dataclass(frozen=True)
class Field:
    """One curated field of a study row; `marked` when the failure speaks of it."""

    name: str
    value: str
    marked: bool


@dataclass(frozen=True)
class Picture:
    """A crop of a source page, by the address that draws it."""

    url: str
    caption: str


@dataclass(frozen=True)
class RowView:
    """A whole study row and its source: crops of every page it lies on, or the text it was read from."""

    study_key: str
    title: str
    role: str
    held: str
    fields: tuple[Field, ...]
    pictures: tuple[Picture, ...]
    context: str | None
    reference: Reference | None


@dataclass(frozen=True)
class ReportView:
    """A report-level failure's source: where the report makes its claim, and the rows the check counted."""

    claim_caption: str
    claim: Picture | None
    claim_text: str | None
    counted_caption: str
    counted: tuple[RowView, ...]
    pictures: tuple[Picture, ...]


@dataclass(frozen=True)
class Card:
    """One failure as the page draws it."""

    record: FailureRecord
    verdict: Verdict
    rows: tuple[RowView, ...]
    report: ReportView | None


@dataclass(frozen=True)
class Source:
    """A report's source as the page can show it: a PDF with its facts, or a text's content."""

    path: Path | None
    facts: PdfFacts | None = None
    text: str | None = None


@lru_cache(maxsize=64)
def _text(path: str, stamp: object) -> str:
    return Path(path).read_text(encoding="utf-8", errors="replace")


def report_source(batch: Batch, report_id: str, raw_dir: Path) -> Source:
    """The report's source file, read once per version of it."""
    path = batch.source_path(report_id, raw_dir)
    if path is None:
        return Source(None)
    if path.suffix.lower() == ".pdf":
        return Source(path, facts=pdf_facts(path, file_stamp(path)))
    return Source(path, text=_text(str(path), file_stamp(path)))


def crop_url(report_id: str, region: Region) -> str:
    """The address of a crop that draws a region with its outlines and marks."""
    def boxes(found: Sequence[BBox]) -> str:
        return "|".join(",".join(f"{v:.1f}" for v in (b.x0, b.top, b.x1, b.bottom)) for b in found)

    focus = {name: f"{getattr(region.focus, name):.1f}" for name in ("x0", "top", "x1", "bottom")}
    return "/crop?" + urlencode({"report_id": report_id, "page": region.page_no, **focus,
                                 "outline": boxes(region.outline), "mark": boxes(region.mark)})


def needles(row: Mapping[str, object]) -> list[str]:
    """How a row is found in a text report: its author and year as printed, then its author."""
    author, year = cell_text_or_empty(row.get("first_author")), cell_text_or_empty(row.get("year"))
    return [f"{author} ({year}" if author and year else "", author]


def shown(value: object) -> str:
    """A field as the steward reads it: a whole number read back as a float (`3.0`) is shown as `3`."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text_or_empty(value)


def row_view(batch: Batch, source: Source, key: str, marked: Sequence[str], role: str) -> RowView | None:
    """A study row with its fields (the named ones marked) and its source, or None when the row is not in the tables."""
    row = batch.studies.get(key)
    if row is None:
        return None
    report_id = cell_text_or_empty(row.get("report_id"))
    fields = tuple(Field(name, shown(value), name in marked) for name, value in row.items() if name not in HIDDEN_FIELDS)
    pictures: tuple[Picture, ...] = ()
    context = None
    if source.facts is not None:
        column = marked[0] if len(marked) == 1 else ""
        regions = row_regions(key, column, batch.table_places(key), source.facts.sizes)
        pictures = tuple(Picture(crop_url(report_id, region), region.caption) for region in regions)
    elif source.text is not None:
        others = [needles(batch.studies[k])[:1] for k in batch.rows_of_report.get(report_id, ()) if k != key]
        context = row_text(source.text, needles(row), others) or text_context(source.text, [shown(row.get(name))[:60] for name in marked])
    ref_no = number(row.get("ref_no"))
    return RowView(
        key, row_description(dict(row)), role, cell_text_or_empty(row.get("quarantine_reason")), fields, pictures,
        context, batch.references.get((report_id, ref_no)) if ref_no is not None else None,
    )


def by_reference(batch: Batch, keys: Sequence[str]) -> tuple[str, ...]:
    """Study rows in the order the report numbers them (rows without a number last)."""
    def place(key: str) -> tuple[int, str]:
        ref = number(batch.studies[key].get("ref_no"))
        return (ref if ref is not None else 1 << 30, key)

    return tuple(sorted(keys, key=place))


def earlier_twin(batch: Batch, key: str) -> str | None:
    """The earlier row of the same report that a `duplicate_study` row repeats (same author, year, indication)."""
    row = batch.studies.get(key, {})
    same = tuple(cell_text_or_empty(row.get(name)).casefold() for name in DUPLICATE_FIELDS)
    twins = by_reference(batch, [
        other for other in batch.rows_of_report.get(cell_text_or_empty(row.get("report_id")), ())
        if other != key and tuple(cell_text_or_empty(batch.studies[other].get(name)).casefold() for name in DUPLICATE_FIELDS) == same
    ])
    return twins[0] if twins else None


def ref_numbers(text: str) -> set[int]:
    """Reference numbers as a report or a check prints them: `1, 3–5`."""
    found: set[int] = set()
    for first, last, single in REF_RANGE.findall(text):
        if single:
            found.add(int(single))
        elif int(last) - int(first) < 1000:
            found.update(range(int(first), int(last) + 1))
    return found


def counted_rows(batch: Batch, record: FailureRecord) -> tuple[str, tuple[str, ...]]:
    """What a report-level check counted or compared, in words, and the study rows it concerns."""
    keys = by_reference(batch, batch.rows_of_report.get(record.report_id, ()))
    rows = {key: batch.studies[key] for key in keys}
    refs = {key: number(row.get("ref_no")) for key, row in rows.items()}
    if record.check in ("declared_count", "summary_count") and "=" in record.failure_case:
        design = record.failure_case.split("=", 1)[0]
        designs = covered_designs(design, batch.declared(record.report_id, CLAIMS[record.check][0]))
        chosen = tuple(k for k, row in rows.items() if cell_text_or_empty(row.get("design")) in designs)
        return f"The {len(chosen)} rows of design {design.replace('_', ' ')} the check counted", chosen
    wanted = ref_numbers(record.failure_case)
    cited = tuple(k for k in keys if refs[k] in wanted)
    if record.check == "citation_range" and cited:
        return "The rows of the refs cited but not of that design", cited
    if record.check in ("citation_range", "ref_no_gap") and wanted:
        around = {min(wanted) - 1, max(wanted) + 1}
        return f"No row has ref {record.failure_case}; the rows on either side", tuple(k for k in keys if refs[k] in around)
    if record.check == "ref_no_start":
        first = min((r for r in refs.values() if r is not None), default=None)
        return "The table's first row", tuple(k for k in keys if refs[k] == first)
    return "", ()


def report_view(batch: Batch, source: Source, record: FailureRecord) -> ReportView | None:
    """The claim's page and the counted rows of a report-level failure; None for checks that count nothing."""
    caption, keys = counted_rows(batch, record)
    claim = CLAIMS.get(record.check)
    if not keys and claim is None:
        return None
    picture, claim_text, claim_caption = None, None, ""
    if claim is not None:
        claim_caption = f"Where the report says it: {claim[2]}"
        if source.facts is not None:
            found = source.facts.sections.get(claim[1]) or (source.facts.sections.get("results") if claim[1] == "key_findings" else None)
            if found is not None:
                page_no, box = found
                region = Region(page_no, box, (), (box,))
                picture = Picture(crop_url(record.report_id, region), f"{claim[2]}, page {page_no}")
        elif source.text is not None:
            claim_text = section_text(source.text, claim[1])
    counted = tuple(v for key in keys if (v := row_view(batch, Source(None), key, (), "counted")) is not None)
    spans = page_spans(p for key in batch.rows_of_report.get(record.report_id, ()) for p in batch.places.get(key, ()))
    regions = rows_regions(keys, batch.places, caption, spans) if source.facts is not None else ()
    pictures = tuple(Picture(crop_url(record.report_id, region), region.caption) for region in regions)
    return ReportView(claim_caption, picture, claim_text, caption, counted, pictures)


def card(batch: Batch, record: FailureRecord, verdict: Verdict, raw_dir: Path) -> Card:
    """Everything the page shows for one failure."""
    source = report_source(batch, record.report_id, raw_dir)
    if not record.study_key:
        return Card(record, verdict, (), report_view(batch, source, record))
    if record.check == "duplicate_study":
        twin = earlier_twin(batch, record.study_key)
        keys = [(record.study_key, "this row"), *([(twin, "the earlier row it repeats")] if twin else [])]
        rows = tuple(v for key, role in keys if (v := row_view(batch, source, key, DUPLICATE_FIELDS, role)) is not None)
        return Card(record, verdict, rows, None)
    view = row_view(batch, source, record.study_key, (record.column,) if record.column else (), "this row")
    return Card(record, verdict, (view,) if view else (), None)
