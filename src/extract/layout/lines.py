"""Text runs to visual lines to segments: a line is cut only where a column gap repeats down the page.

A wide gap inside a sentence (loose justified text, a glyph drawn with extra advance) does not
repeat as a white strip, so its line stays whole; a table's column gap does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from extract.model import BBox
from extract.settings import LayoutSettings


@dataclass(frozen=True, slots=True)
class TextLine:
    """A run of text on one baseline, with the font facts that make a heading stand out."""

    text: str
    bbox: BBox
    page_no: int
    size: float
    bold: bool


def runs_to_segments(runs: Sequence[TextLine], settings: LayoutSettings) -> list[TextLine]:
    """Join each line's runs into segments, splitting only at column gaps that repeat down the page."""
    lines = runs_to_lines(runs)
    cuts = column_gaps(wide_gaps(lines, settings), settings)
    segments: list[TextLine] = []
    for line_no, line in enumerate(lines):
        starts = [0, *(run_no for run_no in range(1, len(line)) if (line_no, run_no) in cuts), len(line)]
        segments.extend(join_runs(line[start:end]) for start, end in zip(starts, starts[1:]))
    return segments


def runs_to_lines(runs: Sequence[TextLine]) -> list[list[TextLine]]:
    """Runs grouped into visual lines, top to bottom, each line's runs left to right.

    Lines are found by vertical overlap, not by rounded top: glyph boxes of one line start at
    different heights (an 'e' is shorter than a 'K'), and rounding put them on different lines.
    A run never joins a line through another run while it stands above or below one of the
    line's runs (a cell centred between two lines of the cell beside it overlaps both, and would
    chain them into one).
    """
    lines: list[list[TextLine]] = []
    for run in sorted(runs, key=lambda r: ((r.bbox.top + r.bbox.bottom) / 2, r.bbox.x0)):
        line = next(
            (line for line in reversed(lines[-3:])
             if any(_same_baseline(other, run) for other in line)
             and not any(_stacked(other, run) and not _same_baseline(other, run) for other in line)),
            None,
        )
        if line is None:
            lines.append([run])
        else:
            line.append(run)
    return [sorted(line, key=lambda r: r.bbox.x0) for line in lines]


def _same_baseline(a: TextLine, b: TextLine) -> bool:
    """Two runs sit on one visual line when their vertical extents mostly overlap."""
    overlap = min(a.bbox.bottom, b.bbox.bottom) - max(a.bbox.top, b.bbox.top)
    return overlap > 0.5 * min(a.bbox.height, b.bbox.height)


def _stacked(a: TextLine, b: TextLine) -> bool:
    """Two runs sharing more than half the narrower one's width across: one above the other, not
    side by side (a kerned pair split between text objects overlaps by a fraction of a glyph)."""
    shared = min(a.bbox.x1, b.bbox.x1) - max(a.bbox.x0, b.bbox.x0)
    return shared > 0.5 * min(a.bbox.width, b.bbox.width)


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
    """Runs of one line read as one segment: texts joined by spaces (but where two runs of one size
    touch: a producer that splits its text objects at kerning pairs, as Chromium does, draws no
    space there), boxes united, the line's font size."""
    box, text = runs[0].bbox, runs[0].text
    for before, run in zip(runs, runs[1:]):
        box = box.union(run.bbox)
        text += ("" if touching(before, run) else " ") + run.text
    return TextLine(text, box, runs[0].page_no, line_em(runs), all(run.bold for run in runs))


# Runs closer than this share of their font size have no word space between them (a space is about a quarter em).
TOUCHING_EM = 0.1


def touching(before: TextLine, after: TextLine) -> bool:
    """Whether a run goes on the run before it inside a word: letters either side, the same size,
    and no gap a space could fill (a list's `1.` or `a)` marker keeps its space, however close)."""
    inside_word = before.text[-1:].isalpha() and after.text[:1].isalpha()
    same_size = before.size > 0 and abs(before.size - after.size) < 0.5
    return inside_word and same_size and after.bbox.x0 - before.bbox.x1 < TOUCHING_EM * before.size
