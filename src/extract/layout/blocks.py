"""Segments to blocks: paragraphs in reading order, the unit the text-block table finder and the metadata reader share."""

from __future__ import annotations

from typing import Sequence

from extract.layout.lines import TextLine, runs_to_lines
from extract.model import Block
from extract.settings import LayoutSettings


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


# How far a line's box may reach into the box of the line above it, in font sizes.
MAX_LINE_OVERLAP_EM = 0.25


def _continues_block(previous: TextLine, line: TextLine, settings: LayoutSettings) -> bool:
    """A line continues a paragraph when it sits just below it, overlaps it and shares its font.
    Tight leading may let a line's box reach into the one above by a little (a large title set
    solid); more than that is no line below."""
    gap = line.bbox.top - previous.bbox.bottom
    overlaps = min(previous.bbox.x1, line.bbox.x1) > max(previous.bbox.x0, line.bbox.x0)
    same_font = previous.bold == line.bold and abs(previous.size - line.size) < 0.6
    size = max(line.size, 1.0)
    return -MAX_LINE_OVERLAP_EM * size <= gap <= settings.paragraph_gap_em * size and overlaps and same_font


def reading_order(groups: Sequence[list[TextLine]]) -> list[list[TextLine]]:
    """Paragraphs ordered by their first lines: top to bottom, and left to right when those share a baseline.

    Sorting by rounded top put a cell a fraction of a point higher before the label to its left.
    """
    by_first_line = {id(group[0]): group for group in groups}
    return [by_first_line[id(first)] for line in runs_to_lines([group[0] for group in groups]) for first in line]


def block_from_lines(lines: Sequence[TextLine], index: int) -> Block:
    """One paragraph as a Block: its lines joined by newlines, its box the union of theirs, each line's box kept."""
    box = lines[0].bbox
    for line in lines[1:]:
        box = box.union(line.bbox)
    return Block("\n".join(line.text for line in lines), index, lines[0].page_no, box, tuple(line.bbox for line in lines))
