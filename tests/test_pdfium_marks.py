"""pdfium's runs carry what the page draws around the words: bullets drawn as shapes open their
list items, and a hyphen pdfium took for a line-break hyphen reads as the hyphen the page drew.

The page is drawn here with reportlab, so the marks are exactly where the test puts them.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from extract.layout.bullets import is_bullet_mark, marked_starts
from extract.model import BBox
from test_pdfium_spacing import PROSE, SIZE, line_texts


def prose_page(path: Path) -> Canvas:
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica", SIZE)
    for y in (750, 735, 720):
        canvas.drawString(50, y, PROSE)
    return canvas


def test_bullets_drawn_as_dots_open_their_items(tmp_path: Path) -> None:
    pdf = tmp_path / "dots.pdf"
    canvas = prose_page(pdf)
    for y, item in ((700, "Hospital readmission decreased"), (688, "Fewer patients reported serious AEs")):
        canvas.circle(53, y + 3, 1.5, stroke=0, fill=1)
        canvas.drawString(60, y, item)
    canvas.rect(300, 600, 120, 40, stroke=0, fill=1)  # a filled box far bigger than a bullet marks nothing
    canvas.drawString(430, 620, "Beside a shaded box")
    canvas.save()
    texts = line_texts(pdf)
    assert "• Hospital readmission decreased" in texts and "• Fewer patients reported serious AEs" in texts, texts
    assert "Beside a shaded box" in texts and PROSE in texts


def test_a_line_break_hyphen_reads_as_the_hyphen_drawn(tmp_path: Path) -> None:
    pdf = tmp_path / "hyphen.pdf"
    canvas = prose_page(pdf)
    canvas.drawString(50, 660, "The included studies reported on the treat-")
    canvas.drawString(50, 649, "ment of patients with severe asthma in hospital")
    canvas.save()
    texts = line_texts(pdf)
    assert "The included studies reported on the treat-" in texts, texts
    assert not any("\x02" in text or "\ufffe" in text for text in texts)


def test_a_mark_opens_the_nearest_text_on_its_line_only() -> None:
    mark = BBox(50, 100, 53, 103)
    boxes = [BBox(80, 98, 200, 107), BBox(57, 98, 75, 107), BBox(57, 120, 200, 129), BBox(90, 98, 120, 107)]
    assert marked_starts([mark], boxes, [9.0] * 4) == [(mark, 1)]
    assert marked_starts([mark], [BBox(90, 98, 200, 107)], [9.0]) == []  # too far right: not its item
    assert is_bullet_mark(mark) and is_bullet_mark(BBox(0, 0, 5, 5))
    assert not is_bullet_mark(BBox(0, 0, 0.4, 0.4)) and not is_bullet_mark(BBox(0, 0, 120, 3))  # a speck, a rule
