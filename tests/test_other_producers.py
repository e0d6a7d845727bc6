"""Ways of drawing a report that the forge's producers do not use, met in other producers' PDFs:
each table starting a page with its caption in the top margin, and ≥, µ or list marks set in the
standard Symbol or ZapfDingbats font with no encoding of their own, inside a word's line.

Each test draws its PDF with reportlab's canvas, which writes the standard fonts as such PDFs do.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from extract.extraction import extract_report
from extract.rows import study_records
from extract.settings import Limits

ROWS = [("Okafor et al. (2019)", "Adults with asthma", "Relapse fell by 10%"), ("Lindqvist et al. (2021)", "Children with eczema", "No difference in itch")]


def draw_table(canvas: Canvas, top: float, caption: str, rows: list[tuple[str, str, str]]) -> None:
    """A caption, a header and rows of three columns from `top` (points from the page's top) down."""
    height = letter[1]
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, height - top, caption)
    for x, text in zip((54, 220, 400), ("Study, Year", "Population", "Main Findings")):
        canvas.drawString(x, height - top - 20, text)
    canvas.setFont("Helvetica", 10)
    for index, row in enumerate(rows):
        for x, text in zip((54, 220, 400), row):
            canvas.drawString(x, height - top - 44 - 24 * index, text)


def test_captions_opening_page_after_page_are_no_running_header(tmp_path: Path) -> None:
    """Where each table starts a page with its caption in the top margin, the captions differ only
    in their numbers, as a running header's page numbers do; they are captions all the same."""
    pdf = tmp_path / "tables-on-their-own-pages.pdf"
    canvas = Canvas(str(pdf), pagesize=letter)
    for number in range(3):
        draw_table(canvas, 36, f"Table {number + 2}: Summary of Included Studies for Research Question {number + 1}", ROWS)
        canvas.showPage()
    canvas.save()
    tables = extract_report(pdf, Limits()).tables
    assert [table.label for table in tables] == [f"Table {n + 2}: Summary of Included Studies for Research Question {n + 1}" for n in range(3)]
    assert [len(table.rows) for table in tables] == [2, 2, 2]


def test_symbols_in_the_standard_symbol_font_read_as_drawn_and_stay_in_their_word(tmp_path: Path) -> None:
    """≥ drawn in the standard Symbol font (reportlab writes its code, 0xB3, with no /Encoding and no
    ToUnicode) is ≥, not the StandardEncoding glyph of that code (‡), and joins the figures it is set
    against; μ is code 0x6D there, not m. A Symbol bullet stays a word of its own, and so does
    ZapfDingbats' square, read as ■, not as the n of its code."""
    pdf = tmp_path / "symbol-font.pdf"
    canvas = Canvas(str(pdf), pagesize=letter)
    draw_table(canvas, 100, "Table 2: Summary of Included Studies for Research Question 1", [])
    height = letter[1]
    for index, (author, before, code, after) in enumerate([("Okafor et al. (2019)", "Patients aged ", "≥", "65 years"), ("Lindqvist et al. (2021)", "Iron 100 ", "μ", "g daily")]):
        y = height - 144 - 24 * index
        canvas.setFont("Helvetica", 10)
        canvas.drawString(54, y, author)
        canvas.drawString(220, y, before)
        x = 220 + canvas.stringWidth(before, "Helvetica", 10)
        canvas.setFont("Symbol", 10)
        canvas.drawString(x, y, code)
        x += canvas.stringWidth(code, "Symbol", 10)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, y, after)
        canvas.setFont("Symbol", 10)
        canvas.drawString(400, y, "•")  # the Symbol font's bullet, code 0xB7
        canvas.setFont("Helvetica", 10)
        canvas.drawString(410, y, "Relapse fell")
        canvas.setFont("ZapfDingbats", 10)
        canvas.drawString(400, y - 12, "■")  # ZapfDingbats' square, code 0x6E (an n to StandardEncoding)
        canvas.setFont("Helvetica", 10)
        canvas.drawString(410, y - 12, "Itch eased")
    canvas.save()
    records = study_records("report", extract_report(pdf, Limits()).tables)
    assert [r["population"] for r in records] == ["Patients aged ≥65 years", "Iron 100 μg daily"]
    assert [r["results"] for r in records] == ["Relapse fell\nItch eased", "Relapse fell\nItch eased"]


def test_a_symbol_fonts_bullet_is_levelled_with_its_item_and_its_math_joins_its_word() -> None:
    """ZapfDingbats' box runs far above the text's: a bullet drawn in it takes the height of the word
    it marks, so its line is no taller than its neighbours; a Symbol ≥ set against a figure is one
    word with it, at the figure's height and font."""
    from extract.model import BBox, Word
    from extract.readers.symbol_font import joined_symbol_glyphs

    bullet = Word("■", BBox(400, 93.3, 406, 104.2), "ZapfDingbats", 9.0)
    item = Word("Relapse", BBox(410, 95.2, 440, 104.2), "Helvetica", 9.0)
    symbol = Word("≥", BBox(298.8, 93.3, 303.7, 104.2), "Symbol", 9.0)
    figure = Word("65", BBox(303.7, 95.2, 313.7, 104.2), "Helvetica", 9.0)
    words = joined_symbol_glyphs([bullet, item, symbol, figure])
    assert [(w.text, w.fontname, w.bbox.top) for w in words] == [("■", "ZapfDingbats", 95.2), ("Relapse", "Helvetica", 95.2), ("≥65", "Helvetica", 95.2)]


def test_a_glyph_drawn_from_a_second_font_object_stays_in_its_word(tmp_path: Path) -> None:
    """A producer may draw a glyph the word's font object lacks, such as ≥, from another font
    object: cairo (as Firefox and GTK print) subsets one typeface into several, and a browser
    falls back to another face. The word reads on through it; a bullet in that other font still
    stands apart from its item."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from tests.forge.producers.common import VERA_DIR

    for name, file in (("TextFace", "Vera.ttf"), ("ExtraFace", "VeraIt.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(VERA_DIR / file)))
    pdf = tmp_path / "two-font-objects.pdf"
    canvas = Canvas(str(pdf), pagesize=letter)
    draw_table(canvas, 100, "Table 2: Summary of Included Studies for Research Question 1", [])
    height = letter[1]
    for index, author in enumerate(["Okafor et al. (2019)", "Lindqvist et al. (2021)"]):
        y = height - 144 - 30 * index
        canvas.setFont("Helvetica", 10)
        canvas.drawString(54, y, author)
        x = 220.0
        for face, text in (("TextFace", "Patients aged "), ("ExtraFace", "≥"), ("TextFace", "65 years")):
            canvas.setFont(face, 10)
            canvas.drawString(x, y, text)
            x += canvas.stringWidth(text, face, 10)
        for line, item in enumerate(("Relapse fell", "Itch eased")):
            canvas.setFont("ExtraFace", 10)
            canvas.drawString(400, y - 12 * line, "\N{BULLET}")
            canvas.setFont("TextFace", 10)
            canvas.drawString(410, y - 12 * line, item)
    canvas.save()
    records = study_records("report", extract_report(pdf, Limits()).tables)
    assert [r["population"] for r in records] == ["Patients aged ≥65 years", "Patients aged ≥65 years"]
    assert [r["results"] for r in records] == ["Relapse fell\nItch eased", "Relapse fell\nItch eased"]


def test_a_word_drawn_from_two_fonts_is_named_and_sized_by_its_letters_and_figures() -> None:
    """`≥3` is one glyph of each font: the word is the figure's font, at the figure's height (the
    Symbol font's box runs higher and would lift the word off its line); `µg` likewise takes the
    later glyph's font when neither has more letters."""
    from extract.readers.words import word_from_chars

    def char(text: str, font: str, x0: float, top: float) -> dict:
        return {"text": text, "fontname": font, "x0": x0, "x1": x0 + 5.0, "top": top, "bottom": 104.2, "size": 9.0 if top > 94 else 10.0}

    word = word_from_chars([char("≥", "Symbol", 298.8, 93.3), char("3", "Helvetica", 303.8, 95.2)], 1)
    assert (word.text, word.fontname, word.bbox.top, word.size) == ("≥3", "Helvetica", 95.2, 9.0)
    assert word_from_chars([char("µ", "Symbol", 10.0, 93.3), char("g", "Helvetica", 15.0, 95.2)], 1).fontname == "Helvetica"
