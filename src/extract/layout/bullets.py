"""Bullets drawn as shapes: a small filled mark just left of a line's first word opens a list item.

Some producers draw list bullets as dots or squares and leave nothing in the text layer, so the
items of a cell would run together; the drawing says where each item starts. Both readers find
the marks their own way (pdfminer's curves, pdfium's path objects) and ask this module which text
each one opens.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.model import BBox

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
