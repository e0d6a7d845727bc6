"""The source in front of the steward: text around a value, or a bounded crop of the PDF page."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium

from extract.model import BBox
from extract.readers.render import Overlay, render_png

CONTEXT_LINES = 8
CROP_MARGIN_PT = 36.0
MAX_SCALE = 2.0
CELL_OUTLINE = (220, 30, 30, 255)


def text_context(source: str, needles: list[str], lines: int = CONTEXT_LINES) -> str | None:
    """The lines around the first needle found in a text report, or None if none is found.

    A needle matches across line wraps: any run of whitespace in it matches any other.
    """
    all_lines = source.splitlines()
    for needle in (n for n in needles if n.strip()):
        pattern = re.compile(r"\s+".join(re.escape(part) for part in needle.split()), re.IGNORECASE)
        found = pattern.search(source)
        if found:
            number = source.count("\n", 0, found.start())
            start, end = max(0, number - 2), min(len(all_lines), number + lines)
            return "\n".join(all_lines[start:end])
    return None


class CropRefused(ValueError):
    """A crop that cannot be drawn: a page the PDF does not have, a box off the page, or a PDF pdfium cannot open."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def page_size(pdf_path: Path, page_no: int) -> tuple[float, float]:
    """A page's width and height in points, or CropRefused when the PDF has no such page."""
    try:
        document = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as error:
        raise CropRefused(422, f"The source PDF cannot be opened to draw a crop ({error}).") from None
    try:
        if not 1 <= page_no <= len(document):
            raise CropRefused(400, f"Refused: page {page_no} is not in this report ({len(document)} pages).")
        width, height = document[page_no - 1].get_size()
        return float(width), float(height)
    finally:
        document.close()


def render_cell_crop(pdf_path: Path, page_no: int, bbox: BBox, max_pixels: int) -> bytes:
    """A PNG of the page region around a cell, the cell outlined; never larger than max_pixels."""
    width, height = page_size(pdf_path, page_no)
    if bbox.x0 > width or bbox.top > height or bbox.x1 < 0 or bbox.bottom < 0:
        raise CropRefused(400, f"Refused: the box lies off page {page_no} ({width:g} × {height:g} points).")
    outline = Overlay((bbox,), CELL_OUTLINE, 3)
    return render_png(pdf_path, page_no, [outline], max_pixels, MAX_SCALE, focus=bbox, margin=CROP_MARGIN_PT)
