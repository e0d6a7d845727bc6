"""The shape every page-geometry strategy returns: a page's stretch of a table cut into rows and columns.

A strategy (one file each: `ruled`, `aligned`, …) is a `GridStrategy`: given a page, the band of
it the table may occupy and the table's grid on the page before, it returns a `PageGrid` with
its own confidence, or None when the table is not drawn its way. `follow` tries them in turn;
`stitch` turns grids into rows whatever strategy cut them. A new way of drawing tables is a new
strategy file and one entry in `follow.PAGE_STRATEGIES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from extract.fields import design_for_label
from extract.model import BBox, Page, Word
from extract.settings import TableSettings
from extract.text.clean import clean_text

# A cell of digits, commas and dashes: a reference number or list printed beside an author.
REF_TEXT = re.compile(r"^[\d,\-–]+$")


@dataclass(frozen=True)
class Caption:
    """A table caption as printed, where it sits."""

    text: str
    page_no: int
    bbox: BBox


@dataclass(frozen=True)
class GridRow:
    """One row of a page grid: the words of each column, each column's box, and whether it is one merged cell."""

    cells: tuple[tuple[Word, ...], ...]
    boxes: tuple[BBox, ...]
    merged: bool
    page_no: int


@dataclass(frozen=True)
class PageGrid:
    """One page's stretch of a table: column bounds, rows, and whether the table ends on this page."""

    page_no: int
    strategy: str
    bounds: tuple[float, ...]
    rows: tuple[GridRow, ...]
    ends_table: bool
    confidence: float


# (page, top of the band, bottom of the band, the table's grid on the page before, settings) → grid or None
GridStrategy = Callable[[Page, float, float, "PageGrid | None", TableSettings], "PageGrid | None"]


def snap_positions(values: Sequence[float], tolerance: float) -> tuple[float, ...]:
    """Cluster nearly equal coordinates into one position each (their mean)."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tolerance:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return tuple(sum(c) / len(c) for c in clusters)


def words_in(words: Sequence[Word], box: BBox) -> tuple[Word, ...]:
    """Words whose centre lies in a box."""
    return tuple(
        w for w in words
        if box.x0 <= (w.bbox.x0 + w.bbox.x1) / 2 < box.x1 and box.top <= (w.bbox.top + w.bbox.bottom) / 2 < box.bottom
    )


def column_index(bounds: Sequence[float], x: float) -> int:
    """Index of the column whose span holds x (clamped to the outer columns)."""
    index = 0
    for position, start in enumerate(bounds[:-1]):
        if x >= start:
            index = position
    return index


def names_a_design(text: str) -> bool:
    """True for a design group heading such as `Randomized Controlled Trials`."""
    return design_for_label(clean_text(text)) is not None
