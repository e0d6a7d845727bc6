"""The source in front of the steward: text around a row or a value, or a bounded crop of the PDF page."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium

from extract.meta.sections import section_key
from extract.model import BBox
from extract.readers.render import Overlay, render_png
from extract.review.geometry import union

CONTEXT_LINES = 8
ROW_LINES = 40  # a text report's row is shown down to the next row, and never longer than this
CROP_MARGIN_PT = 36.0
MAX_SCALE = 2.0
CELL_OUTLINE = (220, 30, 30, 255)
ROW_OUTLINE = (30, 90, 200, 255)


def text_context(source: str, needles: list[str], lines: int = CONTEXT_LINES) -> str | None:
    """The lines around the first needle found in a text report, or None if none is found.

    A needle matches across line wraps: any run of whitespace in it matches any other.
    """
    all_lines = source.splitlines()
    found = first_found(source, needles)
    if found is None:
        return None
    number = source.count("\n", 0, found)
    start, end = max(0, number - 2), min(len(all_lines), number + lines)
    return "\n".join(all_lines[start:end])


def needle_pattern(needle: str) -> re.Pattern[str]:
    """A needle as a pattern in which any run of whitespace matches any other (text wraps anywhere)."""
    return re.compile(r"\s+".join(re.escape(part) for part in needle.split()), re.IGNORECASE)


def first_found(source: str, needles: Sequence[str], after: int = 0) -> int | None:
    """Where the first needle that occurs in the source (at or after `after`) starts."""
    for needle in (n for n in needles if n.strip()):
        found = needle_pattern(needle).search(source, after)
        if found:
            return found.start()
    return None


def row_text(source: str, needles: Sequence[str], others: Sequence[Sequence[str]], lines: int = ROW_LINES) -> str | None:
    """A text report's whole study row: from where the row is printed down to where the next row starts.

    `needles` find this row (its author and year as printed); `others` find each other row of the
    report, the nearest after this one ending it.
    """
    start = first_found(source, needles)
    if start is None:
        return None
    ends = [found for other in others if (found := first_found(source, other, start + 1)) is not None]
    line_start = source.rfind("\n", 0, start) + 1
    end = min(ends) if ends else len(source)
    shown = source[line_start:end].rstrip().splitlines()
    return "\n".join(shown[:lines])


def section_text(source: str, key: str, lines: int = 14) -> str | None:
    """A text report's section (`key_findings`, `summary_of_findings`, …) from its heading on."""
    all_lines = source.splitlines()
    for number, line in enumerate(all_lines):
        if section_key(line) == key:
            return "\n".join(all_lines[number:number + lines])
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


@dataclass(frozen=True)
class PdfFacts:
    """What the page needs to know of a PDF before drawing it: page sizes, and where each section begins."""

    sizes: tuple[tuple[float, float], ...]
    sections: Mapping[str, tuple[int, BBox]]  # section key → page and the box from its heading down


def line_spans(text: str) -> list[tuple[int, str]]:
    """Each line of a page's text with the index of its first character."""
    spans, offset = [], 0
    for line in text.split("\n"):
        spans.append((offset, line))
        offset += len(line) + 1
    return spans


def text_box(textpage: pdfium.PdfTextPage, first: int, count: int, height: float) -> BBox | None:
    """The box of some characters of a page (top-left points), leaving out those without extent."""
    boxes = [textpage.get_charbox(i) for i in range(first, first + count)]
    inked = [BBox(b[0], height - b[3], b[2], height - b[1]) for b in boxes if b[2] > b[0]]
    return union(inked) if inked else None


def page_sections(page: pdfium.PdfPage, page_no: int, found: dict[str, tuple[int, BBox]]) -> None:
    """Add the sections whose heading is on this page (each section's first heading only)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        heads = []
        for offset, line in line_spans(textpage.get_text_range()):
            key = section_key(line.strip())
            box = text_box(textpage, offset, len(line.rstrip()), height) if key else None
            if key and box is not None:
                heads.append((key, box))
        for index, (key, box) in enumerate(heads):
            below = heads[index + 1][1].top if index + 1 < len(heads) else height - box.x0
            found.setdefault(key, (page_no, BBox(box.x0, box.top, max(box.x1, width - box.x0), max(box.bottom, below))))
    finally:
        textpage.close()


@lru_cache(maxsize=64)
def _pdf_facts(path: str, stamp: object) -> PdfFacts:
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return PdfFacts((), {})
    try:
        sizes, sections = [], {}  # type: ignore[var-annotated]
        for index in range(len(document)):
            page = document[index]
            sizes.append(tuple(float(v) for v in page.get_size()))
            page_sections(page, index + 1, sections)
        return PdfFacts(tuple(sizes), sections)
    finally:
        document.close()


def pdf_facts(path: Path, stamp: object) -> PdfFacts:
    """A PDF's page sizes and section headings, read once per version of the file (`stamp`)."""
    return _pdf_facts(str(path), stamp)


def render_region(
    pdf_path: Path, page_no: int, focus: BBox, outline: Sequence[BBox], mark: Sequence[BBox], max_pixels: int
) -> bytes:
    """A PNG of the page around `focus`: rows outlined in blue, failing cells in red; never larger than max_pixels."""
    width, height = page_size(pdf_path, page_no)
    if focus.x0 > width or focus.top > height or focus.x1 < 0 or focus.bottom < 0:
        raise CropRefused(400, f"Refused: the box lies off page {page_no} ({width:g} × {height:g} points).")
    overlays = [Overlay(tuple(outline), ROW_OUTLINE, 2), Overlay(tuple(mark), CELL_OUTLINE, 3)]
    return render_png(pdf_path, page_no, overlays, max_pixels, MAX_SCALE, focus=focus, margin=CROP_MARGIN_PT)
