"""Text a producer draws glyph by glyph (Chromium's Skia does, in running headers and on whole
pages): pdfium then gives one rectangle per glyph, which must still read as words and lines,
alike on every page, so running headers are still recognised and tables still followed.

The pages are drawn here with reportlab, one text object per glyph, placed as a browser places them.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from extract.layout.furniture import furniture_text
from extract.layout.lines import runs_to_segments
from extract.readers.pdfium import joined_glyph_rects, text_runs, unshared_span
from extract.settings import LayoutSettings

SIZE = 9.0


def draw_glyph_by_glyph(canvas: Canvas, text: str, x: float, y: float, font: str = "Helvetica") -> None:
    """A line of text with each glyph its own text object, spaces not drawn (a gap in their place)."""
    for char in text:
        if char != " ":
            canvas.drawString(x, y, char)
        x += canvas.stringWidth(char, font, SIZE)


def line_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    textpage = page.get_textpage()
    runs = text_runs(textpage, 1, page.get_height())
    return [segment.text for segment in runs_to_segments(runs, LayoutSettings())]


def test_a_line_drawn_glyph_by_glyph_reads_as_its_words(tmp_path: Path) -> None:
    path = tmp_path / "glyphs.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica", SIZE)
    draw_glyph_by_glyph(canvas, "Hyaluronic acid injection for chronic heart failure: Clinical Effectiveness", 50, 780)
    draw_glyph_by_glyph(canvas, "Summary of Abstracts", 50, 760)
    draw_glyph_by_glyph(canvas, "Adults", 300, 760)  # a cell of its own, a cell gap away
    canvas.save()
    assert line_texts(path) == [
        "Hyaluronic acid injection for chronic heart failure: Clinical Effectiveness", "Summary of Abstracts", "Adults",
    ]


def test_glyph_rectangles_join_into_runs_but_not_across_a_cell_gap_or_into_wide_runs() -> None:
    glyphs = [(50.0, 700.0, 55.0, 707.0), (54.6, 700.0, 59.0, 705.0), (59.8, 700.0, 64.0, 707.0)]  # kerned: the second overlaps
    apart = (72.0, 700.0, 77.0, 707.0)  # a cell gap (8 pt) after the last
    word_run = (100.0, 700.0, 180.0, 707.0)  # a producer's own run: wider than a glyph
    next_line = (50.0, 688.0, 55.0, 695.0)
    assert joined_glyph_rects([*glyphs, apart]) == [(50.0, 700.0, 64.0, 707.0), apart]
    assert joined_glyph_rects([word_run, (181.0, 700.0, 185.0, 707.0)]) == [word_run, (181.0, 700.0, 185.0, 707.0)]
    assert joined_glyph_rects([glyphs[0], next_line]) == [glyphs[0], next_line]
    # a hyphen's ink is flat (wider than tall): judged against its line's height, it stays in the word
    hyphen, after = (64.5, 702.5, 67.5, 703.3), (68.0, 700.0, 72.5, 707.0)
    assert joined_glyph_rects([*glyphs, hyphen, after]) == [(50.0, 700.0, 72.5, 707.0)]


def test_running_furniture_is_compared_whatever_the_spacing_of_its_reading() -> None:
    assert furniture_text("SUMMARY OF ABSTRACTS Rapid Response Service Page 3") == furniture_text("SUMMARYOFABSTRACTS RapidResponseService Page 12")
    assert furniture_text("Page 3") == furniture_text("page 14")
    assert furniture_text("Clinical Effectiveness") != furniture_text("Cost-Effectiveness")


def test_a_list_marker_drawn_outside_its_text_goes_with_the_word_it_opens() -> None:
    """A browser draws a list's disc outside its text, in the gap between two columns; as a word
    it stands just before the word it opens, in that word's column, not in the column beside."""
    from extract.model import BBox, Word
    from extract.readers.plumber import BULLET_LEAD_EM, drawn_bullets
    from extract.text.clean import BULLET

    word = Word("Nerve", BBox(300.0, 100.0, 324.0, 108.0), "Forge", 8.0, 1)
    far_disc = BBox(287.0, 102.5, 290.2, 105.7)  # 10 pt before the word: at the column gap
    (bullet,) = drawn_bullets([far_disc], [word])
    assert bullet.text == BULLET
    assert bullet.bbox.x1 == word.bbox.x0 - BULLET_LEAD_EM * word.size and bullet.bbox.width == far_disc.width
    assert (bullet.bbox.top, bullet.bbox.bottom) == (far_disc.top, far_disc.bottom)
    near_disc = BBox(294.0, 102.5, 297.2, 105.7)  # already close: left where it is drawn
    assert drawn_bullets([near_disc], [word])[0].bbox == near_disc


def test_a_bullet_glyph_drawn_outside_marked_content_joins_the_cell_of_the_item_it_opens() -> None:
    """A tagged PDF may draw a list's bullet glyph as an artifact, outside the marked content of
    its cell (Chromium does); the structure strategy gathers a cell by its marked content, so the
    bullet takes the marked content of the word it opens, and an item still starts there."""
    from extract.model import BBox, Word
    from extract.readers.plumber import with_marker_mcids
    from extract.text.clean import BULLET

    bullet = Word(BULLET, BBox(400.0, 169.0, 405.4, 178.0), "Symbol", 9.0, 3, mcid=None)
    opened = Word("Hospital", BBox(409.1, 169.4, 445.8, 178.4), "Vera", 9.0, 3, mcid=25)
    other_cell = Word("Adults", BBox(300.0, 169.4, 330.0, 178.4), "Vera", 9.0, 3, mcid=24)
    plain = Word("Table", BBox(60.0, 100.0, 80.0, 109.0), "Vera", 9.0, 3, mcid=None)  # not a bullet: left alone
    marked = with_marker_mcids([other_cell, bullet, opened, plain])
    assert [word.mcid for word in marked] == [24, 25, 25, None]
    untagged = [Word(BULLET, bullet.bbox, "Symbol", 9.0, 3), Word("Hospital", opened.bbox, "Vera", 9.0, 3)]
    assert with_marker_mcids(untagged) == tuple(untagged)


def test_runs_that_touch_join_without_a_space_and_runs_a_space_apart_with_one() -> None:
    """Chromium splits a word's text objects at kerning pairs (`alur` + `onic`): runs of one size
    that touch had no space drawn between them. A space's gap, or a smaller superscript, keeps one."""
    from extract.layout.lines import TextLine, join_runs
    from extract.model import BBox

    def run(text: str, x0: float, x1: float, size: float = 9.0) -> TextLine:
        return TextLine(text, BBox(x0, 100.0, x1, 109.0), 1, size, False)

    assert join_runs([run("Hy", 50.0, 60.0), run("alur", 64.4, 80.9), run("onic acid", 81.2, 120.0)]).text == "Hy aluronic acid"
    assert join_runs([run("acid", 50.0, 66.0), run("injection", 68.5, 100.0)]).text == "acid injection"
    assert join_runs([run("trials", 50.0, 72.0), run("12", 72.1, 78.0, size=5.0)]).text == "trials 12"


def test_a_kerned_pair_split_between_text_objects_is_read_once(tmp_path: Path) -> None:
    """Chromium splits its text at kerning pairs: `T` and `ype`, the `y` tucked under the `T`.
    pdfium reads each rectangle's glyphs by touch, so each half read the other's glyph (`TyType`)."""
    path = tmp_path / "kerned.pdf"
    canvas = Canvas(str(path), pagesize=(300, 200))
    canvas.setFont("Helvetica", SIZE)
    canvas.drawString(50, 100, "T")
    canvas.drawString(50 + canvas.stringWidth("T", "Helvetica", SIZE) - 0.8, 100, "ype 2 diabetes")
    canvas.drawString(50, 80, "Plain line of text")
    canvas.save()
    assert line_texts(path) == ["Type 2 diabetes", "Plain line of text"]
    rects = [(0.0, 0.0, 6.0, 9.0), (5.0, 0.0, 60.0, 9.0), (61.0, 0.0, 90.0, 9.0)]
    assert unshared_span(rects, 0) == (0.0, 4.9) and unshared_span(rects, 1)[0] == 6.1
    assert unshared_span(rects, 2) == (61.0, 90.0)  # a gap, not an overlap: read whole
