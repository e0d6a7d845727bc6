"""Where a page's word breaks are: its own space glyphs, when it writes them, rather than its gaps.

Most producers write a word space as a space glyph. Some also leave extra advance inside words
(after f, v and y in CADTH's reports) that can be wider than a real space, so a gap threshold
alone cannot tell the two apart; on a page that writes its spaces, though, a gap without a space
glyph is no word break, however wide, short of a column gap. Pages that position words without
space glyphs keep breaking at gaps, and spacing repair (`extract.text.spacing`) judges the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# A gap narrower than this share of the font size is kerning, not a candidate word break.
MIN_BREAK_GAP_EM = 0.15
# A gap wider than this is a column gap or a tab stop, whatever the page writes between words.
MAX_WORD_GAP_EM = 1.5
# A page writes its spaces when at least this share of its candidate breaks carry a space glyph …
MIN_GLYPH_SPACE_SHARE = 0.6
# … and it has enough of them to say so.
MIN_GLYPH_SPACES = 12
# On such a page, a gap without a space glyph joins the word unless it is this wide (a cell
# or column gap): wide enough for the widest in-word advance seen, narrow enough for a column gap.
GLYPH_PAGE_WORD_GAP_EM = 0.6

Char = Mapping[str, object]


@dataclass(frozen=True)
class WordBreaks:
    """How a page separates its words: how many candidate breaks carry a space glyph, and how many are bare gaps."""

    spaces: int
    bare_gaps: int

    @property
    def by_glyph(self) -> bool:
        """Whether the page writes its word spaces as glyphs, so a bare gap inside a line is no break."""
        total = self.spaces + self.bare_gaps
        return self.spaces >= MIN_GLYPH_SPACES and self.spaces >= MIN_GLYPH_SPACE_SHARE * total

    def word_gap_em(self) -> float | None:
        """The gap (a share of the font size) that breaks a word on this page, or None to keep the reader's own tolerance."""
        return GLYPH_PAGE_WORD_GAP_EM if self.by_glyph else None


def word_breaks(chars: Sequence[Char]) -> WordBreaks:
    """Count a page's candidate word breaks, in drawing order: space glyphs between letters, and bare gaps of word width."""
    spaces = bare = 0
    previous: Char | None = None
    pending_space = False
    for char in chars:
        text = str(char["text"])
        if text.isspace():
            pending_space = previous is not None
            continue
        if previous is not None and _same_line(previous, char):
            gap = float(char["x0"]) - float(previous["x1"])  # type: ignore[arg-type]
            size = max(float(char.get("size") or 0.0), 1.0)  # type: ignore[arg-type]
            if pending_space:
                spaces += 1
            elif MIN_BREAK_GAP_EM * size < gap < MAX_WORD_GAP_EM * size:
                bare += 1
        previous, pending_space = char, False
    return WordBreaks(spaces, bare)


def _same_line(left: Char, right: Char) -> bool:
    """Two glyphs drawn one after the other on one line (their tops within half a font size)."""
    size = max(float(right.get("size") or 0.0), 1.0)  # type: ignore[arg-type]
    return abs(float(left["top"]) - float(right["top"])) < 0.5 * size and float(right["x0"]) >= float(left["x0"])  # type: ignore[arg-type]
