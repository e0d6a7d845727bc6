"""Every page's text runs, read with pdfium: cheap enough to read every page of every report.

pdfium's text rectangles are runs of same-line glyphs; their text, font size and weight are
all the layout stage needs to cut a page into blocks and find its running furniture. A run's
font facts are read through pdfium's C API, so no page is parsed by pdfminer here.
"""

from __future__ import annotations

import ctypes
import math
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extract.errors import UnreadableReport
from extract.layout.furniture import edge_lines, edge_zone, furniture_key
from extract.layout.bullets import is_bullet_mark, marked_starts
from extract.layout.lines import TextLine
from extract.text.clean import BULLET, is_bullet_glyph
from extract.model import BBox
from extract.readers.glyphs import PDFIUM_TEXT, Rect, font_facts, glyph_stream, stream_runs
from extract.readers.guard import classify_exception
from extract.readers.quality import SHOWN_TEXT_CHARS, TextCounts, text_counts
from extract.settings import LayoutSettings, Limits


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
    body_rects: list[Rect] = []
    for left, bottom, right, top in text_rects(textpage):
        box = BBox(left, height - top, right, height - bottom)
        if edge_zone(box, height, settings) is None:
            body_rects.append((left, bottom, right, top))
        elif text := run_text(textpage, left, bottom, right, top):
            edge_runs.append(TextLine(text, box, 0, 0.0, False))
    keyed = tuple((key, line.bbox.x0) for line in edge_lines(edge_runs, height, settings) if (key := furniture_key(line, height, settings)))
    body_left = next((rect[0] for rect in sorted(body_rects) if run_text(textpage, *rect)), math.inf)
    return PageSurvey(width, height, keyed, body_left, counts)


def text_runs(textpage: pdfium.PdfTextPage, page_no: int, height: float) -> list[TextLine]:
    """pdfium's text rectangles (one per run of same-line glyphs) as top-left-origin lines.

    On a page that writes its word spaces as glyphs, the spaces pdfium generated at bare gaps
    between letters are gaps inside words (`layout.spacing`): such a page's runs are read from
    its glyph stream (`stream_runs`) so those gaps can be closed."""
    rects = text_rects(textpage)
    stream = glyph_stream(textpage, height)
    runs = stream_runs(textpage, rects, stream, page_no, height) if stream is not None else rect_runs(textpage, rects, page_no, height)
    return with_drawn_bullets(runs, drawn_marks(textpage.page, height))


# Text drawn glyph by glyph (Chromium's Skia) leaves pdfium one ink-tight rectangle per glyph: glyph-wide
# rectangles on one line closer than this share of its height (in a word: yes; at a cell gap: no) are one run.
GLYPH_RUN_GAP = 0.6
GLYPH_WIDTH = 2.0  # a rectangle no wider than this many times its height may hold a single glyph (a bold m)


def text_rects(textpage: pdfium.PdfTextPage) -> list[Rect]:
    """pdfium's text rectangles, those of text drawn glyph by glyph joined into runs (`joined_glyph_rects`)."""
    return joined_glyph_rects([textpage.get_rect(index) for index in range(textpage.count_rects())])


def joined_glyph_rects(rects: Sequence[Rect]) -> list[Rect]:
    """Rectangles with each run of glyph-wide ones joined into one, in order: a glyph joins the
    rectangle before it when that one was built from glyphs only, shares its line and is close by."""
    joined: list[Rect] = []
    glyphwise: list[bool] = []
    for rect in rects:
        left, bottom, right, top = rect
        line_height = max(top - bottom, joined[-1][3] - joined[-1][1] if joined else 0.0)  # a hyphen's ink is flat
        narrow = right - left <= GLYPH_WIDTH * line_height
        if joined and narrow and glyphwise[-1] and _glyph_goes_on(joined[-1], rect):
            before = joined[-1]
            joined[-1] = (min(before[0], left), min(before[1], bottom), max(before[2], right), max(before[3], top))
        else:
            joined.append(tuple(rect))  # type: ignore[arg-type]
            glyphwise.append(narrow)
    return joined


def _glyph_goes_on(run: Rect, glyph: Rect) -> bool:
    """Whether a glyph's rectangle goes on the run before it: on its line, and close by."""
    heights = (run[3] - run[1], glyph[3] - glyph[1])
    overlap = min(run[3], glyph[3]) - max(run[1], glyph[1])
    return overlap > 0.5 * min(heights) and -0.5 * max(heights) <= glyph[0] - run[2] <= GLYPH_RUN_GAP * max(heights)  # kerned: overlapping


def rect_runs(textpage: pdfium.PdfTextPage, rects: Sequence[Rect], page_no: int, height: float) -> list[TextLine]:
    """Each text rectangle as a run, its text as pdfium reads it."""
    runs: list[TextLine] = []
    for index, (left, bottom, right, top) in enumerate(rects):
        read_left, read_right = unshared_span(rects, index)
        text = run_text(textpage, read_left, bottom, read_right, top)
        if not text:
            continue
        char_index = _run_char_index(textpage, left, bottom, right, top)
        size, bold = font_facts(textpage, char_index) if char_index is not None else (0.0, False)
        runs.append(TextLine(text, BBox(left, height - top, right, height - bottom), page_no, size, bold))
    return runs


# A neighbour on the line overlapping a rectangle by less than this share of the line's height is
# a kerned pair split between two text objects (Chromium splits its text at kerning pairs: `T|ype`).
KERNED_OVERLAP = 0.5
KERN_CLEARANCE = 0.1  # points kept clear of a kerned neighbour's glyph


def unshared_span(rects: Sequence[Rect], index: int) -> tuple[float, float]:
    """The left and right of a rectangle less the stretch a kerned neighbour overlaps it by.

    pdfium reads every glyph whose box touches the box it is asked about, so the two rectangles
    of a kerned pair split between text objects (`T` and `ype`, the `y` tucked under the `T`)
    would each read the other's glyph: `Ty` `Type`. Read apart from the overlap, each reads its own.
    """
    left, bottom, right, top = rects[index]
    height = top - bottom
    if index > 0 and _kerned(rects[index - 1], rects[index], height):
        left = rects[index - 1][2] + KERN_CLEARANCE
    if index + 1 < len(rects) and _kerned(rects[index], rects[index + 1], height):
        right = rects[index + 1][0] - KERN_CLEARANCE
    return left, max(left, right)


def _kerned(before: Rect, after: Rect, height: float) -> bool:
    """Whether `after` starts on `before`'s line a little before `before` ends."""
    shared = min(before[3], after[3]) - max(before[1], after[1])
    overlap = before[2] - after[0]
    return shared > 0.5 * height and 0 < overlap < KERNED_OVERLAP * height and after[0] > before[0] and after[2] > before[2]


def drawn_marks(page: pdfium.PdfPage, height: float) -> list[BBox]:
    """Small filled path objects (bullets drawn as dots or squares), top-left origin."""
    marks = []
    for shape in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_PATH,), max_depth=4):
        fill, stroke = ctypes.c_int(0), ctypes.c_int(0)
        pdfium_raw.FPDFPath_GetDrawMode(shape.raw, ctypes.byref(fill), ctypes.byref(stroke))
        left, bottom, right, top = shape.get_bounds()
        box = BBox(left, height - top, right, height - bottom)
        if fill.value and is_bullet_mark(box):
            marks.append(box)
    return marks


def with_drawn_bullets(runs: list[TextLine], marks: Sequence[BBox]) -> list[TextLine]:
    """Runs opened by a drawn bullet begin with the bullet glyph, as if the page had printed it."""
    opened = {index for _, index in marked_starts(marks, [run.bbox for run in runs], [run.size for run in runs])}
    return [_with_text(run, f"{BULLET} {run.text}") if index in opened and not is_bullet_glyph(run.text[:1]) else run for index, run in enumerate(runs)]


def _with_text(run: TextLine, text: str) -> TextLine:
    """A run with other text, same box and font facts."""
    return TextLine(text, run.bbox, run.page_no, run.size, run.bold)


def run_text(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text of one rectangle, read from a slightly shrunken box.

    pdfium takes every glyph whose box touches the query box, so a neighbouring run that starts
    a fraction of a point before this one ends lent its first letter ('Publication Date: A' /
    'August'); once runs on a line are joined, that letter would be read twice.
    """
    inset_x, inset_y = min(0.5, (right - left) / 4), 0.1 * (top - bottom)
    return textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y).translate(PDFIUM_TEXT).strip()


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
