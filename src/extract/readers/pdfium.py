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
from typing import Iterator, Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extract.errors import UnreadableReport
from extract.layout.furniture import edge_lines, edge_zone, furniture_key
from extract.layout.bullets import is_bullet_mark, marked_starts
from extract.layout.lines import TextLine
from extract.layout.spacing import WordBreaks, drawn_word_space, joins_bare_gap, widest_word_space, word_width_gap
from extract.text.clean import BULLET, is_bullet_glyph
from extract.text.spacing import soft_gap_breaks
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


Rect = tuple[float, float, float, float]  # pdfium's (left, bottom, right, top), bottom-left origin
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
    for left, bottom, right, top in rects:
        text = run_text(textpage, left, bottom, right, top)
        if not text:
            continue
        char_index = _run_char_index(textpage, left, bottom, right, top)
        size, bold = _font_facts(textpage, char_index) if char_index is not None else (0.0, False)
        runs.append(TextLine(text, BBox(left, height - top, right, height - bottom), page_no, size, bold))
    return runs


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


@dataclass(frozen=True)
class GlyphStream:
    """A page's characters in drawing order, the boxes of its glyphs (top-left origin) and the
    generated spaces that stand in bare gaps inside words."""

    text: str
    boxes: dict[int, BBox]
    soft: frozenset[int]
    generated: frozenset[int]
    word_space: float = 0.0  # the widest gap a word space leaves on the page (`layout.spacing.widest_word_space`)


SOFT_GAP = "\x00"  # stands for a bare gap inside a token until the lexicon has judged it


def glyph_stream(textpage: pdfium.PdfTextPage, height: float) -> GlyphStream | None:
    """The page's glyph stream when it writes its spaces as glyphs and pdfium generated spaces
    at bare gaps between letters; None otherwise (the page's runs are read as they are). As for
    pdfplumber's glyphs (`layout.spacing.word_breaks`), only gaps of word width between letters
    count against the page's drawn spaces; a table's cell gaps do not."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the basic plane: one per index instead
        text = indexed_text(textpage, count)
    spaces = [index for index, char in enumerate(text) if char == " "]
    generated = frozenset(index for index in spaces if pdfium_raw.FPDFText_IsGenerated(textpage.raw, index) == 1)
    between_letters = [i for i in sorted(generated) if 0 < i < count - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()]
    if not between_letters:
        return None
    boxes = {index: _char_box(textpage, index, height) for index, char in enumerate(text) if not char.isspace()}
    bare = [i for i in between_letters if word_width_gap(_gap_across(boxes, i), _font_size(textpage, i - 1))]
    breaks = WordBreaks(spaces=len(spaces) - len(generated), bare_gaps=len(bare))
    if not breaks.by_glyph:
        return None
    soft = frozenset(
        index for index in between_letters
        if _same_line(boxes[index - 1], boxes[index + 1])
        and joins_bare_gap(breaks, _gap_across(boxes, index), _font_size(textpage, index - 1))
    )
    drawn = [i for i in spaces if i not in generated and 0 < i < count - 1 and i - 1 in boxes and i + 1 in boxes]
    drawn_gaps = [_gap_across(boxes, i) for i in drawn if _same_line(boxes[i - 1], boxes[i + 1])]
    word_space = widest_word_space(drawn_gaps, [_gap_across(boxes, i) for i in soft])
    return GlyphStream(text, boxes, soft, generated, word_space)


def _gap_across(boxes: dict[int, BBox], index: int) -> float:
    """The blank between the glyphs either side of a character."""
    return boxes[index + 1].x0 - boxes[index - 1].x1


# Stands at the index of a character's second UTF-16 half, so text and indices stay aligned.
_SECOND_HALF = "\u200b"
# A glyph the PDF maps to no character; one string per index, so `(cid:0)` is one character's stand-in.
_UNMAPPED = "\x01"


def indexed_text(textpage: pdfium.PdfTextPage, count: int) -> str:
    """The page's characters one per pdfium index: a character outside the basic plane takes two
    indices, its second one a zero-width space (which the text cleanup drops); a glyph with no
    character reads as pdfminer writes it (`text.clean` takes one opening a line for a bullet)."""
    codes = [int(pdfium_raw.FPDFText_GetUnicode(textpage.raw, index)) for index in range(count)]
    chars = []
    for index, code in enumerate(codes):
        if 0xD800 <= code < 0xDC00 and index + 1 < count and 0xDC00 <= codes[index + 1] < 0xE000:
            chars.append(chr(0x10000 + ((code - 0xD800) << 10) + (codes[index + 1] - 0xDC00)))
        elif 0xDC00 <= code < 0xE000:
            chars.append(_SECOND_HALF)
        else:
            chars.append(chr(code) if code else _UNMAPPED)
    return "".join(chars)


def stream_runs(
    textpage: pdfium.PdfTextPage, rects: Sequence[Rect], stream: GlyphStream, page_no: int, height: float
) -> list[TextLine]:
    """Runs whose text is read from the glyph stream: each glyph goes to the rectangle holding
    it, a run split at a gap inside a word is joined to the run it goes on in, and each token's
    bare gaps are judged by the lexicon (`text.spacing.soft_gap_breaks`)."""
    boxes = [BBox(left, height - top, right, height - bottom) for left, bottom, right, top in rects]
    members = _glyphs_by_rect(stream, boxes)
    runs: list[tuple[list[int], BBox]] = []
    for glyphs, box in zip(members, boxes):
        if not glyphs:
            continue
        if runs and _goes_on(textpage, stream, runs[-1], glyphs, box):
            runs[-1] = (runs[-1][0] + glyphs, runs[-1][1].union(box))
        else:
            runs.append((glyphs, box))
    lines: list[TextLine] = []
    for glyphs, box in runs:
        text = resolve_soft_gaps(_stream_text(stream, glyphs)).strip()
        if text:
            size, bold = _font_facts(textpage, glyphs[0])
            lines.append(TextLine(text, box, page_no, size, bold))
    return lines


def _goes_on(textpage: pdfium.PdfTextPage, stream: GlyphStream, run: tuple[list[int], BBox], glyphs: Sequence[int], box: BBox) -> bool:
    """Whether a rectangle goes on with the run before it: on the same line, either inside a word
    (no word space between them in the stream, close by, the same size: a superscript citation
    stays apart) or after one space: one the page drew
    (`layout.spacing.drawn_word_space`), which pdfium may leave as wide as a cell gap, or one
    pdfium generated at a gap no wider than the page's word spaces."""
    glyphs_before, before = run
    if not _same_line(before, box):
        return False
    gap, between = box.x0 - before.x1, range(glyphs_before[-1] + 1, glyphs[0])
    if _separator(stream, glyphs_before[-1], glyphs[0]) != " ":
        same_size = abs(_font_size(textpage, glyphs_before[-1]) - _font_size(textpage, glyphs[0])) < 0.5
        return gap < before.height and same_size
    if len(between) != 1 or stream.text[between[0]] != " ":
        return False
    drawn = 0 if between[0] in stream.generated else 1
    return drawn_word_space(gap, before.height, drawn) or gap <= stream.word_space


def _glyphs_by_rect(stream: GlyphStream, boxes: Sequence[BBox]) -> list[list[int]]:
    """The glyphs of each rectangle, in stream order: a glyph belongs to the first box (from the
    last one used) that holds its centre."""
    members: list[list[int]] = [[] for _ in boxes]
    current = 0
    for index in sorted(stream.boxes):
        glyph = stream.boxes[index]
        near = (k for k in (current, current + 1) if k < len(boxes) and _holds(boxes[k], glyph))
        holder = next(near, None)
        if holder is None:
            holder = next((k for k in range(len(boxes)) if _holds(boxes[k], glyph)), None)
        if holder is not None:
            members[holder].append(index)
            current = holder
    return members


def _separator(stream: GlyphStream, left: int, right: int) -> str:
    """What lies between two glyphs in the stream: a word space, a bare gap inside a word, or nothing."""
    between = range(left + 1, right)
    if any(stream.text[i] in "\r\n" or (stream.text[i].isspace() and i not in stream.soft) for i in between):
        return " "
    return SOFT_GAP if any(i in stream.soft for i in between) else ""


# pdfium marks a hyphen it took for a line-break hyphen (U+FFFE in range text, U+0002 in bounded
# text); the page drew a hyphen there, and whether the word keeps it once the line is joined
# (`meta-analysis`, `treat-ment`) is the text cleanup's call, as for any hyphen at a line end.
_LINE_BREAK_HYPHEN = str.maketrans({"\ufffe": "-", "\x02": "-"})


def _stream_text(stream: GlyphStream, glyphs: Sequence[int]) -> str:
    """A run's text from its glyphs and what lies between them."""
    parts = [stream.text[glyphs[0]]]
    for left, right in zip(glyphs, glyphs[1:]):
        parts.append(_separator(stream, left, right) + stream.text[right])
    return "".join(parts).translate(_LINE_BREAK_HYPHEN).replace(_UNMAPPED, "(cid:0)")


def resolve_soft_gaps(text: str) -> str:
    """Each token's bare gaps closed or opened as the lexicon judges them."""
    tokens = []
    for token in text.split(" "):
        pieces = token.split(SOFT_GAP)
        breaks = soft_gap_breaks(pieces) if len(pieces) > 1 else ()
        tokens.append(pieces[0] + "".join((" " if gap else "") + piece for gap, piece in zip(breaks, pieces[1:])))
    return " ".join(tokens)


def _same_line(a: BBox, b: BBox) -> bool:
    """Two boxes overlap vertically."""
    return min(a.bottom, b.bottom) - max(a.top, b.top) > 0


def _holds(box: BBox, glyph: BBox) -> bool:
    """Whether a box holds a glyph's centre."""
    x, y = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
    return box.x0 - 0.5 <= x <= box.x1 + 0.5 and box.top - 0.5 <= y <= box.bottom + 0.5


def _char_box(textpage: pdfium.PdfTextPage, index: int, height: float) -> BBox:
    """One glyph's box, top-left origin."""
    left, bottom, right, top = textpage.get_charbox(index)
    return BBox(left, height - top, right, height - bottom)


def _font_size(textpage: pdfium.PdfTextPage, index: int) -> float:
    """One character's font size."""
    return float(pdfium_raw.FPDFText_GetFontSize(textpage.raw, index))


def run_text(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text of one rectangle, read from a slightly shrunken box.

    pdfium takes every glyph whose box touches the query box, so a neighbouring run that starts
    a fraction of a point before this one ends lent its first letter ('Publication Date: A' /
    'August'); once runs on a line are joined, that letter would be read twice.
    """
    inset_x, inset_y = min(0.5, (right - left) / 4), 0.1 * (top - bottom)
    return textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y).translate(_LINE_BREAK_HYPHEN).strip()


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
