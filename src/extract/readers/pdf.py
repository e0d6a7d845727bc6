"""Read a PDF report into a Document: cheap text triage with pypdfium2, geometry with pdfplumber.

pdfplumber (pdfminer) costs about 90 ms a page; pypdfium2 reads a page's text runs far faster.
So every page is read with pypdfium2 (a quick survey for running headers and the body's margin,
then lines for blocks and triage), and only the pages that hold a summary table are handed to
pdfplumber for words, fonts and rulings. Pages are read one at a time and let go once read, so
memory does not grow with the page count beyond what the report yields (blocks and rows).
On those pages pdfminer's interpreter feeds our own lean char and edge dicts (pdfplumber's
coordinates, bit for bit) to pdfplumber's WordExtractor, skipping pdfplumber's generic objects.
This is the only module that imports pdfplumber.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTCurve, LTLine, LTRect
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.utils import Matrix
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from extract.errors import UnreadableReport
from extract.model import BBox, Block, Document, Failure, Page, Ruling, Word
from extract.readers.guard import (
    SHOWN_TEXT_CHARS,
    TextCounts,
    captured_library_warnings,
    check_page_count,
    check_text_counts,
    classify_exception,
    library_warnings,
    page_warnings,
    text_counts,
    total_counts,
)
from extract.settings import Limits


@dataclass(frozen=True)
class LayoutSettings:
    """Tolerances for turning glyph runs into lines, blocks and running headers."""

    furniture_band: float = 0.09
    furniture_min_share: float = 0.3
    segment_gap_em: float = 0.8
    lone_column_gap_em: float = 1.2
    paragraph_gap_em: float = 0.9
    word_x_tolerance: float = 1.5
    word_y_tolerance: float = 2.0
    min_ruling_pt: float = 2.0
    min_decodable_share: float = 0.6

    def __post_init__(self) -> None:
        if not 0 < self.furniture_band < 0.5 or not 0 < self.furniture_min_share <= 1:
            raise ValueError("furniture band and share must be fractions")
        if min(self.segment_gap_em, self.paragraph_gap_em, self.word_x_tolerance) <= 0:
            raise ValueError("gaps and tolerances must be positive")
        if self.lone_column_gap_em < self.segment_gap_em:
            raise ValueError("a lone column gap must be at least as wide as a column-gap candidate")


DEFAULT_LAYOUT = LayoutSettings()

CAPTION = re.compile(r"^\s*Table\s+(\d+)\s*[:.\-–—]\s*(\S.*)$", re.IGNORECASE)
NON_STUDY_CAPTION = re.compile(r"selection criteria|inclusion criteria|eligibility", re.IGNORECASE)
BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextLine:
    """A run of text on one baseline, with the font facts that make a heading stand out."""

    text: str
    bbox: BBox
    page_no: int
    size: float
    bold: bool


# ---------------------------------------------------------------- pypdfium2: text runs → lines


def _font_facts(textpage: pdfium.PdfTextPage, char_index: int) -> tuple[float, bool]:
    """Size and boldness of one character, read through pdfium's C API (no pdfminer parse)."""
    size = float(pdfium_raw.FPDFText_GetFontSize(textpage.raw, char_index))
    weight = int(pdfium_raw.FPDFText_GetFontWeight(textpage.raw, char_index))
    name_buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    pdfium_raw.FPDFText_GetFontInfo(textpage.raw, char_index, name_buffer, 128, ctypes.byref(flags))
    return size, weight >= 600 or BOLD_FONT.search(name_buffer.value.decode("latin-1", "replace")) is not None


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


def run_text(textpage: pdfium.PdfTextPage, left: float, bottom: float, right: float, top: float) -> str:
    """The text of one rectangle, read from a slightly shrunken box.

    pdfium takes every glyph whose box touches the query box, so a neighbouring run that starts
    a fraction of a point before this one ends lent its first letter ('Publication Date: A' /
    'August'); once runs on a line are joined, that letter would be read twice.
    """
    inset_x, inset_y = min(0.5, (right - left) / 4), 0.1 * (top - bottom)
    return textpage.get_text_bounded(left + inset_x, bottom + inset_y, right - inset_x, top - inset_y).strip()


def _text_runs(textpage: pdfium.PdfTextPage, page_no: int, height: float) -> list[TextLine]:
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


def _same_baseline(a: TextLine, b: TextLine) -> bool:
    """Two runs sit on one visual line when their vertical extents mostly overlap."""
    overlap = min(a.bbox.bottom, b.bbox.bottom) - max(a.bbox.top, b.bbox.top)
    return overlap > 0.5 * min(a.bbox.height, b.bbox.height)


def runs_to_lines(runs: Sequence[TextLine]) -> list[list[TextLine]]:
    """Runs grouped into visual lines, top to bottom, each line's runs left to right.

    Lines are found by vertical overlap, not by rounded top: glyph boxes of one line start at
    different heights (an 'e' is shorter than a 'K'), and rounding put them on different lines.
    """
    lines: list[list[TextLine]] = []
    for run in sorted(runs, key=lambda r: ((r.bbox.top + r.bbox.bottom) / 2, r.bbox.x0)):
        line = next((line for line in reversed(lines[-3:]) if any(_same_baseline(other, run) for other in line)), None)
        if line is None:
            lines.append([run])
        else:
            line.append(run)
    return [sorted(line, key=lambda r: r.bbox.x0) for line in lines]


def line_em(line: Sequence[TextLine]) -> float:
    """The line's font size: the median size its runs report, else the median run height."""
    sizes = sorted(run.size for run in line if run.size > 1.0) or sorted(run.bbox.height for run in line)
    return max(sizes[len(sizes) // 2], 1.0)


@dataclass(frozen=True)
class Gap:
    """Blank space between two neighbouring runs of one line, and the run it precedes."""

    line_no: int
    run_no: int
    x0: float
    x1: float
    em: float

    @property
    def width_em(self) -> float:
        """The gap's width in its line's font size, so lines of any size are judged alike."""
        return (self.x1 - self.x0) / self.em


def wide_gaps(lines: Sequence[Sequence[TextLine]], settings: LayoutSettings) -> list[Gap]:
    """Gaps much wider than a word space (segment_gap_em of the line's font size): column-gap candidates."""
    gaps: list[Gap] = []
    for line_no, line in enumerate(lines):
        em = line_em(line)
        for run_no, (before, after) in enumerate(zip(line, line[1:]), start=1):
            if after.bbox.x0 - before.bbox.x1 > settings.segment_gap_em * em:
                gaps.append(Gap(line_no, run_no, before.bbox.x1, after.bbox.x0, em))
    return gaps


def column_gaps(gaps: Sequence[Gap], settings: LayoutSettings, min_overlap_pt: float = 2.0) -> set[tuple[int, int]]:
    """(line, run) positions of column gaps: very wide ones, and wide ones lining up with a wide gap on another line.

    A real column gap repeats down the page as a white strip; a wide gap inside a sentence
    (loose justified text, a glyph drawn with extra advance) does not, so its line stays whole.
    A table's header row may be the only multi-column line of a page, but its gaps are very wide.
    """
    return {
        (gap.line_no, gap.run_no)
        for gap in gaps
        if gap.width_em >= settings.lone_column_gap_em
        or any(
            other.line_no != gap.line_no and min(gap.x1, other.x1) - max(gap.x0, other.x0) >= min_overlap_pt
            for other in gaps
        )
    }


def join_runs(runs: Sequence[TextLine]) -> TextLine:
    """Runs of one line read as one segment: texts joined by spaces, boxes united, the line's font size."""
    box = runs[0].bbox
    for run in runs[1:]:
        box = box.union(run.bbox)
    text = " ".join(run.text for run in runs)
    return TextLine(text, box, runs[0].page_no, line_em(runs), all(run.bold for run in runs))


def runs_to_segments(runs: Sequence[TextLine], settings: LayoutSettings) -> list[TextLine]:
    """Join each line's runs into segments, splitting only at column gaps that repeat down the page."""
    lines = runs_to_lines(runs)
    cuts = column_gaps(wide_gaps(lines, settings), settings)
    segments: list[TextLine] = []
    for line_no, line in enumerate(lines):
        starts = [0, *(run_no for run_no in range(1, len(line)) if (line_no, run_no) in cuts), len(line)]
        segments.extend(join_runs(line[start:end]) for start, end in zip(starts, starts[1:]))
    return segments


# ---------------------------------------------------------------- running headers and footers


def edge_zone(box: BBox, page_height: float, settings: LayoutSettings) -> str | None:
    """'top' or 'bottom' for a box inside the band near that page edge where running furniture sits, else None."""
    band = settings.furniture_band * page_height
    if box.bottom <= band:
        return "top"
    if box.top >= page_height - band:
        return "bottom"
    return None


def furniture_text(text: str) -> str:
    """A line's text as running furniture is compared: case and spacing folded, digits blanked (page numbers change)."""
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def furniture_key(line: TextLine, page_height: float, settings: LayoutSettings) -> tuple[str, str] | None:
    """A line near the top or bottom edge keyed by its zone and furniture text, else None."""
    zone = edge_zone(line.bbox, page_height, settings)
    return None if zone is None else (zone, furniture_text(line.text))


def furniture_keys(
    keys_by_page: Sequence[Iterable[tuple[str, str]]], settings: LayoutSettings
) -> frozenset[tuple[str, str]]:
    """Keys of edge lines (see furniture_key) that repeat on enough pages to be running furniture."""
    pages_with_key: Counter[tuple[str, str]] = Counter()
    for keys in keys_by_page:
        pages_with_key.update(set(keys))
    needed = max(2, int(settings.furniture_min_share * len(keys_by_page) + 0.999))
    return frozenset(key for key, count in pages_with_key.items() if count >= needed)


def is_furniture_key(key: tuple[str, str] | None, keys: frozenset[tuple[str, str]]) -> bool:
    """True for the key of a running header/footer line, including a lone page number near an edge."""
    return key is not None and (key in keys or re.fullmatch(r"(page\s*)?#(\s*of\s*#)?", key[1]) is not None)


def is_furniture(line: TextLine, height: float, keys: frozenset[tuple[str, str]], settings: LayoutSettings) -> bool:
    """True for a running header/footer line, including a lone page number near an edge."""
    return is_furniture_key(furniture_key(line, height, settings), keys)


# ---------------------------------------------------------------- blocks


def _continues_block(previous: TextLine, line: TextLine, settings: LayoutSettings) -> bool:
    """A line continues a paragraph when it sits just below it, overlaps it and shares its font."""
    gap = line.bbox.top - previous.bbox.bottom
    overlaps = min(previous.bbox.x1, line.bbox.x1) > max(previous.bbox.x0, line.bbox.x0)
    same_font = previous.bold == line.bold and abs(previous.size - line.size) < 0.6
    return -1.0 <= gap <= settings.paragraph_gap_em * max(line.size, 1.0) and overlaps and same_font


def segments_to_blocks(segments: Sequence[TextLine], settings: LayoutSettings) -> list[list[TextLine]]:
    """Group one page's segments into paragraphs; a bold or larger heading line stays on its own."""
    groups: list[list[TextLine]] = []
    for segment in sorted(segments, key=lambda s: (s.bbox.top, s.bbox.x0)):
        target = next((g for g in reversed(groups) if _continues_block(g[-1], segment, settings)), None)
        if target is None:
            groups.append([segment])
        else:
            target.append(segment)
    return reading_order(groups)


def reading_order(groups: Sequence[list[TextLine]]) -> list[list[TextLine]]:
    """Paragraphs ordered by their first lines: top to bottom, and left to right when those share a baseline.

    Sorting by rounded top put a cell a fraction of a point higher before the label to its left.
    """
    by_first_line = {id(group[0]): group for group in groups}
    return [by_first_line[id(first)] for line in runs_to_lines([group[0] for group in groups]) for first in line]


def block_from_lines(lines: Sequence[TextLine], index: int) -> Block:
    """One paragraph as a Block: its lines joined by newlines, its box the union of theirs."""
    box = lines[0].bbox
    for line in lines[1:]:
        box = box.union(line.bbox)
    return Block("\n".join(line.text for line in lines), index, lines[0].page_no, box)


# ---------------------------------------------------------------- triage


def is_summary_caption(text: str) -> bool:
    """A `Table N: …` caption that is not the selection-criteria table."""
    match = CAPTION.match(text)
    return match is not None and NON_STUDY_CAPTION.search(match.group(2)) is None


def _starts_inside_table(segments: Sequence[TextLine], left_margin: float) -> bool:
    """A page's first line is a table row when it has several column runs or starts indented."""
    if not segments:
        return False
    first_top = min(s.bbox.top for s in segments)
    first_line = [s for s in segments if s.bbox.top - first_top < 3.0]
    if any(CAPTION.match(s.text) for s in first_line):
        return False
    return len(first_line) >= 2 or min(s.bbox.x0 for s in first_line) - left_margin > 40.0


def continues_table_pages(segments: Sequence[TextLine], in_table: bool, left_margin: float) -> bool:
    """Whether a page is a table page: it holds a summary caption, or the table above runs onto it."""
    has_caption = any(is_summary_caption(s.text) for s in segments)
    return has_caption or (in_table and _starts_inside_table(segments, left_margin))


# ---------------------------------------------------------------- text-layer checks


def decodable_share(text: str) -> float:
    """Share of visible characters that are letters, digits or ordinary punctuation."""
    return text_counts(text).decodable_share


def check_text_layer(page_texts: Sequence[str], source_file: str, settings: LayoutSettings) -> None:
    """Raise UnreadableReport when the text layer is missing or made of undecodable glyphs."""
    check_text_layer_counts([text_counts(text) for text in page_texts], source_file, settings)


def check_text_layer_counts(counts_by_page: Sequence[TextCounts], source_file: str, settings: LayoutSettings) -> None:
    """check_text_layer on each page's counts, so no page's text needs to be kept."""
    total = total_counts(counts_by_page)
    if total.visible == 0:
        raise UnreadableReport("no_text_layer", "no page has a text layer (scanned or image-only)", source_file)
    if total.decodable_share < settings.min_decodable_share:
        worst = min(range(len(counts_by_page)), key=lambda i: counts_by_page[i].decodable_share if counts_by_page[i].visible else 1.0)
        raise UnreadableReport(
            "undecodable_text", "the text layer is made of undecodable glyphs (font without Unicode map)",
            source_file, worst + 1,
        )


# ---------------------------------------------------------------- pdfplumber: words and rulings


def _word_from_chars(chars: Sequence[dict], page_no: int) -> Word:
    """A word made of pdfplumber chars, with the first char's font."""
    box = BBox(min(c["x0"] for c in chars), min(c["top"] for c in chars), max(c["x1"] for c in chars), max(c["bottom"] for c in chars))
    return Word(
        "".join(c["text"] for c in chars), box, str(chars[0].get("fontname", "")), float(chars[0].get("size", 0.0)), page_no,
        bool(chars[0].get("upright", True)),
    )


def stream_chains(chars: Sequence[dict], stream_index: dict[int, int]) -> list[list[dict]]:
    """Split a word's chars into runs drawn one after another: glyphs glued from two drawing runs part."""
    ordered = sorted(chars, key=lambda c: stream_index.get(id(c), 0))
    chains: list[list[dict]] = []
    for char in ordered:
        if chains and stream_index.get(id(char), 0) == stream_index.get(id(chains[-1][-1]), 0) + 1:
            chains[-1].append(char)
        else:
            chains.append([char])
    return [sorted(chain, key=lambda c: c["x0"]) for chain in chains]


def cut_at_ruling(chars: Sequence[dict], verticals: Sequence[Ruling]) -> list[list[dict]]:
    """Cut a run of chars where a vertical ruling passes through a gap between two of them.

    A word overflowing its cell (no gap at the ruling) stays whole.
    """
    pieces: list[list[dict]] = [[chars[0]]] if chars else []
    for before, after in zip(chars, chars[1:]):
        ruled_gap = after["x0"] - before["x1"] >= 0.3 and any(
            before["x1"] <= (r.bbox.x0 + r.bbox.x1) / 2 <= after["x0"]
            and r.bbox.top <= after["bottom"] and r.bbox.bottom >= after["top"]
            for r in verticals
        )
        if ruled_gap:
            pieces.append([after])
        else:
            pieces[-1].append(after)
    return pieces


def split_glued_word(raw: dict, verticals: Sequence[Ruling], stream_index: dict[int, int], page_no: int) -> list[Word]:
    """A pdfplumber word as Words: parted where two drawing runs or two ruled cells were glued together."""
    chars = raw.get("chars") or []
    if not chars:
        return [Word(
            raw["text"], BBox(raw["x0"], raw["top"], raw["x1"], raw["bottom"]), str(raw.get("fontname", "")), float(raw.get("size", 0.0)), page_no,
            bool(raw.get("upright", True)),
        )]
    pieces = [piece for chain in stream_chains(chars, stream_index) for piece in cut_at_ruling(chain, verticals)]
    return [_word_from_chars(piece, page_no) for piece in sorted(pieces, key=lambda p: p[0]["x0"])]


def _ruling_from_edge(edge: dict, settings: LayoutSettings) -> Ruling | None:
    """A pdfplumber edge as a Ruling, or None for a speck too short to separate anything."""
    orientation = edge.get("orientation")
    box = BBox(edge["x0"], edge["top"], edge["x1"], edge["bottom"])
    if orientation == "h" and box.width >= settings.min_ruling_pt:
        return Ruling("h", box)
    if orientation == "v" and box.height >= settings.min_ruling_pt:
        return Ruling("v", box)
    return None


def _inside_any(word: Word, boxes: Iterable[BBox]) -> bool:
    """True when a word's centre lies inside one of the boxes (grown by 2 pt)."""
    cx, cy = (word.bbox.x0 + word.bbox.x1) / 2, (word.bbox.top + word.bbox.bottom) / 2
    return any(b.x0 - 2 <= cx <= b.x1 + 2 and b.top - 2 <= cy <= b.bottom + 2 for b in boxes)


@dataclass(frozen=True)
class PageFrame:
    """How pdfplumber moves pdfminer's bottom-left coordinates to its top-left ones on one page."""

    height: float
    mediabox_x0: float
    mediabox_top: float
    initial_doctop: float


def page_frame(plumber_page: pdfplumber.page.Page) -> PageFrame:
    """The frame of a page as pdfplumber computed it (rotation and mediabox origin included), so our coordinates match its own."""
    mediabox_x0, mediabox_top = plumber_page.mediabox[:2]
    return PageFrame(plumber_page.height, mediabox_x0, mediabox_top, plumber_page.initial_doctop)


def _flipped(frame: PageFrame, y0: float, y1: float) -> tuple[float, float]:
    """Top and bottom of a pdfminer span, with the exact arithmetic of pdfplumber's Page.process_object."""
    return (frame.height - y1) + frame.mediabox_top, (frame.height - y0) + frame.mediabox_top


def _shifted(frame: PageFrame, x0: float, x1: float) -> tuple[float, float]:
    """Left and right of a pdfminer span, moved by the mediabox origin only when pdfplumber moves it."""
    if frame.mediabox_x0 != 0:
        return x0 + frame.mediabox_x0, x1 + frame.mediabox_x0
    return x0, x1


def char_dict(char: LTChar, frame: PageFrame) -> dict:
    """The fields of pdfplumber's char dict that word grouping and glued-word splitting read, without its ~25 other attributes."""
    x0, x1 = _shifted(frame, char.x0, char.x1)
    top, bottom = _flipped(frame, char.y0, char.y1)
    fontname = char.fontname
    if isinstance(fontname, bytes):
        fontname = fix_fontname_bytes(fontname)
    return {
        "text": char.get_text(), "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": frame.initial_doctop + top,
        "width": char.width, "height": char.height, "upright": char.upright, "fontname": fontname, "size": char.size,
    }


def horizontal_glyph_char(
    text: str, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, adv: float, frame: PageFrame,
) -> dict:
    """The char dict of a glyph of a horizontal font, with LTChar's box arithmetic, without building the LTChar (its cost rivals parsing)."""
    descent = font.get_descent() * fontsize
    low, high = descent + rise, descent + rise + fontsize
    a, b, c, d, e, f = matrix
    left1, bottom1 = a * 0 + c * low + e, b * 0 + d * low + f
    right1, bottom2 = a * adv + c * low + e, b * adv + d * low + f
    right2, top1 = a * adv + c * high + e, b * adv + d * high + f
    left2, top2 = a * 0 + c * high + e, b * 0 + d * high + f
    left, right = min(left1, left2, right1, right2), max(left1, left2, right1, right2)
    y0, y1 = min(bottom1, bottom2, top1, top2), max(bottom1, bottom2, top1, top2)
    x0, x1 = _shifted(frame, left, right)
    top, bottom = _flipped(frame, y0, y1)
    fontname = font.fontname
    if isinstance(fontname, bytes):
        fontname = fix_fontname_bytes(fontname)
    return {
        "text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": frame.initial_doctop + top,
        "width": right - left, "height": y1 - y0, "upright": a * d * scaling > 0 and b * c <= 0,
        "fontname": fontname, "size": y1 - y0,
    }


class CharCollector(PDFPageAggregator):
    """pdfminer's page aggregator that keeps glyphs as our char dicts, in drawing order, and only paths and figures in its layout."""

    def __init__(self, rsrcmgr: PDFResourceManager, pageno: int, frame: PageFrame) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=None)
        self.frame = frame
        self.chars: list[dict] = []

    def render_char(
        self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, cid: int,
        ncs: PDFColorSpace, graphicstate: PDFGraphicState,
    ) -> float:
        """Record one glyph and return its advance, as pdfminer's render_char does."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        if font.is_vertical():
            glyph = LTChar(matrix, font, fontsize, scaling, rise, text, font.char_width(cid), font.char_disp(cid), ncs, graphicstate)
            self.chars.append(char_dict(glyph, self.frame))
            return glyph.adv
        adv = font.char_width(cid) * fontsize * scaling
        self.chars.append(horizontal_glyph_char(text, matrix, font, fontsize, scaling, rise, adv, self.frame))
        return adv


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str | None) -> dict:
    """An edge dict with the fields a Ruling is made of."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "orientation": orientation}


def line_edges(line: LTLine, frame: PageFrame) -> list[dict]:
    """A drawn line as pdfplumber's line_to_edge sees it: horizontal when its top equals its bottom."""
    x0, x1 = _shifted(frame, line.x0, line.x1)
    top, bottom = _flipped(frame, line.y0, line.y1)
    return [_edge(x0, top, x1, bottom, "h" if top == bottom else "v")]


def rect_edges(rect: LTRect, frame: PageFrame) -> list[dict]:
    """A rectangle's four sides in pdfplumber's rect_to_edges order: top, bottom, left, right."""
    x0, x1 = _shifted(frame, rect.x0, rect.x1)
    top, bottom = _flipped(frame, rect.y0, rect.y1)
    return [
        _edge(x0, top, x1, top, "h"), _edge(x0, top + rect.height, x1, bottom, "h"),
        _edge(x0, top, x0, bottom, "v"), _edge(x1, top, x1, bottom, "v"),
    ]


def curve_edges(curve: LTCurve, frame: PageFrame) -> list[dict]:
    """A curve's straight pieces as pdfplumber's curve_to_edges makes them from its points (None orientation when slanted)."""
    points = [(frame.mediabox_x0 + x, frame.mediabox_top + frame.height - y) for x, y in curve.pts]
    return [
        _edge(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]), "v" if a[0] == b[0] else ("h" if a[1] == b[1] else None))
        for a, b in zip(points, points[1:])
    ]


def layout_leaves(objects: Iterable[LTComponent]) -> Iterator[LTComponent]:
    """Every object of a pdfminer layout in stream order, figures opened, as pdfplumber walks it without laparams."""
    for obj in objects:
        if isinstance(obj, LTContainer):
            yield from layout_leaves(obj)
        else:
            yield obj


def layout_edges(layout: Iterable[LTComponent], frame: PageFrame) -> list[dict]:
    """A layout's edges in pdfplumber's order: every line's, then every rect's, then every curve's, each in drawing order."""
    lines: list[dict] = []
    rects: list[dict] = []
    curves: list[dict] = []
    for obj in layout_leaves(layout):
        if isinstance(obj, LTLine):
            lines.extend(line_edges(obj, frame))
        elif isinstance(obj, LTRect):
            rects.extend(rect_edges(obj, frame))
        elif isinstance(obj, LTCurve):
            curves.extend(curve_edges(obj, frame))
    return lines + rects + curves


def chars_and_edges(plumber_page: pdfplumber.page.Page) -> tuple[list[dict], list[dict]]:
    """A page's chars in drawing order and its edges, from one run of pdfminer's interpreter (pdfplumber's Page.layout, leaner)."""
    frame = page_frame(plumber_page)
    device = CharCollector(plumber_page.pdf.rsrcmgr, plumber_page.page_number, frame)
    try:
        PDFPageInterpreter(plumber_page.pdf.rsrcmgr, device).process_page(plumber_page.page_obj)
    except Exception as exc:  # pdfplumber wraps whatever the interpreter raises; classify_exception expects that shape
        raise PdfminerException(exc) from exc
    return device.chars, layout_edges(device.get_result(), frame)


def geometry_page(plumber_page: pdfplumber.page.Page, page_no: int, furniture: Sequence[BBox], settings: LayoutSettings) -> Page:
    """Words (with font name and size) and rulings of one page, furniture left out.

    Chars and edges come straight from pdfminer's interpreter: pdfplumber's own objects build an
    LTChar and then a dict of every resolved attribute for every glyph and path, which cost more
    than parsing the page. Words are still grouped by pdfplumber's WordExtractor, so their meaning
    is pdfplumber's.
    """
    chars, edges = chars_and_edges(plumber_page)
    rulings = tuple(r for edge in edges if (r := _ruling_from_edge(edge, settings)) is not None)
    verticals = [r for r in rulings if r.orientation == "v"]
    extractor = WordExtractor(
        x_tolerance=settings.word_x_tolerance, y_tolerance=settings.word_y_tolerance,
        keep_blank_chars=False, use_text_flow=False, extra_attrs=["fontname", "size"],
    )
    raw_words = extractor.extract_words(chars, return_chars=True)
    stream_index = {id(char): index for index, char in enumerate(chars)}
    words = tuple(
        word for raw in raw_words for word in split_glued_word(raw, verticals, stream_index, page_no)
        if not _inside_any(word, furniture)
    )
    rotation = int(plumber_page.rotation or 0)
    return Page(page_no, float(plumber_page.width), float(plumber_page.height), words, rulings, rotation)


def read_table_page(plumber_page: pdfplumber.page.Page, page_no: int, furniture: Sequence[BBox], settings: LayoutSettings) -> Page:
    """A table page's words and rulings, with what pdfminer and pdfplumber kept of it released once read."""
    try:
        return geometry_page(plumber_page, page_no, furniture, settings)
    finally:
        plumber_page.close()
        release_parsed_objects(plumber_page)


def release_parsed_objects(plumber_page: pdfplumber.page.Page) -> None:
    """Drop what pdfminer keeps of a page once read: the document's parsed-object cache and the page's decoded content.

    Both live as long as the document and grow with every page read, so memory would grow with
    the page count. A page is read once; fonts are cached apart (by the resource manager), so
    each later page parses only its own objects again.
    """
    cached = getattr(plumber_page.pdf.doc, "_cached_objs", None)
    if isinstance(cached, dict):
        cached.clear()
    plumber_page.page_obj.contents = []


# ---------------------------------------------------------------- the reader


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pdfium_page(document: pdfium.PdfDocument, index: int, path: Path) -> pdfium.PdfPage:
    """One pdfium page, or UnreadableReport naming the page pdfium cannot load."""
    try:
        return document[index]
    except pdfium.PdfiumError as exc:
        raise classify_exception(exc, path, index + 1) from exc


@contextmanager
def pdfium_document(path: Path, limits: Limits) -> Iterator[pdfium.PdfDocument]:
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
def pdfium_textpage(document: pdfium.PdfDocument, page_no: int, path: Path) -> Iterator[tuple[pdfium.PdfTextPage, float, float]]:
    """One page's text layer with the page's width and height, closed after use."""
    page = _pdfium_page(document, page_no - 1, path)
    textpage = page.get_textpage()
    try:
        width, height = page.get_size()
        yield textpage, float(width), float(height)
    finally:
        textpage.close()
        page.close()


@dataclass(frozen=True, slots=True)
class PageSurvey:
    """What the first pass keeps of a page: its size, its edge lines' furniture keys, and where its body text starts."""

    width: float
    height: float
    edge_lines: tuple[tuple[tuple[str, str], float], ...]  # (furniture key, left x) of each run near the top or bottom
    body_left: float  # left x of the leftmost run away from the edges; inf when there is none
    text: TextCounts  # what the text-layer checks count in the page's text


def survey_page(textpage: pdfium.PdfTextPage, width: float, height: float, counts: TextCounts, settings: LayoutSettings) -> PageSurvey:
    """A page's survey, read cheaply: text only for the runs near the edges, and for the leftmost body runs until one has any."""
    edge_lines: list[tuple[tuple[str, str], float]] = []
    body_rects: list[tuple[float, float, float, float]] = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        zone = edge_zone(BBox(left, height - top, right, height - bottom), height, settings)
        if zone is None:
            body_rects.append((left, bottom, right, top))
        elif text := run_text(textpage, left, bottom, right, top):
            edge_lines.append(((zone, furniture_text(text)), left))
    body_left = next((rect[0] for rect in sorted(body_rects) if run_text(textpage, *rect)), math.inf)
    return PageSurvey(width, height, tuple(edge_lines), body_left, counts)


def survey_pages(document: pdfium.PdfDocument, path: Path, settings: LayoutSettings) -> tuple[list[PageSurvey], str]:
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


def body_left_margin(surveys: Sequence[PageSurvey], keys: frozenset[tuple[str, str]]) -> float:
    """The left edge of the body text over all pages (running headers and footers left out); 0 when there is none."""
    lefts = [survey.body_left for survey in surveys] + [
        left for survey in surveys for key, left in survey.edge_lines if not is_furniture_key(key, keys)
    ]
    margin = min(lefts, default=math.inf)
    return margin if math.isfinite(margin) else 0.0


@dataclass(frozen=True)
class BodyPage:
    """One page's body text as segments, with the boxes of its running headers and footers."""

    page_no: int
    segments: list[TextLine]
    furniture: list[BBox]


def body_pages(
    document: pdfium.PdfDocument, path: Path, keys: frozenset[tuple[str, str]], settings: LayoutSettings
) -> Iterator[BodyPage]:
    """Each page's body segments and furniture boxes, read one page at a time."""
    for page_no in range(1, len(document) + 1):
        with pdfium_textpage(document, page_no, path) as (textpage, _width, height):
            runs = _text_runs(textpage, page_no, height)
        furniture = [is_furniture(run, height, keys, settings) for run in runs]
        body = [run for run, edge in zip(runs, furniture) if not edge]
        yield BodyPage(page_no, runs_to_segments(body, settings), [run.bbox for run, edge in zip(runs, furniture) if edge])


def read_pdf(
    path: Path, limits: Limits, settings: LayoutSettings = DEFAULT_LAYOUT, on_table_page: Callable[[Page], None] | None = None,
) -> Document:
    """Read a PDF: blocks for every page, words and rulings for the summary-table pages.

    Pages not triaged as table pages carry no words: their text is in `blocks`. With
    `on_table_page`, each table page is handed over as soon as it is read and the Document keeps
    only its size, so memory does not grow with the number of table pages; without it, the
    Document keeps their words and rulings. Whatever the PDF libraries raise becomes an
    UnreadableReport with a stable reason; what they log while reading, and suspicious
    table-page geometry (sideways text, words off the page), become the Document's warnings.
    """
    path = Path(path)
    with captured_library_warnings() as logged:
        try:
            document = _read_pdf_document(path, limits, settings, on_table_page)
        except Exception as exc:  # a damaged file can make the libraries raise anything
            raise classify_exception(exc, path) from exc
    return replace(document, warnings=document.warnings + library_warnings(document.report_id, logged))


def _read_pdf_document(path: Path, limits: Limits, settings: LayoutSettings, on_table_page: Callable[[Page], None] | None) -> Document:
    """The Document of a PDF whose page tree and text layer pass the guard's checks.

    pdfium infers page trees pdfminer cannot read, so pdfminer's page count is checked first.
    """
    with pdfplumber.open(path) as pdf:
        check_page_count(path, len(pdf.pages))
        with pdfium_document(path, limits) as document:
            return _read_pages(path, pdf, document, settings, on_table_page)


def _read_pages(
    path: Path, pdf: pdfplumber.PDF, document: pdfium.PdfDocument, settings: LayoutSettings, on_table_page: Callable[[Page], None] | None,
) -> Document:
    """Blocks of every page, geometry of the table pages and their layout warnings, one page in memory at a time.

    Two passes with pdfium: the first finds the running headers and footers and the body's left
    margin (they need every page), the second cuts each page into blocks, decides whether the
    summary table is on it, and if so has pdfplumber read its words and rulings.
    """
    surveys, head = survey_pages(document, path, settings)
    check_text_layer_counts([survey.text for survey in surveys], str(path), settings)
    check_text_counts(path, total_counts(survey.text for survey in surveys), len(surveys), head)
    keys = furniture_keys([[key for key, _ in survey.edge_lines] for survey in surveys], settings)
    left_margin = body_left_margin(surveys, keys)
    kept: dict[int, Page] = {}
    warnings: list[Failure] = []
    blocks: list[Block] = []
    in_table = False
    for body in body_pages(document, path, keys, settings):
        in_table = continues_table_pages(body.segments, in_table, left_margin)
        for group in segments_to_blocks(body.segments, settings):
            blocks.append(block_from_lines(group, len(blocks)))
        if not in_table or body.page_no > len(pdf.pages):
            continue
        page = read_table_page(pdf.pages[body.page_no - 1], body.page_no, body.furniture, settings)
        warnings += page_warnings(path.stem, page)
        if on_table_page is None:
            kept[page.page_no] = page
        else:
            on_table_page(page)
    pages = tuple(kept.get(n, Page(n, s.width, s.height)) for n, s in enumerate(surveys, start=1))
    return Document(path.stem, path.name, "pdf", file_sha256(path), tuple(blocks), pages, len(surveys), tuple(warnings))


# ---------------------------------------------------------------- visual debugging


@dataclass(frozen=True)
class Overlay:
    """Boxes to draw on one page in one colour (RGBA), for the `inspect` command."""

    boxes: tuple[BBox, ...]
    stroke: tuple[int, int, int, int]
    width: int = 1


def render_resolution(width_pt: float, height_pt: float, limits: Limits, wanted_dpi: float = 110.0) -> float:
    """The highest resolution up to `wanted_dpi` whose image stays within limits.max_render_pixels."""
    pixels_at_72 = max(width_pt * height_pt, 1.0)
    return min(wanted_dpi, 72.0 * (limits.max_render_pixels / pixels_at_72) ** 0.5)


def draw_page_overlays(path: Path, page_no: int, overlays: Sequence[Overlay], out_path: Path, limits: Limits) -> Path:
    """Render one page with pdfplumber's visual debugging and draw the overlays on it as a PNG."""
    with pdfplumber.open(path, pages=[page_no]) as pdf:
        page = pdf.pages[0]
        try:
            image = page.to_image(resolution=render_resolution(float(page.width), float(page.height), limits))
            for overlay in overlays:
                rects = [(b.x0, b.top, b.x1, b.bottom) for b in overlay.boxes]
                image.draw_rects(rects, stroke=overlay.stroke, fill=(0, 0, 0, 0), stroke_width=overlay.width)
            image.save(out_path, format="PNG")
        finally:
            page.close()
    return out_path
