"""Font sizes of pdfium's runs: a font set at unit size and scaled by its text matrix (cairo's way,
the PDF writer Firefox, GTK and Inkscape print through) reads at the size it is drawn at."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from reportlab.pdfgen.canvas import Canvas

from extract.readers.pdfium import text_runs


def draw_unit_font(path: Path, lines: list[tuple[str, float, float]]) -> None:
    """Each (text, size, baseline) line set in Helvetica at size 1, its text matrix scaled to `size`."""
    canvas = Canvas(str(path), pagesize=(400, 300))
    for text, size, baseline in lines:
        obj = canvas.beginText()
        obj.setFont("Helvetica", 1)
        obj.setTextTransform(size, 0, 0, size, 40, baseline)
        obj.textOut(text)
        canvas.drawText(obj)
    canvas.save()


def test_a_font_set_at_unit_size_reads_at_its_drawn_size(tmp_path: Path) -> None:
    path = tmp_path / "unit.pdf"
    draw_unit_font(path, [("Hyaluronic acid for heart", 24.0, 250.0), ("failure: Clinical Effectiveness", 24.0, 222.0), ("Version 1.0", 10.0, 180.0)])
    page = pdfium.PdfDocument(str(path))[0]
    runs = text_runs(page.get_textpage(), 1, page.get_height())
    assert [(run.text, round(run.size)) for run in runs] == [
        ("Hyaluronic acid for heart", 24), ("failure: Clinical Effectiveness", 24), ("Version 1.0", 10),
    ]
