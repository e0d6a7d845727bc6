"""Tables as a word processor lays them out from a web page: columns a couple of points apart, a
header repeated at each page's top with no running header above it, a caption left at a page's foot.

Each test pins one of those and says what would go wrong without it; the held-out LibreOffice
engine in bench/held_out.py draws all of them at once.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from extract.extraction import extract_report
from extract.layout.captions import continues_table_pages
from extract.layout.furniture import furniture_flags
from extract.layout.lines import TextLine
from extract.model import BBox, Cell, RawRow, Word
from extract.rows import study_records
from extract.settings import DEFAULT_LAYOUT, DEFAULT_TABLE_SETTINGS, Limits
from extract.tables.aligned import _crosses_columns, _is_full_width, _straddled_starts
from extract.tables.stitch import continues_row

SIZE = 10.0
MARGIN = 58.0


def run(text: str, x0: float, top: float) -> TextLine:
    """One text run as pdfium gives it."""
    return TextLine(text, BBox(x0, top, x0 + 5.5 * len(text), top + SIZE), 1, SIZE, False)


def words(texts: str, x0: float, top: float = 100.0) -> tuple[Word, ...]:
    """Words set one space apart from x0 on one line."""
    out, x = [], x0
    for text in texts.split():
        out.append(Word(text, BBox(x, top, x + 5.0 * len(text), top + SIZE), "DejaVuSans", SIZE))
        x += 5.0 * (len(text) + 1)
    return tuple(out)


def repeated_header_page(running_title: bool) -> list[TextLine]:
    """A continued table page: its header centred in the header row (`Author` / `(Year)` around the
    one-line cells), rows below whose cells start where the header cells do."""
    header = [run("Author", MARGIN, 29.1), run("Condition", 120.4, 36.3), run("Patients", 230.1, 36.3),
              run("Key Findings", 342.6, 36.3), run("(Year)", MARGIN, 43.6)]
    rows = [run("Okafor et al.", MARGIN, 120), run("Asthma", 120.4, 120), run("Adults", 230.1, 120), run("Fewer relapses", 342.6, 120)]
    title = [run("Iron for asthma", MARGIN, 12.0)] if running_title else []
    return title + [header[0], *header[1:]] + rows


def test_a_repeated_table_header_is_not_running_furniture() -> None:
    """Repeated on every page the table continues on, the header's lines key as furniture; left out,
    the continued page has no header (and a caption at a page's foot no table at all)."""
    keys = frozenset({("top", "author"), ("top", "conditionpatientskeyfindings"), ("top", "(year)"), ("top", "ironforasthma")})
    runs = repeated_header_page(running_title=False)
    assert not any(furniture_flags(runs, 792.0, keys, DEFAULT_LAYOUT))
    runs = repeated_header_page(running_title=True)
    flags = dict(zip((r.text for r in runs), furniture_flags(runs, 792.0, keys, DEFAULT_LAYOUT)))
    assert flags["Iron for asthma"] and not flags["Author"] and not flags["(Year)"]


def test_furniture_is_only_what_lies_between_the_edge_and_the_body() -> None:
    """A repeated line below a line that is not furniture is part of the page, not its header."""
    runs = [run("Results", MARGIN, 20.0), run("Iron for asthma", MARGIN, 40.0), run("Body text", MARGIN, 200.0)]
    flags = furniture_flags(runs, 792.0, frozenset({("top", "ironforasthma")}), DEFAULT_LAYOUT)
    assert flags == [False, False, False]
    runs = [run("Iron for asthma", MARGIN, 20.0), run("Results", MARGIN, 40.0), run("Body text", MARGIN, 200.0)]
    assert furniture_flags(runs, 792.0, frozenset({("top", "ironforasthma")}), DEFAULT_LAYOUT) == [True, False, False]
    off_page = [run("Body text", MARGIN, 200.0), run("Iron for asthma", MARGIN, 760.0), run("a note drawn below the page", MARGIN, 990.0)]
    assert furniture_flags(off_page, 792.0, frozenset({("bottom", "ironforasthma")}), DEFAULT_LAYOUT) == [False, True, False]


def test_a_page_opening_with_a_centred_header_continues_the_table() -> None:
    """`Author` alone on the first line, then the header's other cells, then a cell's words indented
    under their column: the page goes on with the table above."""
    segments = repeated_header_page(running_title=False)[:5] + [run("cognitive", 378.1, 66.9), run("behavioural", 378.1, 81.5)]
    assert continues_table_pages(segments, True, MARGIN)
    prose = [run("The authors searched five databases", MARGIN, 30 + 14 * i) for i in range(4)]
    assert not continues_table_pages(prose, True, MARGIN)


def test_cells_set_close_together_are_a_row_not_a_paragraph() -> None:
    """Columns 2 pt apart read as one run; each cell opens where its header does, so the line is a
    row. Prose across the same columns opens none of them and ends the table."""
    bounds = (MARGIN - 3, 117.0, 227.0, 340.0, 595.0)
    row = (*words("al. (2017) 6", MARGIN), *words("acquired pneumonia in", 120.4), *words("community-acquired", 230.1))
    assert not _crosses_columns(row, bounds, DEFAULT_TABLE_SETTINGS) and not _is_full_width(row, bounds, DEFAULT_TABLE_SETTINGS)
    prose = words("CI confidence interval OR odds ratio QALY quality-adjusted life-year", MARGIN)
    assert _is_full_width(prose, bounds, DEFAULT_TABLE_SETTINGS)
    # a cell's last word ending a point past the column's bound, short of the next column's text, runs over nothing
    close = (*words("al.", MARGIN), Word("(2017)", BBox(88.0, 100.0, 118.0, 100.0 + SIZE), "DejaVuSans", SIZE), *words("acquired", 120.4))
    assert _straddled_starts(close, bounds, DEFAULT_TABLE_SETTINGS) == 0


def test_a_design_heading_runs_across_the_table_whatever_its_words_line_up_with() -> None:
    """`Randomized Controlled Trials` whose second word happens to start where a column does is
    still a heading across the table, not a row of cells."""
    bounds = (MARGIN - 3, 117.0, 227.0, 340.0, 595.0)
    heading = words("Randomized Controlled Trials", 65.0)  # `Controlled` starts at 120, where column 2's text does
    assert heading[1].bbox.x0 == 120.0 and _crosses_columns(heading, bounds, DEFAULT_TABLE_SETTINGS)
    assert not _crosses_columns(words("Okafor al. Iron therapy", 65.0), bounds, DEFAULT_TABLE_SETTINGS)


def test_on_a_character_grid_a_word_at_a_column_start_opens_nothing() -> None:
    """A text export sets every word on a column of characters, so a note under the table may
    start words exactly where cells start; it is still prose across the table."""
    from dataclasses import replace

    from extract.readers.monospace import MONOSPACE_FONT

    bounds = (MARGIN - 3, 117.0, 227.0, 340.0, 595.0)
    note = (*words("CI = confidence", MARGIN), *words("interval; OR = odds ratio; RR", 120.0), *words("= relative risk", 230.0))
    assert _crosses_columns(note, bounds, DEFAULT_TABLE_SETTINGS) is False  # set in a proportional font: read as cells
    on_grid = tuple(replace(w, fontname=MONOSPACE_FONT) for w in note)
    assert _crosses_columns(on_grid, bounds, DEFAULT_TABLE_SETTINGS) and _is_full_width(on_grid, bounds, DEFAULT_TABLE_SETTINGS)


def draw_caption_at_foot(path: Path) -> None:
    """A caption at the foot of page 1, its unruled table at the top of page 2."""
    canvas = Canvas(str(path), pagesize=letter)
    canvas.setFont("Helvetica", 10)
    for index in range(30):
        canvas.drawString(MARGIN, 720 - 14 * index, "The authors searched five databases for studies of the intervention.")
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(MARGIN, 80, "Table 2: Summary of Included Studies")
    canvas.showPage()
    columns = (MARGIN, 170, 300, 430)
    canvas.setFont("Helvetica-Bold", 9)
    for x, text in zip(columns, ("First Author, Year", "Population", "Intervention", "Main Findings")):
        canvas.drawString(x, 730, text)
    canvas.line(MARGIN, 725, 560, 725)
    canvas.setFont("Helvetica", 9)
    for index, (author, population) in enumerate((("Okafor, 2019", "Adults"), ("Lindqvist, 2021", "Children"))):
        y = 710 - 30 * index
        for x, text in zip(columns, (author, population, "Iron", "Fewer relapses")):
            canvas.drawString(x, y, text)
    canvas.save()


def test_a_caption_at_a_pages_foot_finds_its_table_on_the_next_page(tmp_path: Path) -> None:
    """With nothing below it, the caption's table starts at the top of the next page."""
    path = tmp_path / "caption-at-foot.pdf"
    draw_caption_at_foot(path)
    (table,) = extract_report(path, Limits()).tables
    assert table.report.strategy == "aligned" and table.report.pages == (2,)
    records = study_records(path.stem, (table,))
    assert [(r["first_author"], r["year"], r["population"]) for r in records] == [("Okafor", 2019, "Adults"), ("Lindqvist", 2021, "Children")]


def test_an_author_cell_broken_by_a_page_is_one_row() -> None:
    """`Urquhart et` at the foot of one page, `al. (2017)` at the top of the next: the rest of the
    same author, not a study by `al`; a new author under a yearless one still starts a row."""
    above = RawRow({"author": Cell("Urquhart et", 4)}, None, 7)
    assert continues_row(above, {"author": Cell("al. (2017) 8", 5), "results": Cell("in pain scores", 5)})
    assert not continues_row(above, {"author": Cell("Lindqvist (2021) 9", 5)})
    assert continues_row(RawRow({"author": Cell("Smith", 4)}, None, 1), {"author": Cell("(2019)", 5)})
