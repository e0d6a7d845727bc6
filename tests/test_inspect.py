"""`inspect` draws what the table finder saw onto page images, within the render limit."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from extract.inspect import inspect_pdf
from extract.readers.render import render_resolution
from extract.settings import Limits


def drawn_table(path: Path) -> Path:
    """A one-page PDF with a caption and a small ruled table."""
    canvas = Canvas(str(path), pagesize=(612, 792))
    canvas.setFont("Helvetica-Bold", 10)
    canvas.drawString(54, 720, "Table 2: Summary of Included Studies")
    canvas.setFont("Helvetica", 9)
    for x, text in zip((57, 207, 357), ("First Author, Year", "Population", "Results")):
        canvas.drawString(x, 700, text)
        canvas.drawString(x, 680, "Okafor (2016)" if x == 57 else "Adult women")
    canvas.rect(54, 670, 450, 44)
    canvas.line(54, 692, 504, 692)
    for x in (204, 354):
        canvas.line(x, 670, x, 714)
    canvas.save()
    return path


def test_inspect_writes_one_png_per_table_page_with_overlays(tmp_path: Path) -> None:
    pdf = drawn_table(tmp_path / "one-ruled-table.pdf")
    [png] = inspect_pdf(pdf, tmp_path / "out", limits=Limits())
    image = Image.open(png).convert("RGB")
    reds = sum(count for count, (r, g, b) in image.getcolors(1 << 24) if r > 200 and g < 40 and b < 40)
    assert png.name == "one-ruled-table-page-001.png" and reds > 100


def test_render_resolution_keeps_the_image_within_the_pixel_limit() -> None:
    limits = Limits(max_render_pixels=1_000_000)
    dpi = render_resolution(612, 792, limits)
    assert (612 * dpi / 72) * (792 * dpi / 72) <= 1_000_000 * 1.0001
    assert render_resolution(612, 792, Limits()) == 110.0
