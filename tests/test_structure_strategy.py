"""The structure strategy: a tagged PDF's tables read from its structure tree, checked against the page, chosen when they agree with it.

Tagged reports drawn by WeasyPrint, Typst and LibreOffice (one seed whose tables run over pages
and break rows at page ends in every producer) come back to their truth through the structure
tree; the reader keeps each glyph's marked-content id as pdfplumber sees it and places cells in
columns through their spans; a tree that disagrees with the page loses to the page's lines, and
page geometry that reads less well loses to a tree that agrees.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfminer.psparser import LIT

from extract.extraction import extract_report
from extract.model import BBox, Document, Page, TaggedCell, TaggedTable, Word
from extract.readers.pdf import read_pdf
from extract.readers.plumber import chars_and_edges
from extract.readers.tagged import placed_cells
from extract.rows import study_records
from extract.settings import DEFAULT_TABLE_SETTINGS, Limits
from extract.tables.choose import chosen_tables
from extract.tables.pages import candidate_tables
from extract.tables.rebuild import tables_from_blocks
from extract.tables.structure import STRUCTURE_CONFIDENCE, structure_grid
from tests.forge.cache import Case, RenderCache

# Seed 24's tables run over pages, and each producer breaks at least one row at a page end.
TAGGED = [Case(producer, "tagged", 24) for producer in ("weasyprint", "typst", "libreoffice")]


def comparable(value: Any) -> Any:
    """A value as compared: JSON text parsed, empty strings and None alike."""
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return None if value == "" or value == {} else value


@pytest.fixture(scope="module")
def tagged(forge_cache: RenderCache) -> dict[str, tuple[Path, Any]]:
    """Each producer's tagged rendering of the seed (named as its report), with its truth."""
    found = {}
    for case, (rendered, truth) in zip(TAGGED, forge_cache.cases(TAGGED)):
        found[case.producer] = (rendered.pdf, truth)
        assert truth.studies[0]["report_id"] == case.stem
    return found


def mismatches(tables: Any, truth: Any) -> list[tuple[str, str, Any, Any]]:
    """Every (study, field, got, wanted) that differs from the truth, a missing row counting in every field."""
    records = {str(r["study_key"]): r for r in study_records(truth.studies[0]["report_id"], tables)}
    return [
        (str(expected["study_key"]), field, comparable(records.get(str(expected["study_key"]), {}).get(field)), comparable(value))
        for expected in truth.studies
        for field, value in expected.items()
        if field != "report_id" and comparable(records.get(str(expected["study_key"]), {}).get(field)) != comparable(value)
    ]


@pytest.mark.parametrize("producer", [case.producer for case in TAGGED])
def test_a_tagged_report_comes_back_whole_through_its_structure_tree(tagged: dict, producer: str) -> None:
    pdf, truth = tagged[producer]
    extraction = extract_report(pdf, Limits())
    assert {table.report.strategy for table in extraction.tables} == {"structure"}
    assert all(table.report.confidence >= STRUCTURE_CONFIDENCE - 0.001 for table in extraction.tables)
    assert not mismatches(extraction.tables, truth)
    assert len(truth.studies) == 8


@pytest.mark.parametrize("producer", ["typst", "libreoffice"])
def test_a_cell_broken_by_a_page_is_read_on_both_pages(tagged: dict, producer: str) -> None:
    """These producers point at a broken cell's second part with a reference naming its own page."""
    pdf, _ = tagged[producer]
    doc = read_pdf(pdf, Limits())
    continued = [
        page.page_no for page in doc.pages for table in page.tagged
        if table.rows and all(cell.column > 0 for cell in table.rows[0])
    ]
    assert continued, "no tagged row starts past the first column on any page"
    page = next(page for page in doc.pages if page.page_no == continued[0])
    owned = {mcid for table in page.tagged for row in table.rows for cell in row for mcid in cell.mcids}
    assert any(word.mcid in owned for word in page.words if word.bbox.top < page.height / 3)


def test_glyphs_keep_the_marked_content_ids_pdfplumber_sees(tagged: dict) -> None:
    pdf, _ = tagged["weasyprint"]
    with pdfplumber.open(pdf) as document:
        page = document.pages[2]
        ours = [char["mcid"] for char in chars_and_edges(page)[0]]
        theirs = [char["mcid"] for char in document.pages[2].chars]
    assert ours == theirs and sum(mcid is not None for mcid in ours) > 100


def td(col_span: int = 1, row_span: int = 1) -> dict:
    """A TD element as the structure tree holds it, with its span attributes."""
    return {"S": LIT("TD"), "A": {"O": LIT("Table"), "ColSpan": col_span, "RowSpan": row_span}}


def test_cells_are_placed_in_columns_through_column_and_row_spans() -> None:
    rows = [[(td(row_span=2), 1), (td(col_span=2), 1)], [(td(), 1), (td(), 1)], [(td(col_span=3), 1)]]
    placed = [[(column, span) for column, span, _, _ in row] for row in placed_cells(rows)]
    assert placed == [[(0, 1), (1, 2)], [(1, 1), (2, 1)], [(0, 3)]]


# --- the strategy on a hand-made page -------------------------------------------------------------

COLUMNS = (60.0, 200.0, 340.0)
ROWS = (("First Author, Year", "Population", "Results"), ("Okafor (2016)", "Adult women", "Fewer relapses"), ("Lindqvist (2018)", "Children", "No difference"))


def words_of(text: str, x: float, top: float, mcid: int | None) -> list[Word]:
    """A cell's words on one line, 5 pt per character, all under one marked-content id."""
    found, left = [], x
    for part in text.split():
        found.append(Word(part, BBox(left, top, left + 5 * len(part), top + 9), "Helvetica", 9.0, 1, True, mcid))
        left += 5 * len(part) + 4
    return found


def tagged_page(mcid_of_cell=lambda row, column: 10 * row + column, header_artifact: bool = False, stray: bool = False) -> Page:
    """A page with a caption, a three-row table tagged cell by cell, and optionally its header as an artifact or a stray untagged word."""
    words = words_of("Table 2: Summary of Included Studies", 60, 80, 99)
    cells = []
    for row, texts in enumerate(ROWS):
        artifact = header_artifact and row == 0
        for column, text in enumerate(texts):
            words += words_of(text, COLUMNS[column], 110 + 30 * row, None if artifact else mcid_of_cell(row, column))
        if not artifact:
            cells.append(tuple(TaggedCell(column, 1, frozenset({10 * row + column})) for column in range(3)))
    if stray:
        words += words_of("stray", 120, 140, None)
    return Page(1, 612, 792, tuple(words), tagged=(TaggedTable(tuple(cells), 3),))


def test_a_tagged_table_that_agrees_with_the_page_is_read_cell_by_cell_with_full_confidence() -> None:
    grid = structure_grid(tagged_page(), 95, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and grid.strategy == "structure" and grid.confidence == STRUCTURE_CONFIDENCE
    assert [[" ".join(w.text for w in cell) for cell in row.cells] for row in grid.rows] == [list(texts) for texts in ROWS]
    assert grid.bounds[:3] == COLUMNS


def test_a_header_repeated_as_an_artifact_is_read_as_a_row_by_column() -> None:
    grid = structure_grid(tagged_page(header_artifact=True), 95, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and len(grid.rows) == 3
    assert [" ".join(w.text for w in cell) for cell in grid.rows[0].cells] == list(ROWS[0])


def test_a_tree_whose_cells_run_backwards_or_leave_words_out_loses_confidence() -> None:
    backwards = tagged_page(mcid_of_cell=lambda row, column: 10 * row + (2 - column))
    reversed_grid = structure_grid(backwards, 95, 792, None, DEFAULT_TABLE_SETTINGS)
    stray_grid = structure_grid(tagged_page(stray=True), 95, 792, None, DEFAULT_TABLE_SETTINGS)
    assert reversed_grid is not None and reversed_grid.confidence < 0.5
    assert stray_grid is not None and stray_grid.confidence < STRUCTURE_CONFIDENCE


def test_no_tagged_table_in_the_band_gives_no_grid() -> None:
    assert structure_grid(tagged_page(), 300, 792, None, DEFAULT_TABLE_SETTINGS) is None
    assert structure_grid(dataclasses.replace(tagged_page(), tagged=()), 95, 792, None, DEFAULT_TABLE_SETTINGS) is None


# --- the choice between the tree and the page's lines ---------------------------------------------


def chosen(doc: Document) -> Any:
    """The choice extraction makes from a document read whole."""
    return chosen_tables(candidate_tables(doc), lambda: tables_from_blocks(doc))


def with_pages(doc: Document, change: Any) -> Document:
    """The document with every page changed."""
    return dataclasses.replace(doc, pages=tuple(change(page) for page in doc.pages))


def cells_swapped(table: TaggedTable) -> TaggedTable:
    """A tree that gives each row's second and third cells each other's content: the author stays, so the gate
    still passes, but the row's cells no longer run left to right on the page."""
    def swap(row: tuple[TaggedCell, ...]) -> tuple[TaggedCell, ...]:
        if len(row) < 3:
            return row
        second, third = row[1], row[2]
        return (row[0], dataclasses.replace(second, mcids=third.mcids), dataclasses.replace(third, mcids=second.mcids), *row[3:])
    return dataclasses.replace(table, rows=tuple(swap(row) for row in table.rows))


def test_the_structure_table_wins_where_the_page_geometry_reads_less_surely(tagged: dict) -> None:
    pdf, truth = tagged["libreoffice"]
    unruled = with_pages(read_pdf(pdf, Limits()), lambda page: dataclasses.replace(page, rulings=(), lattices=()))
    choice = chosen(unruled)
    assert {table.report.strategy for table in choice.tables} == {"structure"}
    assert {table.report.strategy for table in choice.outranked} == {"aligned"}
    assert max(t.report.confidence for t in choice.outranked) < min(t.report.confidence for t in choice.tables)
    assert not mismatches(choice.tables, truth)


def test_the_page_geometry_wins_where_the_tree_disagrees_with_the_page(tagged: dict) -> None:
    pdf, truth = tagged["libreoffice"]
    doc = read_pdf(pdf, Limits())
    assert {table.report.strategy for table in chosen(doc).tables} == {"structure"}
    wrong = with_pages(doc, lambda page: dataclasses.replace(page, tagged=tuple(map(cells_swapped, page.tagged))))
    choice = chosen(wrong)
    assert {table.report.strategy for table in choice.tables} <= {"ruled", "aligned"}
    assert "structure" in {table.report.strategy for table in choice.outranked}
    assert not mismatches(choice.tables, truth)
