"""Words to visual lines and cell text: the line grouping every table strategy reads cells with."""

from __future__ import annotations

from typing import Sequence

from extract.model import BBox, Word
from extract.settings import TableSettings


def words_to_lines(words: Sequence[Word], settings: TableSettings) -> list[tuple[Word, ...]]:
    """Group words into visual lines (a raised superscript joins its line), each sorted left to right."""
    lines: list[tuple[BBox, list[Word]]] = []
    for word in sorted(words, key=lambda w: (w.bbox.top, w.bbox.x0)):
        position = _line_for(lines, word, settings)
        if position is None:
            lines.append((word.bbox, [word]))
        else:
            box, members = lines[position]
            members.append(word)
            lines[position] = (box.union(word.bbox), members)
    ordered = sorted(lines, key=lambda line: line[0].top)
    return [tuple(sorted(members, key=lambda w: w.bbox.x0)) for _, members in ordered]


def words_to_text(words: Sequence[Word], settings: TableSettings) -> str:
    """A cell's raw text: words joined by spaces within a visual line, lines joined by newlines."""
    return "\n".join(" ".join(w.text for w in line) for line in words_to_lines(words, settings))


def vertical_overlap(a: BBox, b: BBox) -> float:
    """Overlap of two boxes' vertical extents as a share of the shorter one."""
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    return shared / max(min(a.height, b.height), 0.1)


def _line_for(lines: Sequence[tuple[BBox, list[Word]]], word: Word, settings: TableSettings) -> int | None:
    """Index of the open line a word overlaps enough to join; only lines reaching down to it are looked at."""
    for position in range(len(lines) - 1, -1, -1):
        box = lines[position][0]
        if vertical_overlap(box, word.bbox) >= settings.line_overlap:
            return position
        if box.bottom < word.bbox.top - 3 * max(word.size, 1.0):
            return None
    return None


def box_of(words: Sequence[Word]) -> BBox:
    """The union of the words' boxes."""
    box = words[0].bbox
    for word in words[1:]:
        box = box.union(word.bbox)
    return box
