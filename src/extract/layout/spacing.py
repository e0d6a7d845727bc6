"""Where a page's word breaks are: its own space glyphs, when it writes them, rather than its gaps.

Most producers write a word space as a space glyph. Some also leave extra advance inside words
(after f, v and y in CADTH's reports) that can be wider than a real space, so a gap threshold
alone cannot tell the two apart; on a page that writes its spaces, though, a gap without a space
glyph is no word break, however wide, short of a column gap. Pages that position words without
space glyphs keep breaking at gaps, and spacing repair (`extract.text.spacing`) judges the rest.

The same rule serves both readers: pdfplumber's words (`word_breaks` over the page's glyphs) and
pdfium's text runs, where a space pdfium generated at a bare gap, rather than one the page
drew, is the gap (`joins_bare_gap`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# A gap narrower than this share of the font size is kerning, not a candidate word break.
MIN_BREAK_GAP_EM = 0.15
# A gap wider than this is a column gap or a tab stop, whatever the page writes between words.
MAX_WORD_GAP_EM = 1.5
# A page writes its spaces when at least this share of its candidate breaks carry a space glyph …
MIN_GLYPH_SPACE_SHARE = 0.3
# … and it has enough of them to say so.
MIN_GLYPH_SPACES = 12
# On such a page, a gap without a space glyph joins the word unless it is this wide (a cell
# or column gap): wide enough for the widest in-word advance seen, narrow enough for a column gap.
GLYPH_PAGE_WORD_GAP_EM = 0.6
# The share of a page's word gaps (drawn, and bare ones inside words) that its widest word space covers.
WORD_SPACE_PERCENTILE = 0.95
# Punctuation a word never goes on after across a word-width gap.
CLAUSE_ENDS = frozenset(",;:")
# A glyph is tight on a page when a letter or figure follows it with no gap at least this many times …
MIN_TIGHT_FOLLOWS = 3
# … and a bare gap of word width follows it at most this share of the times it is followed in a word.
MAX_LOOSE_SHARE = 0.2

Char = Mapping[str, object]


@dataclass(frozen=True)
class WordBreaks:
    """How a page separates its words: how many candidate breaks carry a space glyph, and how many are bare gaps."""

    spaces: int
    bare_gaps: int
    tight: frozenset[str] = frozenset()  # glyphs a letter or figure follows with no gap (`tight_glyphs`)

    @property
    def by_glyph(self) -> bool:
        """Whether the page writes its word spaces as glyphs, so a bare gap inside a line is no break."""
        total = self.spaces + self.bare_gaps
        return self.spaces >= MIN_GLYPH_SPACES and self.spaces >= MIN_GLYPH_SPACE_SHARE * total

    def word_gap_em(self) -> float | None:
        """The gap (a share of the font size) that breaks a word on this page, or None to keep the reader's own tolerance."""
        return GLYPH_PAGE_WORD_GAP_EM if self.by_glyph else None


def joins_bare_gap(breaks: WordBreaks, gap: float, size: float, before: str = "", after: str = "") -> bool:
    """Whether a gap between two letters with no space glyph in it is inside a word: so on a page
    that writes its spaces, short of a cell or column gap, unless the page sets the glyph before
    it tight (`dropped_space`)."""
    return breaks.by_glyph and gap < GLYPH_PAGE_WORD_GAP_EM * max(size, 1.0) and not dropped_space(breaks, before, after)


def dropped_space(breaks: WordBreaks, before: str, after: str = "") -> bool:
    """Whether a bare gap of word width after this glyph is a space the producer left out (a cairo
    redraw keeps most space glyphs, not all): the page sets the glyph tight against the letters
    after it, or it closes a clause (`Table 3:` + `Summary`), which no word goes on after. The
    extra advance some producers leave inside words follows the same glyphs (f, v, y) every
    time, so those glyphs are never tight, and the lexicon judges their gaps. Between two figures
    the gap groups a number's digits (`98 452`)."""
    if after.isdigit() and before.isdigit():
        return False
    return before in breaks.tight or before in CLAUSE_ENDS


def tight_glyphs(follows: Iterable[tuple[str, bool]]) -> frozenset[str]:
    """The glyphs a page sets tight, from each glyph followed inside a word: (the glyph, whether a
    bare gap of word width follows it rather than a letter or figure with no gap)."""
    tight: Counter[str] = Counter()
    loose: Counter[str] = Counter()
    for glyph, bare in follows:
        (loose if bare else tight)[glyph] += 1
    return frozenset(
        glyph for glyph, count in tight.items()
        if count >= MIN_TIGHT_FOLLOWS and loose[glyph] <= MAX_LOOSE_SHARE * (count + loose[glyph])
    )


def drawn_word_space(gap: float, size: float, drawn_spaces: int) -> bool:
    """Whether a gap between two runs of a line is a word space the page drew: one space glyph in
    it, and narrower than a column gap (a glyph's extra advance beside the space can make it look
    as wide as a cell gap, but a table draws no space glyph between its cells)."""
    return drawn_spaces == 1 and gap < MAX_WORD_GAP_EM * max(size, 1.0)


def widest_word_space(drawn_gaps: Sequence[float], bare_gaps: Sequence[float]) -> float:
    """The widest gap a word space leaves on a page that draws its spaces, learnt from the page:
    the gap across a drawn space, plus the extra advance its bare gaps inside words show, since
    a producer may draw no space glyph beside such an advance (`five years` set with tracking).
    High percentiles, so one odd gap does not set it; 0 when the page shows too little."""
    if len(drawn_gaps) < MIN_GLYPH_SPACES or not bare_gaps:
        return 0.0
    return _percentile(drawn_gaps, WORD_SPACE_PERCENTILE) + _percentile(bare_gaps, WORD_SPACE_PERCENTILE)


def _percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bare_gap_cuts(chars: Sequence[Char]) -> list[int]:
    """Where a word that a page drawing its spaces as glyphs holds together has bare gaps of word
    width inside it: the index of each glyph after one. The lexicon judges them
    (`extract.text.spacing.soft_gap_breaks`): two real words are never left joined."""
    cuts = []
    for index in range(1, len(chars)):
        gap = float(chars[index]["x0"]) - float(chars[index - 1]["x1"])  # type: ignore[arg-type]
        size = max(float(chars[index - 1].get("size") or 0.0), 1.0)  # type: ignore[arg-type]
        if gap > MIN_BREAK_GAP_EM * size:
            cuts.append(index)
    return cuts


def set_tight(gap: float, size: float) -> bool:
    """Two glyphs with no more than kerning between them."""
    return gap <= MIN_BREAK_GAP_EM * max(size, 1.0)


def word_width_gap(gap: float, size: float) -> bool:
    """A gap wide enough to be a word break and narrow enough not to be a column gap."""
    size = max(size, 1.0)
    return MIN_BREAK_GAP_EM * size < gap < MAX_WORD_GAP_EM * size


def word_breaks(chars: Sequence[Char]) -> WordBreaks:
    """Count a page's candidate word breaks, in drawing order: space glyphs between letters, and bare gaps of word width."""
    spaces = bare = 0
    follows: list[tuple[str, bool]] = []
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
            elif word_width_gap(gap, size):
                bare += 1
                follows.append((str(previous["text"]), True))
            elif text.isalnum() and set_tight(gap, size):
                follows.append((str(previous["text"]), False))
        previous, pending_space = char, False
    return WordBreaks(spaces, bare, tight_glyphs(follows))


def _same_line(left: Char, right: Char) -> bool:
    """Two glyphs drawn one after the other on one line (their tops within half a font size)."""
    size = max(float(right.get("size") or 0.0), 1.0)  # type: ignore[arg-type]
    return abs(float(left["top"]) - float(right["top"])) < 0.5 * size and float(right["x0"]) >= float(left["x0"])  # type: ignore[arg-type]
