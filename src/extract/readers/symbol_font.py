"""Glyphs of the Symbol and ZapfDingbats fonts: their own encodings, and symbols set inside words.

A PDF may draw ≥, ±, µ or Greek letters in the standard (unembedded) Symbol font, or list marks
(■, ✓) in ZapfDingbats, with no /Encoding and no ToUnicode map: the font's built-in encoding then
holds, but pdfminer reads the codes as StandardEncoding, so ≥ (code 0xB3) comes out as ‡, µ (0x6D)
as m and ■ as n. pdfium reads them right, so the same report read two ways would disagree. `symbol_text` gives the font's glyph of a code.
And since words are parted where the font changes, a symbol set inside a word (`≥65`) is joined
back to it (`joined_symbol_glyphs`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from typing import Any, Sequence

from pdfminer.encodingdb import EncodingDB
from pdfminer.pdffont import PDFType1Font

from extract.model import BBox, Word
from extract.text.clean import is_bullet_glyph

_GREEK = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"  # codes 0x41..0x5A
_greek = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"  # codes 0x61..0x7A
_HIGH = (  # codes 0xA0..0xE5 (0xE6..0xF0, pieces of large brackets, are left alone)
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂\N{BULLET}÷≠≡≈…⏐⎯↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑"
)
SYMBOL_ENCODING: dict[int, str] = {
    0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2A: "∗", 0x2D: "−", 0x40: "≅", 0x5C: "∴", 0x5E: "⊥", 0x7E: "∼",
    0xF1: "〉", 0xF2: "∫",
    **{0x41 + index: letter for index, letter in enumerate(_GREEK)},
    **{0x61 + index: letter for index, letter in enumerate(_greek)},
    **{0xA0 + index: glyph for index, glyph in enumerate(_HIGH)},
}
# ZapfDingbats' marks that lists and checklists use (its other codes are ornaments).
DINGBATS_ENCODING: dict[int, str] = {
    0x33: "✓", 0x34: "✔", 0x35: "✕", 0x36: "✖", 0x37: "✗", 0x38: "✘",
    0x6C: "\N{BLACK CIRCLE}", 0x6D: "❍", 0x6E: "■", 0x6F: "❏", 0x70: "❐", 0x71: "❑", 0x72: "❒",
    0x73: "▲", 0x74: "▼", 0x75: "◆", 0x76: "❖", 0x77: "◗",
}
BUILTIN_ENCODINGS: dict[str, dict[int, str]] = {"Symbol": SYMBOL_ENCODING, "ZapfDingbats": DINGBATS_ENCODING}
_STANDARD = EncodingDB.get_encoding("StandardEncoding")
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def builtin_encoding(font: Any) -> dict[int, str] | None:
    """The font's own encoding where pdfminer reads its codes as StandardEncoding instead: the
    standard Symbol or ZapfDingbats font, no font program, no /Encoding, no ToUnicode map."""
    if not isinstance(font, PDFType1Font) or font.unicode_map is not None or font.cid2unicode != _STANDARD:
        return None
    return BUILTIN_ENCODINGS.get(_SUBSET_TAG.sub("", str(font.basefont)))


def symbol_text(encoding: dict[int, str], cid: int, read: str) -> str:
    """The font's own glyph for a code, or what pdfminer read where the two agree (digits, punctuation)."""
    return encoding.get(cid, read)


def symbol_width(font: Any, encoding: dict[int, str], cid: int) -> float | None:
    """The advance of a code of such a font, from its metrics by the glyph the code stands for;
    None where pdfminer's own reading is right. pdfminer looks the width up by the glyph it
    misread, finds none and advances by nothing, so the next glyph would start on top of it."""
    glyph = encoding.get(cid)
    width = font.widths.get(glyph) if glyph is not None else None
    if width is None and glyph == "μ":
        width = font.widths.get("µ")  # the metrics name mu by the micro sign
    return None if width is None else float(width) * font.hscale


SYMBOL_FONT = re.compile(r"^([A-Z]{6}\+)?(Symbol|ZapfDingbats|Wingdings)", re.IGNORECASE)
# A symbol font's glyph touching a word (no further than this share of its size) is part of it.
SYMBOL_TOUCH_EM = 0.15


def joined_symbol_glyphs(words: Sequence[Word]) -> list[Word]:
    """Words with a symbol font's glyphs joined to the word they touch (`≥` + `65`, `µ` + `g`): a
    word processor sets ≥, ±, µ in the Symbol font inside a word, and the glyph may sit a little
    higher than its word, far enough to be read into another line (a glyph on its word's line
    stays in the word already: `readers.words.cut_at_font_change`), so its neighbour is looked
    for on the page; the joined word keeps that neighbour's font and height. A bullet glyph stays a word of its own, levelled with its item's.

    Word processors set every list bullet in a symbol font, so neighbours are looked up by
    position (`_Beside`), not by a scan of the page's words for each glyph."""
    joined: list[Word | None] = list(words)
    beside = _Beside(words)
    for at, word in enumerate(words):
        if not SYMBOL_FONT.match(word.fontname):
            continue
        if is_bullet_glyph(word.text):
            joined[at] = _levelled_bullet(word, [words[i] for i in beside.starting(word.bbox.x1, word.bbox.x1 + BULLET_ITEM_GAP_EM * word.size)])
            continue
        reach = SYMBOL_TOUCH_EM * word.size
        after = [(at, i) for i in beside.starting(word.bbox.x1 - reach, word.bbox.x1 + reach)]
        before = [(i, at) for i in beside.ending(word.bbox.x0 - reach, word.bbox.x0 + reach)]
        for left, right in after + before:
            other = right if left == at else left
            kept = joined[other]
            if other != at and kept is not None and _touching_symbol(words[left], words[right]):
                box = BBox(min(kept.bbox.x0, word.bbox.x0), kept.bbox.top, max(kept.bbox.x1, word.bbox.x1), kept.bbox.bottom)  # the symbol font's box runs higher
                joined[other] = replace(kept, text=kept.text + word.text if left == other else word.text + kept.text, bbox=box)
                joined[at] = None
                break
    return [word for word in joined if word is not None]


class _Beside:
    """A page's words indexed by their left and right edges, to find the words starting or ending in a span."""

    def __init__(self, words: Sequence[Word]) -> None:
        self.by_start = sorted(range(len(words)), key=lambda i: words[i].bbox.x0)
        self.starts = [words[i].bbox.x0 for i in self.by_start]
        self.by_end = sorted(range(len(words)), key=lambda i: words[i].bbox.x1)
        self.ends = [words[i].bbox.x1 for i in self.by_end]

    def starting(self, low: float, high: float) -> list[int]:
        """Indices of the words whose left edge lies between `low` and `high`."""
        return self.by_start[bisect_left(self.starts, low) : bisect_right(self.starts, high)]

    def ending(self, low: float, high: float) -> list[int]:
        """Indices of the words whose right edge lies between `low` and `high`."""
        return self.by_end[bisect_left(self.ends, low) : bisect_right(self.ends, high)]


# A symbol font's bullet is levelled with the first word of its item, this many font sizes to its right at most.
BULLET_ITEM_GAP_EM = 2.0


def _levelled_bullet(bullet: Word, following: Sequence[Word]) -> Word:
    """A symbol font's bullet with the height of the word it marks, the nearest of the words that
    start just after it on its line: the font's box runs far above the text's (ZapfDingbats' most),
    and would make the line look taller than its neighbours."""
    item = [
        w for w in following
        if w is not bullet and min(w.bbox.bottom, bullet.bbox.bottom) - max(w.bbox.top, bullet.bbox.top) > 0.3 * min(w.bbox.height, bullet.bbox.height)
    ]
    if not item:
        return bullet
    first = min(item, key=lambda w: w.bbox.x0)
    return replace(bullet, bbox=BBox(bullet.bbox.x0, first.bbox.top, bullet.bbox.x1, first.bbox.bottom))


def _touching_symbol(left: Word, right: Word) -> bool:
    """Two words of one line and size, one in a symbol font and no bullet, the right one starting where the left ends."""
    symbol = [w for w in (left, right) if SYMBOL_FONT.match(w.fontname)]
    if len(symbol) != 1 or is_bullet_glyph(symbol[0].text) or abs(left.size - right.size) > 0.1 * max(left.size, 1.0):
        return False
    shared = min(left.bbox.bottom, right.bbox.bottom) - max(left.bbox.top, right.bbox.top)
    gap = right.bbox.x0 - left.bbox.x1
    return shared > 0.5 * min(left.bbox.height, right.bbox.height) and -SYMBOL_TOUCH_EM * left.size <= gap <= SYMBOL_TOUCH_EM * left.size
