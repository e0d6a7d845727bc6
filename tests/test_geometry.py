"""Tables from PDF geometry, on small PDFs drawn here: each test names the layout problem it pins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from extract.model import BBox, Ruling, Word
from extract.readers.pdf import read_pdf
from extract.settings import Limits
from extract.settings import DEFAULT_TABLE_SETTINGS
from extract.tables.ruled import first_ruled_block
from extract.tables.grid import snap_positions
from extract.tables.stitch import split_superscript_ref
from extract.tables.aligned import _header_band, block_columns, row_blocks, split_known_headers
from extract.tables.row_breaks import RowBreaks, row_gap_em
from extract.tables.pages import tables_from_pages
from extract.layout.words import words_to_text

PAGE_HEIGHT = 792.0
HEADER = ("First Author, Year", "Indication", "Population", "Results")
COLUMNS = (54.0, 160.0, 270.0, 380.0, 558.0)
SIZE = 9.0
LEADING = 11.0


@dataclass(frozen=True)
class Sup:
    """A superscript reference drawn right after the text before it, or alone on its own line."""

    text: str


CellLines = tuple[tuple[str | Sup, ...], ...]


def draw_line(canvas: Canvas, parts: tuple[str | Sup, ...], x: float, baseline: float, bold: bool) -> None:
    """Draw one cell line; a Sup part is smaller and raised."""
    for part in parts:
        if isinstance(part, Sup):
            canvas.setFont("Helvetica", SIZE * 0.6)
            canvas.drawString(x, baseline + SIZE * 0.35, part.text)
            x += canvas.stringWidth(part.text, "Helvetica", SIZE * 0.6)
        else:
            font = "Helvetica-Bold" if bold else "Helvetica"
            canvas.setFont(font, SIZE)
            canvas.drawString(x, baseline, part)
            x += canvas.stringWidth(part, font, SIZE)


def draw_row(canvas: Canvas, top: float, cells: tuple[CellLines, ...], ruled: bool, bold: bool = False, merged: bool = False) -> float:
    """Draw a row of cells from `top` (points from the page top); return its bottom."""
    height = max(len(lines) for lines in cells) * LEADING + 6
    edges = (COLUMNS[0], COLUMNS[-1]) if merged else COLUMNS
    for lines, x0 in zip(cells, edges):
        for index, parts in enumerate(lines):
            draw_line(canvas, parts, x0 + 3, PAGE_HEIGHT - top - 3 - (index + 1) * LEADING + 2.5, bold)
    if ruled:
        canvas.setLineWidth(0.5)
        canvas.rect(COLUMNS[0], PAGE_HEIGHT - top - height, COLUMNS[-1] - COLUMNS[0], height)
        for x in edges[1:-1]:
            canvas.line(x, PAGE_HEIGHT - top, x, PAGE_HEIGHT - top - height)
    return top + height + (0 if ruled else 6)


def header_cells() -> tuple[CellLines, ...]:
    """The header row's cells, one line each."""
    return tuple(((text,),) for text in HEADER)


def study_cells(author: CellLines, results: CellLines = (("Live births were similar",),)) -> tuple[CellLines, ...]:
    """A study row with fixed middle cells."""
    return (author, (("Recurrent loss",),), (("Adult women",),), results)


def furniture(canvas: Canvas, page_no: int) -> None:
    """A running header and a page-number footer."""
    canvas.setFont("Helvetica", 8)
    canvas.drawString(54, PAGE_HEIGHT - 30, "Rapid Response Report: A Drawn Test Report")
    canvas.drawString(500, 30, f"Page {page_no}")


def caption(canvas: Canvas, top: float, text: str = "Table 2: Summary of Included Studies") -> float:
    """Draw a bold caption; return the top for what follows."""
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, PAGE_HEIGHT - top - 10, text)
    return top + 16


def test_superscript_ref_is_split_off_wherever_it_sits(tmp_path: Path) -> None:
    path = tmp_path / "superscript-ref-placements.pdf"
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    furniture(canvas, 1)
    top = caption(canvas, 60)
    top = draw_row(canvas, top, header_cells(), ruled=True, bold=True)
    top = draw_row(canvas, top, study_cells((("Okafor (2016)", Sup("4")),)), ruled=True)
    top = draw_row(canvas, top, study_cells((("Lindqvist", Sup("5"), " (2015)"),)), ruled=True)
    draw_row(canvas, top, study_cells((("Baptiste (2014)",), (Sup("6"),))), ruled=True)
    canvas.save()
    [table] = tables_from_pages(read_pdf(path, Limits()))
    assert [(r.cells["author"].text, r.cells["ref"].text) for r in table.rows] == [
        ("Okafor (2016)", "4"),
        ("Lindqvist (2015)", "5"),
        ("Baptiste (2014)", "6"),
    ]
    assert table.report.strategy == "ruled"
    assert all(r.cells["ref"].page_no == 1 and r.cells["ref"].bbox is not None for r in table.rows)


def test_row_broken_by_a_page_break_is_joined_and_repeated_header_dropped(tmp_path: Path) -> None:
    path = tmp_path / "row-broken-across-pages.pdf"
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    furniture(canvas, 1)
    top = caption(canvas, 60)
    top = draw_row(canvas, top, header_cells(), ruled=True, bold=True)
    top = draw_row(canvas, top, study_cells((("Okafor (2016)",),)), ruled=True)
    filler = tuple((f"finding line {n}",) for n in range(int((740 - top) // LEADING) - 2))
    draw_row(canvas, top, study_cells((("Lindqvist (2015)",),), filler), ruled=True)
    canvas.showPage()
    furniture(canvas, 2)
    top = draw_row(canvas, 60, header_cells(), ruled=True, bold=True)
    top = draw_row(canvas, top, ((), (), (), (("carried over line",), ("last line",))), ruled=True)
    draw_row(canvas, top, study_cells((("Baptiste (2014)",),)), ruled=True)
    canvas.save()
    [table] = tables_from_pages(read_pdf(path, Limits()))
    assert [r.cells["author"].text for r in table.rows] == ["Okafor (2016)", "Lindqvist (2015)", "Baptiste (2014)"]
    broken = table.rows[1].cells["results"]
    assert broken.text == "\n".join(line for (line,) in filler) + "\ncarried over line\nlast line"
    assert broken.page_no == 1
    assert table.rows[2].cells["author"].page_no == 2
    assert table.report.pages == (1, 2)


def test_unruled_table_is_cut_by_header_positions(tmp_path: Path) -> None:
    path = tmp_path / "unruled-table-aligned.pdf"
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    top = caption(canvas, 60)
    top = draw_row(canvas, top, header_cells(), ruled=False, bold=True)
    top = draw_row(canvas, top, study_cells((("Okafor (2016)",),), (("- Fewer relapses",), ("- More births",))), ruled=False)
    top = draw_row(canvas, top, study_cells((("Lindqvist", "  (2015)"),)), ruled=False)
    canvas.setFont("Helvetica", 10)
    canvas.drawString(54, PAGE_HEIGHT - top - 30, "This paragraph follows the table and runs across every column of the page.")
    canvas.save()
    [table] = tables_from_pages(read_pdf(path, Limits()))
    assert table.report.strategy == "aligned"
    assert table.header == HEADER
    assert [r.cells["author"].text for r in table.rows] == ["Okafor (2016)", "Lindqvist (2015)"]
    assert table.rows[0].cells["results"].text == "- Fewer relapses\n- More births"
    assert table.rows[0].cells["population"].text == "Adult women"


def test_caption_of_selection_criteria_is_not_a_study_table(tmp_path: Path) -> None:
    path = tmp_path / "selection-criteria-caption.pdf"
    canvas = Canvas(str(path), pagesize=(612, PAGE_HEIGHT))
    top = caption(canvas, 60, "Table 1: Selection Criteria")
    draw_row(canvas, top, header_cells(), ruled=True, bold=True)
    canvas.save()
    assert tables_from_pages(read_pdf(path, Limits())) == ()


def word(text: str, x0: float, top: float, size: float = 9.0) -> Word:
    """A word box of the given size at a position."""
    return Word(text, BBox(x0, top, x0 + 0.5 * size * len(text), top + size), "Helvetica", size)


def test_ref_on_a_full_size_baseline_is_not_a_superscript() -> None:
    words = (word("Okafor", 10, 100), word("2016", 50, 100))
    assert split_superscript_ref(words, DEFAULT_TABLE_SETTINGS) == (words, ())


def test_cell_text_keeps_visual_lines() -> None:
    words = (word("two", 40, 112), word("line", 10, 100), word("one", 35, 100), word("line", 10, 112))
    assert words_to_text(words, DEFAULT_TABLE_SETTINGS) == "line one\nline two"


@given(st.lists(st.floats(0, 600, allow_nan=False), min_size=1, max_size=30), st.floats(0.5, 5))
def test_snapped_positions_are_sorted_and_apart(values: list[float], tolerance: float) -> None:
    snapped = snap_positions(values, tolerance)
    assert list(snapped) == sorted(snapped)
    assert all(b - a > tolerance for a, b in zip(snapped, snapped[1:])) or len(snapped) == 1
    assert min(values) - 1e-6 <= snapped[0] and snapped[-1] <= max(values) + 1e-6


def test_ruled_block_stops_at_the_gap_before_a_second_table() -> None:
    first = [Ruling("v", BBox(x, 100, x, 300)) for x in (50, 150, 250)]
    second = [Ruling("v", BBox(x, 400, x, 500)) for x in (50, 150, 250)]
    assert first_ruled_block((*second, *first), 90, 792, 3.0) == tuple(first)


def test_a_script_hanging_below_its_line_does_not_set_the_row_gap() -> None:
    """Cell lines 0.17 em apart, rows 0.9 em apart; a small reference (`2022¹`) that hangs below its
    line overlaps the next line. Measured on the line's own size, the cell gaps stay a cell's."""
    def line(top: float, *texts: str) -> tuple[Word, ...]:
        return tuple(word(text, 60 + 80 * index, top) for index, text in enumerate(texts))

    step = SIZE * 1.17
    first = [line(100, "Okafor,", "Adults"), (*line(100 + step, "2022", "with"), word("1", 80, 100 + 2 * step - 2, SIZE * 0.6))]
    first.append(line(100 + 2 * step, "", "asthma")[1:])
    second = [line(first[-1][0].bbox.bottom + 0.9 * SIZE, "Lindqvist,", "Children"), line(first[-1][0].bbox.bottom + 0.9 * SIZE + step, "2019", "aged 6")]
    lines = [*first, *second]
    gap_em = row_gap_em(lines, DEFAULT_TABLE_SETTINGS)
    assert 0.17 < gap_em < 0.9
    breaks = RowBreaks((), gap_em)
    assert [breaks.between(upper, lower) for upper, lower in zip(lines, lines[1:])] == [False, False, True, False]


def run(texts: str, x0: float, top: float = 100.0, bold: bool = False) -> tuple[Word, ...]:
    """Words set one space apart from x0 on one line."""
    words, x = [], x0
    for text in texts.split():
        words.append(Word(text, BBox(x, top, x + 0.5 * SIZE * len(text), top + SIZE), "Helvetica-Bold" if bold else "Helvetica", SIZE))
        x += 0.5 * SIZE * (len(text) + 1)
    return tuple(words)


def test_a_header_cell_set_close_to_a_wrapped_one_is_parted_from_it() -> None:
    """Equal-width columns (MuPDF) can set `Recommendations` a space away from `Strength of` (/ `Evidence`)."""
    close = run("Recommendations Strength of", 300)
    assert [" ".join(w.text for w in part) for part in split_known_headers(close) or []] == ["Recommendations", "Strength of"]
    assert split_known_headers(run("Recommendations were made", 300)) is None  # no header opens with `were made`


def test_a_bullet_set_out_before_its_column_goes_with_the_text_it_opens() -> None:
    """An outside list marker drawn in the gap before its column (MuPDF, browsers) opens that column's text."""
    population, bullet, finding = run("Adults aged 65", 100), run("\u2022", 236), run("Mortality fell", 250)
    blocks = row_blocks([(*population, *bullet, *finding)])
    [opened] = [block for block in blocks if block[0].text == "\u2022"]
    assert [w.text for w in opened][:2] == ["\u2022", "Mortality"]
    columns = block_columns(blocks, (90.0, 240.0, 400.0), DEFAULT_TABLE_SETTINGS)
    assert columns[blocks.index(opened)] == 1 and columns[0] == 0


def test_no_header_is_read_below_a_study_row_on_a_continued_page() -> None:
    """`guideline` and `recommendation;` are header words, but under `Ibarra (2016) [18]` they are a row's cells."""
    first = (*run("Ibarra (2016) [18]", 60, 100), *run("Evidence-based", 160, 100), *run("Weak", 450, 100))
    second = (*run("guideline", 160, 111), *run("recommendation;", 450, 111))
    segments, body_start = _header_band([first, second], RowBreaks((), 0.5), DEFAULT_TABLE_SETTINGS)
    assert (segments, body_start) == ([], 0)
    header = (*run("Guideline", 60, 80, True), *run("Study Design", 160, 80, True), *run("Recommendations", 450, 80, True))
    segments, body_start = _header_band([header, first, second], RowBreaks((), 0.5), DEFAULT_TABLE_SETTINGS)
    assert [" ".join(w.text for w in s) for s in segments] == ["Guideline", "Study Design", "Recommendations"] and body_start == 1
