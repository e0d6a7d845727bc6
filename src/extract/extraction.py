"""One report read into an Extraction: the reading stages composed, and nothing that needs pandas.

This is what a parsing process runs (`flows.reading`), so it imports only the readers, the
layout, the table finders and the metadata reader: a parsing process stays small, and shaping
into DataFrames and validation happen in the process that asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from extract.errors import UnreadableReport, unreadable
from extract.meta.report import report_meta
from extract.model import Document, Extraction, Table
from extract.readers.guard import precheck
from extract.readers.pdf import read_pdf
from extract.readers.text import read_text
from extract.settings import Limits
from extract.sources import PDF_SUFFIXES, TEXT_SUFFIXES
from extract.tables.pages import CandidateTables, candidate_tables
from extract.tables.choose import Choice, chosen_tables, low_confidence_warnings
from extract.tables.rebuild import tables_from_blocks

ReportReader = Callable[[Path, Limits], tuple[Document, Choice]]


def extract_report(path: Path, limits: Limits) -> Extraction:
    """Read one report and find its metadata and study tables; raise when it has no study table."""
    read = reader_for(path)
    precheck(path, limits)
    document, choice = read(path, limits)
    if not any(table.rows for table in choice.tables):
        raise unreadable("no_summary_table", Path(document.source_file).name, rejection_detail(choice))
    warnings = document.warnings + low_confidence_warnings(document.report_id, choice.tables)
    return Extraction(document=document, meta=report_meta(document), tables=choice.tables, failures=warnings)


def rejection_detail(choice: Choice) -> str:
    """Why the candidate tables were turned away, for the no_summary_table message."""
    reasons = [f"{table.label or 'a table'}: {verdict.reason}" for table, verdict in choice.rejected]
    return "; ".join(dict.fromkeys(reasons))


def extract_for_transfer(path: Path, limits: Limits) -> Extraction:
    """extract_report without its pages, as a parsing process sends it back: the tables are found by then."""
    extraction = extract_report(path, limits)
    return dataclasses.replace(extraction, document=dataclasses.replace(extraction.document, pages=()))


def reader_for(path: Path) -> ReportReader:
    """Pick the reader by file suffix, so a new input format is one entry here."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return read_pdf_report
    if suffix in TEXT_SUFFIXES:
        return read_text_report
    raise UnreadableReport(
        "unsupported_format",
        f"files ending in {suffix or '(no suffix)'} are not read; use .pdf or .txt",
        path.name,
    )


def read_pdf_report(path: Path, limits: Limits) -> tuple[Document, Choice]:
    """A PDF and its study tables, found page by page by every finder: a table page's words go once its grids are cut."""
    found = CandidateTables()
    document = read_pdf(path, limits, on_table_page=found.add_page)
    return document, chosen_tables(found.tables(), lambda: tables_from_blocks(document))


def read_text_report(path: Path, limits: Limits) -> tuple[Document, Choice]:
    """A text report and its study tables: from its layout where the text kept one (read as geometry), else its blocks.

    A layout text's geometry is a character grid, not the PDF's points, so its cells keep their
    page but no box.
    """
    document = read_text(path)
    choice = chosen_tables(candidate_tables(document), lambda: tables_from_blocks(document))
    return document, dataclasses.replace(choice, tables=tuple(map(without_boxes, choice.tables)))


def without_boxes(table: Table) -> Table:
    """A table whose cells keep their text and page but no box."""
    rows = tuple(
        dataclasses.replace(row, cells={field: dataclasses.replace(cell, bbox=None) for field, cell in row.cells.items()})
        for row in table.rows
    )
    return dataclasses.replace(table, rows=rows)


def study_tables(document: Document) -> tuple[Table, ...]:
    """The study tables of a Document read whole (pages kept), as `read_pdf_report` finds them page by page."""
    from_pages = candidate_tables(document) if document.source_format == "pdf" else ()
    return chosen_tables(from_pages, lambda: tables_from_blocks(document)).tables
