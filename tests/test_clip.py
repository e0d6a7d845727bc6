"""Text and rules a page clips out of sight are not read (wkhtmltopdf draws each page through a clip)."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from extract.readers.pdf import read_pdf
from extract.settings import Limits

HEIGHT = 792.0


def clipped_page(path: Path) -> None:
    """A page clipped to (50, 100)-(550, 700): one line inside, one below it, a rule above it and
    a rule across it; after the clip is restored, a line below it again."""
    canvas = Canvas(str(path), pagesize=(612, HEIGHT))
    canvas.setFont("Helvetica", 10)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(50, 100, 500, 600)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.drawString(60, 600, "Visible words inside")
    canvas.drawString(60, 60, "Hidden words below")
    canvas.line(60, 750, 500, 750)
    canvas.line(300, 50, 300, 750)
    canvas.restoreState()
    canvas.drawString(60, 40, "After the restore")
    canvas.save()


def test_clipped_text_and_rules_are_left_out_and_a_crossing_rule_is_cut(tmp_path: Path) -> None:
    pdf = tmp_path / "clipped.pdf"
    clipped_page(pdf)
    [page] = read_pdf(pdf, Limits(), every_page=True).pages
    texts = {word.text for word in page.words}
    assert {"Visible", "inside", "After", "restore"} <= texts
    assert not {"Hidden", "below"} & texts
    assert [r for r in page.rulings if r.orientation == "h"] == []
    [vertical] = [r for r in page.rulings if r.orientation == "v"]
    assert (round(vertical.bbox.top), round(vertical.bbox.bottom)) == (HEIGHT - 700, HEIGHT - 100)
