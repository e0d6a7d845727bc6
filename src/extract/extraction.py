"""One report read into an Extraction: reader by suffix, study tables, metadata. No pandas here.

This is what the isolation worker runs (`flows.reading`): it imports only the readers, the
table finders and the text cleanup, so a parsing process stays small; shaping into DataFrames
and validation (`extract.pipeline`, `extract.validate`) happen in the process that asked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from extract.errors import UnreadableReport
from extract.model import Document, Extraction, Table
from extract.readers.guard import precheck
from extract.readers.pdf import read_pdf
from extract.readers.text import read_text
from extract.sections import report_meta
from extract.settings import Limits
from extract.tables.blocks import tables_from_blocks
from extract.tables.geometry import SummaryTables, tables_from_pages

TEXT_SUFFIXES: tuple[str, ...] = (".txt", ".text")
PDF_SUFFIXES: tuple[str, ...] = (".pdf",)
REPORT_SUFFIXES: tuple[str, ...] = PDF_SUFFIXES + TEXT_SUFFIXES

NO_SUMMARY_TABLE = "no_summary_table"


ReportReader = Callable[[Path, Limits], tuple[Document, tuple[Table, ...]]]


def read_pdf_report(path: Path, limits: Limits) -> tuple[Document, tuple[Table, ...]]:
    """A PDF and its study tables, found page by page: a table page's words go once its grid is cut."""
    found = SummaryTables()
    document = read_pdf(path, limits, on_table_page=found.add_page)
    return document, found.tables() or tables_from_blocks(document)


def read_text_report(path: Path, limits: Limits) -> tuple[Document, tuple[Table, ...]]:
    """A text report and its study tables, found in its blocks."""
    document = read_text(path)
    return document, tables_from_blocks(document)


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


def study_tables(document: Document) -> tuple[Table, ...]:
    """Find the study tables of a Document read whole: PDF geometry first, the text-block strategy for text or as fallback."""
    if document.source_format == "pdf":
        found = tables_from_pages(document)
        if found:
            return found
    return tables_from_blocks(document)


def extract_report(path: Path, limits: Limits) -> Extraction:
    """Read one report and find its metadata and study tables; raise when it has no study table."""
    read = reader_for(path)
    precheck(path, limits)
    document, tables = read(path, limits)
    if not any(table.rows for table in tables):
        raise UnreadableReport(
            NO_SUMMARY_TABLE,
            "no summary-of-included-studies table was found",
            Path(document.source_file).name,
        )
    return Extraction(
        document=document, meta=report_meta(document), tables=tables, failures=document.warnings
    )


def without_page_geometry(extraction: Extraction) -> Extraction:
    """The extraction without its pages: tables are found, and a worker need not send page sizes (or words, had a reader kept them) back."""
    return dataclasses.replace(extraction, document=dataclasses.replace(extraction.document, pages=()))


def extract_for_transfer(path: Path, limits: Limits) -> Extraction:
    """extract_report without its pages, as an isolation worker sends it back."""
    return without_page_geometry(extract_report(path, limits))
