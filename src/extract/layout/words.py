"""Words to visual lines and cell text: the line grouping every table strategy reads cells with."""

from __future__ import annotations

from statistics import median
from typing import Sequence

from extract.layout.bullets import unmarked_item_starts
from extract.model import BBox, Word
from extract.settings import TableSettings
from extract.text.clean import BULLET, starts_list_item

# A word smaller than this share of its line's median size is a superscript or subscript.
SCRIPT_SIZE_SHARE = 0.8
# Words of one size join a line only overlapping it by this share at least: a cell centred in its row
# sets its lines half a line's pitch off a taller cell's, overlapping them by half or less.
SAME_SIZE_LINE_OVERLAP = 0.6


def words_to_lines(words: Sequence[Word], settings: TableSettings) -> list[tuple[Word, ...]]:
    """Group words into visual lines (a raised superscript joins its line), each sorted left to right.

    A line is kept as its vertical extent and its words: every cell of every table is read
    through here, and a box made per word joined cost more than the grouping.
    """
    lines: list[list] = []  # [top, bottom, words, largest size] of each line, in the order lines were opened
    for word in sorted(words, key=lambda w: (w.bbox.top, w.bbox.x0)):
        line = _line_for(lines, word, settings.line_overlap)
        if line is None:
            lines.append([word.bbox.top, word.bbox.bottom, [word], word.size])
        else:
            line[0], line[1] = min(line[0], word.bbox.top), max(line[1], word.bbox.bottom)
            line[2].append(word)
            line[3] = max(line[3], word.size)
    ordered = sorted(lines, key=lambda line: line[0])
    return [tuple(sorted(line[2], key=lambda w: w.bbox.x0)) for line in ordered]


def words_to_text(words: Sequence[Word], settings: TableSettings, column: tuple[float, float] | None = None) -> str:
    """A cell's raw text: words joined by spaces within a visual line, lines joined by newlines;
    a list item its producer drew no marker for (`layout.bullets.unmarked_item_starts`, given the
    left and right edge of the column's text where known) opened with a bullet, as a drawn one is."""
    lines = words_to_lines(words, settings)
    texts = [" ".join(w.text for w in line) for line in lines]
    if len(lines) >= 3 and not any(starts_list_item(text) for text in texts):
        for number in unmarked_item_starts(lines, median(word.size for word in words), column):
            texts[number] = f"{BULLET} {texts[number]}"
    return "\n".join(texts)


def vertical_overlap(a: BBox, b: BBox) -> float:
    """Overlap of two boxes' vertical extents as a share of the shorter one."""
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    return shared / max(min(a.height, b.height), 0.1)


def _line_for(lines: Sequence[list], word: Word, line_overlap: float) -> list | None:
    """The open line a word overlaps enough to join (as `vertical_overlap` measures it); only lines reaching down to it are looked at.

    A raised or lowered script joins at `line_overlap`; a word the size of the line's own words at
    SAME_SIZE_LINE_OVERLAP, or more where `line_overlap` asks for more.
    """
    top, bottom = word.bbox.top, word.bbox.bottom
    reach = top - 3 * max(word.size, 1.0)
    for position in range(len(lines) - 1, -1, -1):
        line = lines[position]
        shared = min(line[1], bottom) - max(line[0], top)
        same_size = SCRIPT_SIZE_SHARE * line[3] <= word.size and SCRIPT_SIZE_SHARE * word.size <= line[3]
        needed = max(line_overlap, SAME_SIZE_LINE_OVERLAP) if same_size else line_overlap
        if shared / max(min(line[1] - line[0], bottom - top), 0.1) >= needed:
            return line
        if line[1] < reach:
            return None
    return None


def body_words(words: Sequence[Word]) -> list[Word]:
    """The words set at their line's own size: a superscript or subscript left out."""
    size = median(word.size for word in words)
    return [word for word in words if word.size >= SCRIPT_SIZE_SHARE * size]


def body_box(words: Sequence[Word]) -> BBox:
    """The box of the words set at their line's own size: a superscript (`al.¹`) that hangs
    below or above the line does not move its edges, so gaps between lines stay a cell's or a row's."""
    return box_of(body_words(words))


def box_of(words: Sequence[Word]) -> BBox:
    """The union of the words' boxes (one box made, not one per word)."""
    boxes = [word.bbox for word in words]
    if not boxes:
        raise IndexError("the box of no words")
    return BBox(min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes), max(b.bottom for b in boxes))
