"""The lattice strategy: pdfplumber's own table cells, filled with our words and stitched like every grid, never worse than `extract_tables`.

On a sample of ruled reports from every producer, the lattice finder alone finds at least the
rows and exact fields of the pdfplumber baseline of bench/producers.py (pdfplumber's
`extract_tables` with the same header mapping). On hand-made pages: a row a page break leaves
open under the lattice is read between its rules, lattices stacked on the same columns are one
table, and a word no cell holds lowers the confidence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.producers import baseline_tables, score
from extract.model import BBox, Page, Ruling, Word
from extract.readers.pdf import read_pdf
from extract.rows import study_records
from extract.settings import DEFAULT_TABLE_SETTINGS, Limits
from extract.tables.choose import best_per_caption
from extract.tables.lattice import LATTICE_CONFIDENCE, lattice_grid
from extract.tables.pages import CandidateTables
from extract.tables.verdict import summary_tables
from tests.forge.cache import Case, RenderCache

# Seed 24 breaks rows at page ends; every producer draws it ruled (reportlab's own tables are ruled).
SAMPLE = [Case(producer, "rules-lines", 24) for producer in ("weasyprint", "typst", "fpdf2", "libreoffice")] + [Case("reportlab", "plain", 24)]


def lattice_only(pdf: Path) -> tuple:
    """The summary tables the lattice finder alone reads (the best per caption that passes the gate)."""
    found = CandidateTables()
    for page in read_pdf(pdf, Limits()).pages:
        found.add_page(page)
    kept, _ = summary_tables(found.finders["lattice"].tables())
    return best_per_caption(kept)


@pytest.mark.parametrize("case", SAMPLE, ids=lambda case: case.stem)
def test_the_lattice_finder_alone_reads_at_least_what_pdfplumber_extract_tables_does(forge_cache: RenderCache, case: Case) -> None:
    ((rendered, truth),) = forge_cache.cases([case])
    ours = score(truth, study_records(case.stem, lattice_only(rendered.pdf)))
    baseline = score(truth, study_records(case.stem, baseline_tables(rendered.pdf)))
    assert ours[0] >= baseline[0] and ours[2] >= baseline[2], (ours, baseline)
    assert ours[0] > 0


# --- hand-made pages --------------------------------------------------------------------------------

LEFTS = (60.0, 200.0, 340.0, 480.0)


def word(text: str, x: float, top: float) -> Word:
    """One word, 5 pt per character."""
    return Word(text, BBox(x, top, x + 5 * len(text), top + 9), "Helvetica", 9.0, 1)


def row_boxes(top: float, bottom: float) -> tuple[BBox, ...]:
    """A row of three cells between the column edges."""
    return tuple(BBox(x0, top, x1, bottom) for x0, x1 in zip(LEFTS, LEFTS[1:]))


def row_words(texts: tuple[str, str, str], top: float) -> list[Word]:
    """A row's words, one per cell."""
    return [word(text, x + 3, top) for text, x in zip(texts, LEFTS)]


HEADER = ("Author", "Population", "Results")
FIRST = ("Okafor (2016)", "Adults", "Fewer")
OPEN = ("Lindqvist (2018)", "Children", "None")


def test_a_row_left_open_by_the_page_end_is_read_between_the_column_rules() -> None:
    lattice = (row_boxes(100, 120), row_boxes(120, 160))
    rules = tuple(Ruling("v", BBox(x, 100, x, 780)) for x in LEFTS)
    words = (*row_words(HEADER, 105), *row_words(FIRST, 125), *row_words(OPEN, 170))
    grid = lattice_grid(Page(1, 612, 792, words, rules, lattices=(lattice,)), 90, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and grid.strategy == "lattice" and not grid.ends_table
    assert [[" ".join(w.text for w in cell) for cell in row.cells] for row in grid.rows] == [list(HEADER), list(FIRST), list(OPEN)]
    assert grid.confidence == LATTICE_CONFIDENCE


def test_without_rules_below_the_lattice_the_words_there_end_the_table() -> None:
    lattice = (row_boxes(100, 120), row_boxes(120, 160))
    words = (*row_words(HEADER, 105), *row_words(FIRST, 125), word("Note: a footnote", 60, 200))
    grid = lattice_grid(Page(1, 612, 792, words, lattices=(lattice,)), 90, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and len(grid.rows) == 2 and grid.ends_table


def test_lattices_stacked_on_the_same_columns_are_one_table() -> None:
    first, second = (row_boxes(100, 120), row_boxes(120, 160)), (row_boxes(165, 200),)
    words = (*row_words(HEADER, 105), *row_words(FIRST, 125), *row_words(OPEN, 170))
    grid = lattice_grid(Page(1, 612, 792, words, lattices=(second, first)), 90, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and len(grid.rows) == 3


def test_a_word_inside_the_lattice_that_no_cell_holds_lowers_the_confidence() -> None:
    lattice = (row_boxes(100, 120), (BBox(60, 120, 200, 160), None, None))
    words = (*row_words(HEADER, 105), *row_words(FIRST, 125))
    grid = lattice_grid(Page(1, 612, 792, words, lattices=(lattice,)), 90, 792, None, DEFAULT_TABLE_SETTINGS)
    assert grid is not None and grid.rows[1].merged and grid.confidence < LATTICE_CONFIDENCE


def test_no_lattice_in_the_band_gives_no_grid() -> None:
    lattice = (row_boxes(100, 120), row_boxes(120, 160))
    page = Page(1, 612, 792, (*row_words(HEADER, 105), *row_words(FIRST, 125)), lattices=(lattice,))
    assert lattice_grid(page, 300, 792, None, DEFAULT_TABLE_SETTINGS) is None
