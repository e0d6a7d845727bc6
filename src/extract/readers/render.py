"""Pages drawn to PNG with boxes outlined on them: `inspect`'s pictures and the review page's crops.

pdfium renders (fast, and no text layer is parsed); every image is bounded by a pixel budget, so
no page size can exhaust memory. Boxes are in the extractor's coordinates: PDF points, top-left.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pypdfium2 as pdfium
from PIL import ImageDraw

from extract.model import BBox
from extract.settings import Limits

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Overlay:
    """Boxes to outline on one page in one colour (RGBA)."""

    boxes: tuple[BBox, ...]
    stroke: tuple[int, int, int, int]
    width: int = 1


def render_resolution(width_pt: float, height_pt: float, limits: Limits, wanted_dpi: float = 110.0) -> float:
    """The highest resolution up to `wanted_dpi` whose image stays within limits.max_render_pixels."""
    pixels_at_72 = max(width_pt * height_pt, 1.0)
    return min(wanted_dpi, POINTS_PER_INCH * (limits.max_render_pixels / pixels_at_72) ** 0.5)


def bounded_scale(region: BBox, max_pixels: int, wanted_scale: float) -> float:
    """The largest scale up to `wanted_scale` whose rendering of the region stays within max_pixels."""
    area = max(region.width, 1.0) * max(region.height, 1.0)
    return min(wanted_scale, math.sqrt(max_pixels / area))


def region_around(box: BBox, page_width: float, page_height: float, margin: float) -> BBox:
    """A box grown by a margin on every side, kept on the page."""
    return BBox(
        max(0.0, box.x0 - margin),
        max(0.0, box.top - margin),
        min(page_width, box.x1 + margin),
        min(page_height, box.bottom + margin),
    )


def render_png(
    path: Path, page_no: int, overlays: Sequence[Overlay], max_pixels: int, wanted_scale: float,
    focus: BBox | None = None, margin: float = 0.0,
) -> bytes:
    """One page, or the region around `focus`, as a PNG with the overlays outlined, within max_pixels."""
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[page_no - 1]
        width, height = page.get_size()
        shown = region_around(focus, width, height, margin) if focus is not None else BBox(0.0, 0.0, width, height)
        scale = bounded_scale(shown, max_pixels, wanted_scale)
        crop = (shown.x0, height - shown.bottom, width - shown.x1, shown.top)
        image = page.render(scale=scale, crop=crop).to_pil().convert("RGBA")
        draw = ImageDraw.Draw(image, "RGBA")
        for overlay in overlays:
            for box in overlay.boxes:
                left, right = sorted(((box.x0 - shown.x0) * scale, (box.x1 - shown.x0) * scale))
                top, bottom = sorted(((box.top - shown.top) * scale, (box.bottom - shown.top) * scale))
                draw.rectangle([left, top, right, bottom], outline=overlay.stroke, width=overlay.width)  # a rule's box may be inverted by a rounding
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()


def draw_page_overlays(path: Path, page_no: int, overlays: Sequence[Overlay], out_path: Path, limits: Limits, wanted_dpi: float = 110.0) -> Path:
    """Write one page as a PNG with the overlays outlined, within the run's pixel budget."""
    out_path.write_bytes(render_png(path, page_no, overlays, limits.max_render_pixels, wanted_dpi / POINTS_PER_INCH))
    return out_path
