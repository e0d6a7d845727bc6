"""Frozen values that travel between the stages: read → lay out → find tables → rows → validate.

Coordinates are PDF points with a top-left origin (pdfplumber's convention); page numbers are
1-based. Text input has no geometry, so its `page_no` and `bbox` are None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, Mapping

from extract.errors import require_reason

SourceFormat = Literal["pdf", "text"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class BBox:
    """A rectangle on a page, in PDF points, top-left origin."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True, slots=True)
class Word:
    """One word as laid out on a page, with the font facts that tell superscripts apart."""

    text: str
    bbox: BBox
    fontname: str = ""
    size: float = 0.0
    page_no: int = 1
    upright: bool = True  # False for sideways text (rotated page drawn without compensation)
    mcid: int | None = None  # the marked-content id its glyphs are drawn under (tagged PDFs), else None


@dataclass(frozen=True, slots=True)
class Ruling:
    """A drawn line or a rectangle's edge: `orientation` is 'h' or 'v'."""

    orientation: Literal["h", "v"]
    bbox: BBox


@dataclass(frozen=True, slots=True)
class TaggedCell:
    """One TH or TD of a tagged table: the column it starts in, how many it spans, and its marked content on one page."""

    column: int
    span: int
    mcids: frozenset[int]


@dataclass(frozen=True)
class TaggedTable:
    """A table of the PDF's structure tree as far as it is drawn on one page: its TR rows with content there, in order,
    each with its cells that have content there, and the table's number of columns."""

    rows: tuple[tuple[TaggedCell, ...], ...]
    columns: int


# A table as pdfplumber's lattice finder cuts it: rows of cell boxes, None where a merged cell covers the column.
Lattice = tuple[tuple[BBox | None, ...], ...]


@dataclass(frozen=True)
class Page:
    """One page's words and rulings, running headers and footers already left out.

    `tagged` holds the tables the PDF's structure tree says are drawn on the page (tagged PDFs
    only), `lattices` the tables pdfplumber's own finder cuts from its lines.
    """

    page_no: int
    width: float
    height: float
    words: tuple[Word, ...] = ()
    rulings: tuple[Ruling, ...] = ()
    rotation: int = 0  # the page's /Rotate in degrees; non-zero makes geometry unreliable
    tagged: tuple[TaggedTable, ...] = ()
    lattices: tuple[Lattice, ...] = ()


@dataclass(frozen=True)
class Block:
    """A text box: the unit a PDF-to-text tool separates with blank lines, or a PDF paragraph."""

    text: str
    index: int
    page_no: int | None = None
    bbox: BBox | None = None
    line_boxes: tuple[BBox, ...] = ()  # one per line of `text`, for PDFs; empty for text input


@dataclass(frozen=True)
class Document:
    """A report as read: its blocks in reading order, and for PDFs its pages' geometry."""

    report_id: str
    source_file: str
    source_format: SourceFormat
    source_sha256: str
    blocks: tuple[Block, ...]
    pages: tuple[Page, ...] = ()
    n_pages: int | None = None
    warnings: tuple[Failure, ...] = ()  # warning-level findings made while reading (guard.py)


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell's raw text and where it came from."""

    text: str
    page_no: int | None = None
    bbox: BBox | None = None


@dataclass(frozen=True)
class RawRow:
    """One study row before normalization: cells keyed by contract field name.

    Keys are contract fields (`author`, `indication`, `population`, `results`,
    `authors_conclusions`, `study_design`, `intervention`, `comparator`, `outcomes`) or
    `extra:<header as printed>`. The `author` cell holds the author/year/reference text as
    printed (e.g. `Smith (2016)2`); `ref` holds a reference number found apart from it.
    """

    cells: Mapping[str, Cell]
    group_label: str | None = None
    ordinal: int = 0


@dataclass(frozen=True)
class ParsingReport:
    """How a table was found and how sure the finder is of it."""

    strategy: str
    pages: tuple[int, ...] = ()
    confidence: float = 1.0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A summary-of-included-studies table, stitched across pages."""

    label: str | None
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]
    report: ParsingReport


ReferenceSection = Literal["summarized", "additional"]


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a report's reference list: the entry as printed and the fields read from it.

    A field the entry does not show in a recognised form stays None (never guessed);
    `malformed` keeps a PMID or DOI printed in a form that is not one, as (field, printed value),
    so validation can say so.
    """

    ref_no: int
    section: ReferenceSection
    text: str
    group: str | None = None
    first_author: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    title: str | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    malformed: tuple[tuple[str, str], ...] = ()
    page_no: int | None = None


@dataclass(frozen=True)
class ReportMeta:
    """What the report says about itself, outside its study tables."""

    title: str | None = None
    publication_date: date | None = None
    research_questions: tuple[str, ...] = ()
    search_start: date | None = None
    search_end: date | None = None
    languages: tuple[str, ...] = ()
    databases: tuple[str, ...] = ()
    declared_counts: Mapping[str, int] = field(default_factory=dict)
    summary_counts: Mapping[str, int] = field(default_factory=dict)
    citation_ranges: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    selection_criteria: Mapping[str, str] = field(default_factory=dict)
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Failure:
    """One failed check, as data: a stable reason code plus where it happened."""

    check: str
    message: str
    report_id: str
    table: str = "studies"
    severity: Severity = "error"
    study_key: str | None = None
    ref_no: int | None = None
    column: str | None = None
    failure_case: str | None = None
    page_no: int | None = None
    bbox: BBox | None = None

    def __post_init__(self) -> None:
        require_reason(self.check)


@dataclass(frozen=True)
class Extraction:
    """Everything one report yields: metadata, tables, and failures found while reading."""

    document: Document
    meta: ReportMeta
    tables: tuple[Table, ...]
    failures: tuple[Failure, ...] = ()
