"""A row centred in its cells and cut by a page as one long canvas (a page printed from one tall
layout): the tall cells' first lines stay at the foot of one page while the author, centred in the
whole row, comes down onto the next. The piece at the foot belongs to the row below it, not to the
row above; every other author-less piece still joins the row above.

Each test builds the page grids such a table gives; the forge's fpdf2 `cells-middle-cut` variant
draws the same (tests/test_forge_producers.py, bench/PRODUCERS.md).
"""

from __future__ import annotations

import dataclasses

from extract.extraction import extract_report
from extract.model import BBox, Word
from extract.rows import study_records
from extract.settings import DEFAULT_TABLE_SETTINGS, Limits
from extract.tables.grid import Caption, GridRow, PageGrid
from extract.tables.stitch import GridSummary, StitchedRows, stitch_grid, stitched_table, summarise_grid
from tests.forge.cache import RenderCache
from tests.forge.variant import VARIANTS
from tests.test_forge_producers import long_spec, long_table_rows

SIZE = 9.0
PITCH = 10.0
BOUNDS = (50.0, 200.0, 540.0)


def run(text: str, x0: float, top: float) -> tuple[Word, ...]:
    """Words of one line set one space apart from x0."""
    words, x = [], x0
    for piece in text.split():
        words.append(Word(piece, BBox(x, top, x + 0.5 * SIZE * len(piece), top + SIZE), "Helvetica", SIZE))
        x += 0.5 * SIZE * (len(piece) + 1)
    return tuple(words)


def cell(lines: list[str], x0: float, top: float) -> tuple[Word, ...]:
    """A cell's lines, one pitch apart from `top`."""
    return tuple(w for index, text in enumerate(lines) for w in run(text, x0, top + index * PITCH))


def grid_row(page: int, author: tuple[Word, ...], results: tuple[Word, ...]) -> GridRow:
    words = author + results
    top, bottom = min(w.bbox.top for w in words), max(w.bbox.bottom for w in words)
    boxes = (BBox(BOUNDS[0], top, BOUNDS[1], bottom), BBox(BOUNDS[1], top, BOUNDS[2], bottom))
    return GridRow((author, results), boxes, False, page)


HEADER = GridRow((run("Study, Year", 55, 60), run("Main Findings", 205, 60)), (BBox(50, 60, 200, 69), BBox(200, 60, 540, 69)), False, 1)
ABOVE = grid_row(1, cell(["Okafor et al.", "(2019)"], 55, 90), cell(["Mortality fell by a quarter", "at one year"], 205, 90))
FOOT = grid_row(1, (), cell(["• Relapse was rarer with", "the new treatment"], 205, 700))
REST = ["than with placebo", "• No difference in", "quality of life", "between the arms", "• Costs were lower", "with the new treatment"]


def stitched(second_page: GridRow | None, foot: GridRow = FOOT) -> list[dict]:
    """The study records of a table whose first page ends with `foot` and whose second page, if it
    has one, opens with `second_page`."""
    grids = [PageGrid(1, "aligned", BOUNDS, (HEADER, ABOVE, foot), second_page is None, 0.8)]
    if second_page is not None:
        grids.append(PageGrid(2, "aligned", BOUNDS, (second_page,), True, 0.8))
    rows, summary = StitchedRows(), GridSummary()
    for grid in grids:
        rows, summary = stitch_grid(rows, grid, DEFAULT_TABLE_SETTINGS), summarise_grid(summary, grid)
    table = stitched_table(Caption("Table 2: Summary of Included Studies", 1, BBox(50, 40, 300, 49)), rows, summary)
    assert table is not None
    return study_records("report", [table])


def test_a_foot_piece_is_the_top_of_a_next_row_cut_with_its_author_below() -> None:
    """The next page's row has lines above its author, and its author above the middle of what is
    left of it: it was cut at its top, and the foot piece is that top."""
    second = grid_row(2, cell(["Lindqvist et al.", "(2021)"], 55, 80), cell(REST, 205, 70))
    records = stitched(second)
    assert [r["first_author"] for r in records] == ["Okafor", "Lindqvist"]
    assert records[0]["results"] == "Mortality fell by a quarter at one year"
    assert records[1]["results"].startswith("Relapse was rarer with the new treatment than with placebo")
    assert records[1]["source_page"] == 1


def test_a_foot_piece_joins_the_row_above_when_the_next_row_starts_with_its_author() -> None:
    """Cells set at their rows' tops: the next page's row opens on its author, so nothing of it was cut."""
    second = grid_row(2, cell(["Lindqvist et al.", "(2021)"], 55, 70), cell(REST, 205, 70))
    records = stitched(second)
    assert "Relapse was rarer" in records[0]["results"] and "Relapse" not in records[1]["results"]
    assert records[1]["source_page"] == 2


def test_a_foot_piece_joins_the_row_above_when_the_next_row_is_centred_whole() -> None:
    """An author at the middle of the next page's row: that row is whole on its page."""
    second = grid_row(2, cell(["Lindqvist et al.", "(2021)"], 55, 95), cell(REST + ["at one year"], 205, 70))
    records = stitched(second)
    assert "Relapse was rarer" in records[0]["results"] and "Relapse" not in records[1]["results"]


def test_a_foot_piece_of_a_table_that_ends_on_its_page_joins_the_row_above() -> None:
    records = stitched(None)
    assert [r["first_author"] for r in records] == ["Okafor"]
    assert records[0]["results"].endswith("Relapse was rarer with the new treatment")


def lone_number(text: str) -> GridRow:
    """A reference number set small, alone at the page's foot (what is left of a line cut off below it)."""
    number = (Word(text, BBox(55, 726.5, 58, 730.6), "Helvetica", 5.0),)
    return GridRow((number, ()), (BBox(50, 726.5, 200, 730.6), BBox(200, 726.5, 540, 730.6)), False, 1)


def test_a_reference_number_left_at_a_page_foot_goes_to_the_next_pages_first_row() -> None:
    """A line cut off by the page's edge can leave its raised reference number above the cut: the
    number is the next page's first row's, whose author came down without it."""
    second = grid_row(2, run("Lindqvist et al. (2021)", 55, 70), cell(REST, 205, 70))
    records = stitched(second, lone_number("7"))
    assert [(r["first_author"], r["ref_no"]) for r in records] == [("Okafor", None), ("Lindqvist", 7)]


def test_a_reference_number_left_alone_is_no_row_and_no_ones_number_otherwise() -> None:
    """Where the next row has its own number, or the table ends, the lone number is dropped: it is
    neither a row nor the number of the row above."""
    author = run("Lindqvist et al. (2021)", 55, 70)
    raised = Word("8", BBox(author[-1].bbox.x1, 68, author[-1].bbox.x1 + 3, 73), "Helvetica", 5.0)
    second = grid_row(2, (*author, raised), cell(REST, 205, 70))
    assert [(r["first_author"], r["ref_no"]) for r in stitched(second, lone_number("7"))] == [("Okafor", None), ("Lindqvist", 8)]
    assert [(r["first_author"], r["ref_no"]) for r in stitched(None, lone_number("7"))] == [("Okafor", None)]


def test_forged_rows_cut_by_pages_as_one_canvas_read_back_whole(forge_cache: RenderCache) -> None:
    """fpdf2 draws a long table of centred rows cut like one canvas: every row reads back with its
    own findings, starting on the page it starts on."""
    base = long_spec()
    spec = dataclasses.replace(base, tables=(dataclasses.replace(base.tables[0], rows=long_table_rows(14, 1)),))
    [(rendered, truth)] = forge_cache.render([(spec, "fpdf2", VARIANTS["cells-middle-cut"])])
    records = {r["study_key"]: r for r in study_records(spec.report_id, extract_report(rendered.pdf, Limits()).tables)}
    fields = ("first_author", "results", "authors_conclusions", "population", "source_page")
    got = [tuple(records.get(study["study_key"], {}).get(field) for field in fields) for study in truth.studies]
    assert got == [tuple(study[field] for field in fields) for study in truth.studies]
