"""Where an unruled table's rows part on a page: drawn rules, gaps wider than a cell's line spacing, new authors.

The gaps are measured between each line and the next line in the same column: cells centred in
their rows set lines between another cell's lines, so consecutive lines of the page overlap by any
amount, while the lines of one column stay a cell's spacing apart, and a row's further.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import Sequence

from extract.layout.words import body_box, body_words, box_of
from extract.model import Page, Word
from extract.settings import TableSettings
from extract.tables.verdict import opens_a_name

YEAR = re.compile(r"\b(?:19|20)\d{2}[a-z]?\b")  # a year, with the letter that tells two of one author apart (2018a)
# Gaps between a table's lines, in font sizes: a cell's lines sit closer than this …
MAX_CELL_LINE_GAP_EM = 0.6
# … rows are told from them by a jump at least this wide between the sorted gaps …
MIN_CLUSTER_JUMP_EM = 0.15
# … and gaps wider than this say nothing about either (a paragraph or the table's end), nor do lines
# overlapping by more than this: cells centred in their row set lines between another cell's lines.
MAX_LINE_GAP_EM = 1.5
MAX_LINE_OVERLAP_EM = 0.25
# A line's next line in its column is looked for this many lines down.
COLUMN_LOOKAHEAD = 8


def row_rules(page: Page, lines: Sequence[tuple[Word, ...]]) -> tuple[float, ...]:
    """Heights of the horizontal rules that cross the lines' span (half its width or more): drawn row borders."""
    if not lines:
        return ()
    span = box_of([w for line in lines for w in line])
    return tuple(sorted(
        (r.bbox.top + r.bbox.bottom) / 2 for r in page.rulings
        if r.orientation == "h" and min(r.bbox.x1, span.x1) - max(r.bbox.x0, span.x0) >= 0.5 * span.width
    ))


@dataclass(frozen=True)
class RowBreaks:
    """Where one page's stretch of a table starts new rows: at drawn rules, at gaps wider than `gap_em`,
    and, once the first column's end is known, where that column starts a new author after a year."""

    rules: tuple[float, ...]
    gap_em: float
    first_column_end: float | None = None

    def between(self, upper: Sequence[Word], lower: Sequence[Word]) -> bool:
        """Whether the lower line starts a new row: a rule is drawn between the two, the gap is a row's,
        or the first column opens a new author cell under one that has its year already."""
        above, below = body_box(upper).bottom, body_box(lower).top
        if any(above - 0.5 <= y <= below + 0.5 for y in self.rules):
            return True
        if below - above > self.gap_em * median(w.size for w in lower):
            return True
        return self.first_column_end is not None and self._opens_author(upper, lower)

    def _opens_author(self, upper: Sequence[Word], lower: Sequence[Word]) -> bool:
        """The lower line's first-column text opens a name, and the row above already holds a year there.

        Some producers and text exports set rows no further apart than a cell's lines; every
        study row starts with its author, so a new author after a complete one starts a row.
        """
        end = self.first_column_end or 0.0
        opening = sorted((w for w in lower if w.bbox.x0 < end), key=lambda w: w.bbox.x0)
        above = " ".join(w.text for w in sorted(upper, key=lambda w: (w.bbox.top, w.bbox.x0)) if w.bbox.x0 < end)
        return bool(opening) and YEAR.search(above) is not None and opens_a_name(" ".join(w.text for w in opening))


def row_gap_em(lines: Sequence[tuple[Word, ...]], settings: TableSettings) -> float:
    """The gap (in font sizes) that separates rows on this page: above the tightest cluster of line gaps, which are a cell's.

    Producers set a cell's lines anywhere from a tenth to four tenths of the font size apart, and
    rows a little or a lot further; a fixed threshold fits some and merges the rows of others. The
    line gaps of a table's stretch fall in two clusters, a cell's and a row's: the first wide jump
    between the sorted gaps separates them. With no such jump, or when even the tightest gaps are
    a row's (one-line cells), the reader's own setting, or half the tightest gap, is the threshold.
    The gaps are each line's to the next line in its column (`column_gaps`).
    """
    gaps = sorted({round(gap, 2) for gap in column_gaps(lines)})
    gaps = [gap for gap in gaps if -MAX_LINE_OVERLAP_EM < gap < MAX_LINE_GAP_EM]
    if not gaps:
        return settings.row_gap_em
    if gaps[0] >= MAX_CELL_LINE_GAP_EM:
        return gaps[0] / 2
    jump = next(((low + high) / 2 for low, high in zip(gaps, gaps[1:]) if high - low >= MIN_CLUSTER_JUMP_EM), None)
    return settings.row_gap_em if jump is None else jump


def column_gaps(lines: Sequence[tuple[Word, ...]]) -> list[float]:
    """Each line's gaps, in font sizes, to the next line below that shares a column with it: from the
    bottom of each of its words to the top of each word of that line under it (scripts aside).

    On a page of cells set at their rows' tops this is the gap to the next line; where cells are
    centred in their rows, consecutive lines belong to different columns and overlap by any amount,
    while the lines of one column keep a cell's spacing, and a row's between rows.
    """
    bodies = [body_words(line) for line in lines]
    gaps = []
    for index, upper in enumerate(bodies):
        for lower in bodies[index + 1 : index + 1 + COLUMN_LOOKAHEAD]:
            pairs = [(w, v) for w in upper for v in lower if _beside(w, v)]
            gaps += [(v.bbox.top - w.bbox.bottom) / max(v.size, 1.0) for w, v in pairs]
            if pairs:
                break
    return gaps


def _beside(a: Word, b: Word) -> bool:
    """Whether two words share some of their horizontal extent (one above the other)."""
    return a.bbox.x0 < b.bbox.x1 and b.bbox.x0 < a.bbox.x1
