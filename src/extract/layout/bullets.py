"""Bullets drawn as shapes: a small filled mark just left of a line's first word opens a list item.

Some producers draw list bullets as dots or squares and leave nothing in the text layer, so the
items of a cell would run together; the drawing says where each item starts. Both readers find
the marks their own way (pdfminer's curves, pdfium's path objects) and ask this module which text
each one opens.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.model import BBox, Word

# A bullet mark is at least this big on its shorter side and at most this big on its longer one (points).
MIN_MARK_PT = 1.0
MAX_MARK_PT = 7.0
# The text a mark opens starts within this many of its font sizes to the mark's right.
MAX_BULLET_GAP_EM = 2.0


def is_bullet_mark(box: BBox) -> bool:
    """Whether a filled shape is the size of a drawn bullet."""
    return MIN_MARK_PT <= min(box.width, box.height) and max(box.width, box.height) <= MAX_MARK_PT


def marked_starts(marks: Sequence[BBox], boxes: Sequence[BBox], sizes: Sequence[float]) -> list[tuple[BBox, int]]:
    """Each mark that opens a piece of text, with the index of that piece: the leftmost box on the
    mark's line that starts just right of it."""
    opened = []
    for mark in marks:
        middle = (mark.top + mark.bottom) / 2
        following = [
            index for index, box in enumerate(boxes)
            if box.top <= middle <= box.bottom and 0 <= box.x0 - mark.x1 <= MAX_BULLET_GAP_EM * max(sizes[index], 1.0)
        ]
        if following:
            opened.append((mark, min(following, key=lambda index: boxes[index].x0)))
    return opened


# A list whose producer drew no marker at all (an engine that cannot draw a CSS-drawn bullet keeps
# only the list's indent) shows its items by layout alone: a cell's lines start at two edges, the
# items' lines indented at least this many font sizes right of the cell's other lines ...
UNMARKED_INDENT_EM = 0.35
# ... lines starting within this many points of each other start at one edge ...
SAME_EDGE_PT = 1.0
# ... and an item starts on a new line where the line before it stopped short: its first word,
# after a space this many font sizes wide, would still have fitted on that line.
WORD_SPACE_EM = 0.25


def unmarked_item_starts(lines: Sequence[Sequence[Word]], size: float, column: tuple[float, float] | None = None) -> list[int]:
    """The lines of a cell (each a line's words, left to right) that open a list
    item no mark shows; empty unless the cell's lines start at exactly two edges, some indented.

    `column` is the left and right edge of the text of the cell's whole column, where known: a
    cell holding only list items is indented from its column's other cells, and the column's
    longest line comes nearer the width lines wrap at than one cell's.
    An indented line opens an item where the line above it left room for its first word, which
    does not start in lower case: greedy line breaking fills every line it wraps, so only the end
    of a paragraph or an item leaves that room. A cell's first line never opens one (nothing says
    what came before it), so a cell that is one indented paragraph gets no mark.
    """
    if len(lines) < 3:
        return []
    starts = [line[0].bbox.x0 for line in lines]
    left = min(starts) if column is None else min(*starts, column[0])
    indented = [start - left >= UNMARKED_INDENT_EM * size for start in starts]
    if not any(indented) or (column is None and all(indented)):
        return []
    inner = min(start for start, inside in zip(starts, indented) if inside)
    edges = [inner if inside else left for inside in indented]
    if any(abs(start - edge) > SAME_EDGE_PT for start, edge in zip(starts, edges)):
        return []
    ends = [line[-1].bbox.x1 for line in lines]
    right = max(ends) if column is None else max(column[1], *ends)
    opened = []
    for number in range(1, len(lines)):
        first, last = lines[number][0], lines[number - 1][-1]
        if not indented[number] or first.text[:1].islower() or last.text.endswith("-"):
            continue
        if last.bbox.x1 + WORD_SPACE_EM * size + first.bbox.width <= right:
            opened.append(number)
    return opened
