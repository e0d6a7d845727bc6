"""Read a PDF report into a Document: every page's text as blocks, the table pages' geometry as words.

Pages are read one at a time and let go, so memory follows the report's yield, not its length.
pdfium reads every page's text runs cheaply: a first pass (`survey_pages`) finds what needs the
whole document (running headers and footers, the body's left margin, the text layer's health),
a second cuts each page into blocks and decides whether a summary table is on it. Only those
table pages are handed to pdfminer (`readers.plumber`) for words, fonts and rulings, the costly
part, and on to `on_table_page` as soon as they are read. A tagged PDF's structure tree is read
once, at the first table page, and each table page carries the tagged tables drawn on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

from extract.layout.blocks import block_from_lines, segments_to_blocks
from extract.layout.captions import continues_table_pages
from extract.layout.furniture import furniture_flags, furniture_keys, is_furniture_key
from extract.layout.lines import TextLine, runs_to_segments
from extract.model import BBox, Block, Document, Failure, Page, TaggedTable
from extract.readers.guard import captured_library_warnings, check_page_count, classify_exception, library_warnings
from extract.readers.pdfium import PdfiumDocument, PageSurvey, pdfium_document, pdfium_textpage, survey_pages, text_runs
from extract.readers.plumber import PlumberDocument, document_tagged_tables, plumber_document, read_table_page
from extract.readers.quality import check_text_counts, check_text_layer_counts, page_warnings, total_counts
from extract.settings import DEFAULT_LAYOUT, LayoutSettings, Limits
from extract.sources import file_sha256


def read_pdf(
    path: Path, limits: Limits, settings: LayoutSettings = DEFAULT_LAYOUT, on_table_page: Callable[[Page], None] | None = None,
    every_page: bool = False,
) -> Document:
    """Read a PDF: blocks for every page, words and rulings for the summary-table pages (for every page with `every_page`).

    Pages not triaged as table pages carry no words: their text is in `blocks`. With
    `on_table_page`, each table page is handed over as soon as it is read and the Document keeps
    only its size, so memory does not grow with the number of table pages; without it, the
    Document keeps their words and rulings. Whatever the PDF libraries raise becomes an
    UnreadableReport with a stable reason; what they log while reading, and suspicious
    table-page geometry (sideways text, words off the page), become the Document's warnings.
    """
    path = Path(path)
    with captured_library_warnings() as logged:
        try:
            document = _read_pdf_document(path, limits, settings, on_table_page, every_page)
        except Exception as exc:  # a damaged file can make the libraries raise anything
            raise classify_exception(exc, path) from exc
    return replace(document, warnings=document.warnings + library_warnings(document.report_id, logged))


def _read_pdf_document(
    path: Path, limits: Limits, settings: LayoutSettings, on_table_page: Callable[[Page], None] | None, every_page: bool = False,
) -> Document:
    """The Document of a PDF whose page tree and text layer pass the guard's checks.

    pdfium infers page trees pdfminer cannot read, so pdfminer's page count is checked first.
    """
    with plumber_document(path) as pdf:
        check_page_count(path, len(pdf.pages))
        with pdfium_document(path, limits) as document:
            return _read_pages(path, pdf, document, settings, on_table_page, every_page)


def _read_pages(
    path: Path, pdf: PlumberDocument, document: PdfiumDocument, settings: LayoutSettings, on_table_page: Callable[[Page], None] | None,
    every_page: bool = False,
) -> Document:
    """Blocks of every page, geometry of the table pages and their layout warnings, one page in memory at a time.

    Two passes with pdfium: the first finds the running headers and footers and the body's left
    margin (they need every page), the second cuts each page into blocks, decides whether the
    summary table is on it, and if so has pdfplumber read its words and rulings.
    """
    surveys, head = survey_pages(document, path, settings)
    check_text_layer_counts([survey.text for survey in surveys], str(path), settings)
    check_text_counts(path, total_counts(survey.text for survey in surveys), len(surveys), head)
    keys = furniture_keys([[key for key, _ in survey.edge_lines] for survey in surveys], settings)
    left_margin = body_left_margin(surveys, keys)
    kept: dict[int, Page] = {}
    warnings: list[Failure] = []
    blocks: list[Block] = []
    in_table = False
    tagged: dict[int, tuple[TaggedTable, ...]] | None = None
    for body in body_pages(document, path, keys, settings):
        in_table = continues_table_pages(body.segments, in_table, left_margin)
        for group in segments_to_blocks(body.segments, settings):
            blocks.append(block_from_lines(group, len(blocks)))
        if not (in_table or every_page) or body.page_no > len(pdf.pages):
            continue
        tagged = document_tagged_tables(pdf) if tagged is None else tagged
        page = read_table_page(pdf, body.page_no, body.furniture, settings, tagged.get(body.page_no, ()))
        warnings += page_warnings(path.stem, page)
        if on_table_page is None:
            kept[page.page_no] = page
        else:
            on_table_page(page)
    pages = tuple(kept.get(n, Page(n, s.width, s.height)) for n, s in enumerate(surveys, start=1))
    return Document(path.stem, path.name, "pdf", file_sha256(path), tuple(blocks), pages, len(surveys), tuple(warnings))


@dataclass(frozen=True)
class BodyPage:
    """One page's body text as segments, with the boxes of its running headers and footers."""

    page_no: int
    segments: list[TextLine]
    furniture: list[BBox]


def body_pages(
    document: PdfiumDocument, path: Path, keys: frozenset[tuple[str, str]], settings: LayoutSettings
) -> Iterator[BodyPage]:
    """Each page's body segments and furniture boxes, read one page at a time."""
    for page_no in range(1, len(document) + 1):
        with pdfium_textpage(document, page_no, path) as (textpage, _width, height):
            runs = text_runs(textpage, page_no, height)
        furniture = furniture_flags(runs, height, keys, settings)
        body = [run for run, edge in zip(runs, furniture) if not edge]
        yield BodyPage(page_no, runs_to_segments(body, settings), [run.bbox for run, edge in zip(runs, furniture) if edge])


def body_left_margin(surveys: Sequence[PageSurvey], keys: frozenset[tuple[str, str]]) -> float:
    """The left edge of the body text over all pages (running headers and footers left out); 0 when there is none."""
    lefts = [survey.body_left for survey in surveys] + [
        left for survey in surveys for key, left in survey.edge_lines if not is_furniture_key(key, keys)
    ]
    margin = min(lefts, default=math.inf)
    return margin if math.isfinite(margin) else 0.0
