"""A page's glyph stream, read with pdfium: the characters in drawing order with their boxes, for
pages that write their word spaces as glyphs, where a space pdfium generated at a bare gap
between letters is a gap inside a word (`layout.spacing`) until the lexicon has judged it.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, replace
from typing import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from extract.layout.lines import TextLine
from extract.layout.spacing import WordBreaks, drawn_word_space, joins_bare_gap, set_tight, tight_glyphs, widest_word_space, word_width_gap
from extract.model import BBox
from extract.text.clean import LIGATURES
from extract.text.spacing import soft_gap_breaks

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
Rect = tuple[float, float, float, float]  # pdfium's (left, bottom, right, top), bottom-left origin


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
    breaks = replace(breaks, tight=tight_glyphs(_follows(textpage, text, boxes, bare)))
    soft = frozenset(
        index for index in between_letters
        if _same_line(boxes[index - 1], boxes[index + 1])
        and joins_bare_gap(breaks, _gap_across(boxes, index), _font_size(textpage, index - 1), text[index - 1], text[index + 1])
    )
    drawn = [i for i in spaces if i not in generated and 0 < i < count - 1 and i - 1 in boxes and i + 1 in boxes]
    drawn_gaps = [_gap_across(boxes, i) for i in drawn if _same_line(boxes[i - 1], boxes[i + 1])]
    word_space = widest_word_space(drawn_gaps, [_gap_across(boxes, i) for i in soft])
    return GlyphStream(text, boxes, soft, generated, word_space)


def _follows(textpage: pdfium.PdfTextPage, text: str, boxes: dict[int, BBox], bare: Sequence[int]) -> list[tuple[str, bool]]:
    """Each glyph followed inside a word on the page (`layout.spacing.tight_glyphs`): by a bare
    gap of word width (the generated spaces in `bare`), or by a letter or figure set tight."""
    tight = [
        (text[i - 1], False) for i in range(1, len(text))
        if text[i].isalnum() and i - 1 in boxes and i in boxes and _same_line(boxes[i - 1], boxes[i])
        and set_tight(boxes[i].x0 - boxes[i - 1].x1, _font_size(textpage, i - 1))
    ]
    return [(text[i - 1], True) for i in bare] + tight


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
            size, bold = font_facts(textpage, glyphs[0])
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


# What pdfium's text reads as: a hyphen it took for a line-break hyphen (U+FFFE in range text,
# U+0002 in bounded text) is the hyphen the page drew, and whether the word keeps it once the line
# is joined (`meta-analysis`, `treat-ment`) is the text cleanup's call, as for any hyphen at a line
# end; a ligature glyph is its letters (`text.clean.LIGATURES`).
PDFIUM_TEXT = {**str.maketrans({"\ufffe": "-", "\x02": "-"}), **LIGATURES}


def _stream_text(stream: GlyphStream, glyphs: Sequence[int]) -> str:
    """A run's text from its glyphs and what lies between them."""
    parts = [stream.text[glyphs[0]]]
    for left, right in zip(glyphs, glyphs[1:]):
        parts.append(_separator(stream, left, right) + stream.text[right])
    return "".join(parts).translate(PDFIUM_TEXT).replace(_UNMAPPED, "(cid:0)")


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


def drawn_size(textpage: pdfium.PdfTextPage, index: int, size: float) -> float:
    """A font size times the vertical scale of the character's matrix: the size as drawn."""
    matrix = pdfium_raw.FS_MATRIX()
    if not pdfium_raw.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix)):
        return size
    return size * (math.hypot(matrix.c, matrix.d) or 1.0)


def _font_size(textpage: pdfium.PdfTextPage, index: int) -> float:
    """One character's font size."""
    return float(pdfium_raw.FPDFText_GetFontSize(textpage.raw, index))


# pdfium gives the size a font was set at, not the size drawn; a font set at this size or less
# (cairo sets every font at 1 and scales its text matrix instead) carries no size of its own.
UNIT_FONT_SIZE = 1.0


def font_facts(textpage: pdfium.PdfTextPage, char_index: int) -> tuple[float, bool]:
    """Size and boldness of one character, read through pdfium's C API (no pdfminer parse); the
    size of a font set at unit size is read from its text matrix (`drawn_size`)."""
    size = float(pdfium_raw.FPDFText_GetFontSize(textpage.raw, char_index))
    if size <= UNIT_FONT_SIZE:
        size = drawn_size(textpage, char_index, size)
    weight = int(pdfium_raw.FPDFText_GetFontWeight(textpage.raw, char_index))
    name_buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    pdfium_raw.FPDFText_GetFontInfo(textpage.raw, char_index, name_buffer, 128, ctypes.byref(flags))
    return size, weight >= 600 or BOLD_FONT.search(name_buffer.value.decode("latin-1", "replace")) is not None
