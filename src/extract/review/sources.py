"""The source in front of the steward: text around a value, or a bounded crop of the PDF page."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

from extract.model import BBox

CONTEXT_LINES = 8
CROP_MARGIN_PT = 36.0
MAX_SCALE = 2.0


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


def crop_box(bbox: BBox, page_width: float, page_height: float, margin: float = CROP_MARGIN_PT) -> BBox:
    """The region to show around a cell: the cell plus a margin, kept on the page."""
    return BBox(
        max(0.0, bbox.x0 - margin),
        max(0.0, bbox.top - margin),
        min(page_width, bbox.x1 + margin),
        min(page_height, bbox.bottom + margin),
    )


def render_scale(region: BBox, max_pixels: int) -> float:
    """The largest scale (≤ MAX_SCALE) whose rendering of the region stays within max_pixels."""
    area = max(region.width, 1.0) * max(region.height, 1.0)
    return min(MAX_SCALE, math.sqrt(max_pixels / area))


def render_cell_crop(pdf_path: Path, page_no: int, bbox: BBox, max_pixels: int) -> bytes:
    """A PNG of the page region around a cell, the cell outlined; never larger than max_pixels."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[page_no - 1]
        width, height = page.get_size()
        region = crop_box(bbox, width, height)
        scale = render_scale(region, max_pixels)
        crop = (region.x0, height - region.bottom, width - region.x1, region.top)
        image = page.render(scale=scale, crop=crop).to_pil().convert("RGB")
        outline = [(bbox.x0 - region.x0) * scale, (bbox.top - region.top) * scale,
                   (bbox.x1 - region.x0) * scale, (bbox.bottom - region.top) * scale]
        ImageDraw.Draw(image).rectangle(outline, outline=(220, 30, 30), width=3)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()
