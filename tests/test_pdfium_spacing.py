"""pdfium's runs on a page that draws its word spaces: bare gaps inside words closed, real words kept apart.

The page is drawn here with reportlab, one text object per piece, so the gaps are exactly where
the test puts them: a name cut by extra advance after its `y` (`Ny` + `borg`), a word cut after
its `f`, two words whose space a producer left undrawn beside such an advance (`five` + `years`),
and a superscript citation right after a word, which stays apart.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from extract.layout.lines import runs_to_segments
from extract.readers.pdfium import text_runs
from extract.settings import LayoutSettings

SIZE = 9.0
PROSE = "The review found no difference in the outcomes that were reported by the included trials at one year"


def draw(path: Path, pieces: list[tuple[str, float]], y: float = 700.0) -> None:
    """A page with a line of prose (spaces drawn as glyphs) and a line of pieces, each drawn at its own x."""
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica", SIZE)
    canvas.drawString(50, 750, PROSE)
    canvas.drawString(50, 735, PROSE)
    x = 50.0
    for text, gap_after in pieces:
        canvas.drawString(x, y, text)
        x += canvas.stringWidth(text, "Helvetica", SIZE) + gap_after
    canvas.save()


def line_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    textpage = page.get_textpage()
    runs = text_runs(textpage, 1, page.get_size()[1])
    texts = [segment.text for segment in runs_to_segments(runs, LayoutSettings())]
    textpage.close(), page.close(), document.close()
    return texts


def test_bare_gaps_inside_names_and_words_are_closed_and_real_words_kept_apart(tmp_path: Path) -> None:
    pdf = tmp_path / "spaced.pdf"
    draw(pdf, [("Bergstrom H, Ny", 3.2), ("borg C. Ef", 3.2), ("f", 3.2), ("icacy of the ", 0.0), ("fiv", 3.2), ("e", 3.6), ("y", 3.2), ("ears.", 0.0)])
    texts = line_texts(pdf)
    assert "Bergstrom H, Nyborg C. Efficacy of the five years." in texts, texts
    assert PROSE in texts


def test_a_superscript_citation_after_a_word_stays_apart(tmp_path: Path) -> None:
    pdf = tmp_path / "cited.pdf"
    canvas = Canvas(str(pdf), pagesize=(595, 842))
    canvas.setFont("Helvetica", SIZE)
    canvas.drawString(50, 750, PROSE)
    canvas.drawString(50, 735, PROSE)
    canvas.drawString(50, 700, "six economic ev")
    width = canvas.stringWidth("six economic ev", "Helvetica", SIZE)
    canvas.drawString(50 + width + 3.2, 700, "aluations")
    end = 50 + width + 3.2 + canvas.stringWidth("aluations", "Helvetica", SIZE)
    canvas.setFont("Helvetica", 5.5)
    canvas.drawString(end + 0.3, 704, "10-15")
    canvas.save()
    texts = line_texts(pdf)
    assert any(text.startswith("six economic evaluations 10-15") for text in texts), texts


def test_table_pages_read_by_pdfplumber_judge_bare_gaps_alike(tmp_path: Path) -> None:
    from extract.readers.plumber import plumber_document, read_table_page

    pdf = tmp_path / "spaced.pdf"
    draw(pdf, [("Bergstrom H, Ny", 3.2), ("borg C. Ef", 3.2), ("f", 3.2), ("icacy of the ", 0.0), ("fiv", 3.2), ("e", 3.6), ("y", 3.2), ("ears.", 0.0)])
    with plumber_document(pdf) as document:
        page = read_table_page(document, 1, (), LayoutSettings())
    line = [word.text for word in sorted(page.words, key=lambda w: w.bbox.x0) if abs(word.bbox.top - page.words[-1].bbox.top) < 2]
    assert line == ["Bergstrom", "H,", "Nyborg", "C.", "Efficacy", "of", "the", "five", "years."]


def test_ligature_glyphs_read_as_their_letters_in_both_readers(tmp_path: Path) -> None:
    """MuPDF and typesetters draw `fi` and `fl` as one ligature glyph (U+FB01, U+FB02): the text is the letters."""
    import os

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from extract.readers.pdf import read_pdf
    from extract.settings import Limits

    pdfmetrics.registerFont(TTFont("VeraLigatures", os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))
    pdf = tmp_path / "ligatures.pdf"
    canvas = Canvas(str(pdf), pagesize=(595, 842))
    canvas.setFont("VeraLigatures", SIZE)
    canvas.drawString(50, 750, "Table 2: Summary of Included Studies")
    canvas.drawString(50, 735, "Effects were signi\ufb01cant in the \ufb02ow study")
    canvas.save()
    assert "Effects were significant in the flow study" in line_texts(pdf)
    [page] = read_pdf(pdf, Limits(), every_page=True).pages
    assert {"significant", "flow"} <= {word.text for word in page.words}


def test_a_space_the_producer_left_out_after_a_glyph_the_page_sets_tight_parts_the_words(tmp_path: Path) -> None:
    """A redraw (cairo's) may keep most space glyphs and leave one out as a bare gap: after an `e`
    that the page sets tight everywhere else, that gap is a word break, even before a word no
    lexicon knows; both readers agree."""
    from extract.readers.plumber import plumber_document, read_table_page

    pdf = tmp_path / "left-out.pdf"
    draw(pdf, [("Patients given the", 2.5), ("zorbitide group.", 0.0)])
    assert "Patients given the zorbitide group." in line_texts(pdf)
    with plumber_document(pdf) as document:
        page = read_table_page(document, 1, (), LayoutSettings())
    line = [word.text for word in sorted(page.words, key=lambda w: w.bbox.x0) if abs(word.bbox.top - page.words[-1].bbox.top) < 2]
    assert line == ["Patients", "given", "the", "zorbitide", "group."]
