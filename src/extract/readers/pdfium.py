"""Every page's text runs, read with pdfium: cheap enough to read every page of every report.

pdfium's text rectangles are runs of same-line glyphs; their text, font size and weight are
all the layout stage needs to cut a page into blocks and find its running furniture. A run's
font facts are read through pdfium's C API, so no page is parsed by pdfminer here.
"""

from __future__ import annotations

import ctypes
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extract.errors import UnreadableReport
from extract.layout.furniture import edge_lines, edge_zone, furniture_key
from extract.layout.lines import TextLine
from extract.model import BBox
from extract.readers.guard import classify_exception
from extract.readers.quality import SHOWN_TEXT_CHARS, TextCounts, text_counts
from extract.settings import LayoutSettings, Limits


BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
PdfiumDocument = pdfium.PdfDocument


@contextmanager
def pdfium_document(path: Path, limits: Limits) -> Iterator[PdfiumDocument]:
    """The PDF opened with pypdfium2, once its page count is known to be within the limits."""
    document = pdfium.PdfDocument(str(path))
    try:
        n_pages = len(document)
        if n_pages == 0:
            raise UnreadableReport("no_pages", "the PDF has no pages", str(path))
        if n_pages > limits.max_pages:
            raise UnreadableReport("too_large", f"{n_pages} pages exceed the limit of {limits.max_pages}", str(path))
        yield document
    finally:
        document.close()


@contextmanager
def pdfium_textpage(document: PdfiumDocument, page_no: int, path: Path) -> Iterator[tuple[pdfium.PdfTextPage, float, float]]:
    """One page's text layer with the page's width and height, closed after use."""
    page = _pdfium_page(document, page_no - 1, path)
    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        yield textpage, float(width), float(height)
    finally:
        textpage.close()
        page.close()


def _pdfium_page(document: PdfiumDocument, index: int, path: Path) -> pdfium.PdfPage:
    """One pdfium page, or UnreadableReport naming the page pdfium cannot load."""
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise classify_exception(exc, path, index + 1) from exc


@dataclass(frozen=True, slots=True)
class PageSurvey:
    """What the first pass keeps of a page: its size, its edge lines' furniture keys, and where its body text starts."""

    width: float
    height: float
    edge_lines: tuple[tuple[tuple[str, str], float], ...]  # (furniture key, left x) of each run near the top or bottom
    body_left: float  # left x of the leftmost run away from the edges; inf when there is none
    text: TextCounts  # what the text-layer checks count in the page's text


def survey_pages(document: PdfiumDocument, path: Path, settings: LayoutSettings) -> tuple[list[PageSurvey], str]:
    """Every page's survey, and how the document's text starts (for an error message)."""
    surveys: list[PageSurvey] = []
    head = ""
    for page_no in range(1, len(document) + 1):
        with pdfium_textpage(document, page_no, path) as (textpage, width, height):
            text = textpage.get_text_range()
            surveys.append(survey_page(textpage, width, height, text_counts(text), settings))
        if len(head.strip()) < SHOWN_TEXT_CHARS:
            head = f"{head}\n{text}" if page_no > 1 else text
    return surveys, head


def survey_page(textpage: pdfium.PdfTextPage, width: float, height: float, counts: TextCounts, settings: LayoutSettings) -> PageSurvey:
    """A page's survey, read cheaply: text only for the runs near the edges, and for the leftmost body runs until one has any."""
    edge_runs: list[TextLine] = []
    body_rects: list[tuple[float, float, float, float]] = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        box = BBox(left, height - top, right, height - bottom)
        if edge_zone(box, height, settings) is None:
            body_rects.append((left, bottom, right, top))
        elif text := run_text(textpage, left, bottom, right, top):
            edge_runs.append(TextLine(text, box, 0, 0.0, False))
    keyed = tuple((key, line.bbox.x0) for line in edge_lines(edge_runs, height, settings) if (key := furniture_key(line, height, settings)))
    body_left = next((rect[0] for rect in sorted(body_rects) if run_text(textpage, *rect)), math.inf)
    return PageSurvey(width, height, keyed, body_left, counts)


def text_runs(textpage: pdfium.PdfTextPage, page_no: int, height: float) -> list[TextLine]:
    """pdfium's text rectangles (one per run of same-line glyphs) as top-left-origin lines."""
    runs: list[TextLine] = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = run_text(textpage, left, bottom, right, top)
        if not text:
            continue
        char_index = _run_char_index(textpage, left, bottom, right, top)
        size, bold = _font_facts(textpage, char_index) if char_index is not None else (0.0, False)
        runs.append(TextLine(text, BBox(left, height - top, right, height - bottom), page_no, size, bold))
    return runs


def run_text(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text of one rectangle, read from a slightly shrunken box.

    pdfium takes every glyph whose box touches the query box, so a neighbouring run that starts
    a fraction of a point before this one ends lent its first letter ('Publication Date: A' /
    'August'); once runs on a line are joined, that letter would be read twice.
    """
    inset_x, inset_y = min(0.5, (right - left) / 4), 0.1 * (top - bottom)
    return textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y).strip()


def _run_char_index(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> int | None:
    """Index of a visible glyph inside a text rectangle, probed at several points along its x-height band.

    One probe at the left edge misses often (a narrow first glyph, a generated space), which left
    runs without a font size, and a run without a size could not be joined to its neighbours.
    """
    y = bottom + 0.35 * (top - bottom)
    for share in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = min(left + 0.5 + share * (right - left), right - 0.5)
        index = textpage.get_index(x, y, 2.0, 2.0)
        if index is not None and index >= 0 and not textpage.get_text_range(index, 1).isspace():
            return int(index)
    return None


def _font_facts(textpage: pdfium.PdfTextPage, char_index: int) -> tuple[float, bool]:
    """Size and boldness of one character, read through pdfium's C API (no pdfminer parse)."""
    size = float(pdfium_raw.FPDFText_GetFontSize(textpage.raw, char_index))
    weight = int(pdfium_raw.FPDFText_GetFontWeight(textpage.raw, char_index))
    name_buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    pdfium_raw.FPDFText_GetFontInfo(textpage.raw, char_index, name_buffer, 128, ctypes.byref(flags))
    return size, weight >= 600 or BOLD_FONT.search(name_buffer.value.decode("latin-1", "replace")) is not None
