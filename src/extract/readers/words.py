"""A pdfplumber word's glyphs as our Words: parted where drawing runs, ruled cells, a bare gap
the lexicon reads as a break, or a gap where the font changes part them; named by the font
most of their glyphs are drawn in."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from extract.layout.spacing import WordBreaks, bare_gap_cuts, dropped_space
from extract.model import BBox, Ruling, Word
from extract.text.spacing import soft_gap_breaks


def word_font(chars: Sequence[dict]) -> str:
    """The font most of a word's glyphs are drawn in, not that of a glyph the producer drew from
    another font object because the word's font lacks it (`≥` in `≥65`); on a tie, the font of
    more letters and figures, then of the later glyphs (`≥3`, `µg`: the sign comes first)."""
    fonts = [str(c.get("fontname", "")) for c in chars]
    if fonts.count(fonts[0]) == len(fonts):  # nearly every word: one font
        return fonts[0]
    alphanumeric = [font for font, c in zip(fonts, chars) if str(c["text"]).isalnum()]
    return max(dict.fromkeys(fonts), key=lambda font: (fonts.count(font), alphanumeric.count(font), len(fonts) - fonts[::-1].index(font)))


def word_from_chars(chars: Sequence[dict], page_no: int) -> Word:
    """A word made of pdfplumber chars, with the font most of them are drawn in and the marked
    content most of its glyphs are drawn under. Its height is that of its font's glyphs: another
    font's box may run higher (the Symbol font's does) and would lift the word off its line."""
    font = word_font(chars)
    own = [c for c in chars if str(c.get("fontname", "")) == font]
    box = BBox(min(c["x0"] for c in chars), min(c["top"] for c in own), max(c["x1"] for c in chars), max(c["bottom"] for c in own))
    mcids = [c.get("mcid") for c in chars]
    mcid = mcids[0] if 2 * mcids.count(mcids[0]) > len(mcids) else Counter(mcids).most_common(1)[0][0]
    return Word(
        "".join(c["text"] for c in chars), box, font, float(own[0].get("size", 0.0)), page_no,
        bool(chars[0].get("upright", True)), mcid,
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


def split_glued_word(
    raw: dict, verticals: Sequence[Ruling], stream_index: dict[int, int], page_no: int, breaks: WordBreaks | None = None
) -> list[Word]:
    """A pdfplumber word as Words: parted where two drawing runs or two ruled cells were glued
    together, and, on a page that draws its spaces (`breaks`), where a bare gap inside it
    joins two real words."""
    chars = raw.get("chars") or []
    if not chars:
        return [Word(
            raw["text"], BBox(raw["x0"], raw["top"], raw["x1"], raw["bottom"]), str(raw.get("fontname", "")), float(raw.get("size", 0.0)), page_no,
            bool(raw.get("upright", True)),
        )]
    pieces = [
        piece for chain in stream_chains(chars, stream_index) for ruled in cut_at_ruling(chain, verticals) for piece in cut_at_font_change(ruled)
    ]
    if breaks is not None and breaks.by_glyph:
        pieces = [word for piece in pieces for word in cut_at_word_breaks(piece, breaks)]
    return [word_from_chars(piece, page_no) for piece in sorted(pieces, key=lambda p: p[0]["x0"])]


# Glyphs of two fonts touch (one word) when the gap between them is at most this many font sizes.
FONT_CHANGE_TOUCH_EM = 0.1


def cut_at_font_change(chars: Sequence[dict]) -> list[list[dict]]:
    """Cut a run of glyphs where the font changes across a gap: a list mark in a font of its own
    stands a little apart from its item's first word; a glyph a producer drew from another font
    object (`≥` in `≥65`) touches its neighbours and stays in the word."""
    pieces: list[list[dict]] = [[chars[0]]] if chars else []
    for before, after in zip(chars, chars[1:]):
        gap = after["x0"] - before["x1"]
        if before.get("fontname") != after.get("fontname") and gap > FONT_CHANGE_TOUCH_EM * float(after.get("size", 0.0)):
            pieces.append([after])
        else:
            pieces[-1].append(after)
    return pieces


def cut_at_word_breaks(chars: list[dict], breaks: WordBreaks = WordBreaks(0, 0)) -> list[list[dict]]:
    """A word's glyphs cut at the bare gaps inside it that are spaces the producer left out
    (`layout.spacing.dropped_space`), and at those the lexicon reads as word breaks."""
    cuts = bare_gap_cuts(chars)
    if not cuts:
        return [chars]
    bounds = [0, *cuts, len(chars)]
    pieces = [chars[start:end] for start, end in zip(bounds, bounds[1:])]
    runs = [[pieces[0]]]
    for piece in pieces[1:]:
        if dropped_space(breaks, str(runs[-1][-1][-1]["text"]), str(piece[0]["text"])):
            runs.append([piece])
        else:
            runs[-1].append(piece)
    return [word for run in runs for word in _lexicon_words(run)]


def _lexicon_words(pieces: list[list[dict]]) -> list[list[dict]]:
    """Pieces of one word parted by bare gaps, joined where the lexicon reads no break (`soft_gap_breaks`)."""
    breaks = soft_gap_breaks(["".join(str(char["text"]) for char in piece) for piece in pieces])
    words = [pieces[0]]
    for piece, breaks_here in zip(pieces[1:], breaks):
        if breaks_here:
            words.append(piece)
        else:
            words[-1] = words[-1] + piece
    return words
