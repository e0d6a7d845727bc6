"""The ruled strategy: a table drawn with lines is cut into cells along them.

A ruled grid is cut from the page's own lines, so it needs nothing from the page before; merged
cells (a design heading spanning the table) are told by the vertical rulings they lack.
"""

from __future__ import annotations

from typing import Sequence

from extract.model import BBox, Page, Ruling
from extract.settings import TableSettings
from extract.tables.grid import GridRow, PageGrid, snap_positions, words_in


def ruled_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """Cut a page's ruled table into cells along its drawn lines, or None when it is not ruled."""
    verticals = first_ruled_block(page.rulings, top, bottom, settings.snap_pt)
    bounds = snap_positions([(r.bbox.x0 + r.bbox.x1) / 2 for r in verticals], settings.snap_pt)
    if len(bounds) < settings.min_ruled_columns + 1:
        return None
    table_top = min(r.bbox.top for r in verticals)
    table_bottom = max(r.bbox.bottom for r in verticals)
    horizontals = [
        (r.bbox.top + r.bbox.bottom) / 2 for r in page.rulings
        if r.orientation == "h" and table_top - settings.snap_pt <= r.bbox.top <= table_bottom + settings.snap_pt
        and r.bbox.x1 > bounds[0] + settings.snap_pt and r.bbox.x0 < bounds[-1] - settings.snap_pt
    ]
    edges = snap_positions([table_top, table_bottom, *horizontals], settings.snap_pt)
    region_words = [w for w in page.words if w.bbox.top >= top - 1]
    rows = []
    for row_top, row_bottom in zip(edges, edges[1:]):
        boxes = tuple(BBox(x0, row_top, x1, row_bottom) for x0, x1 in zip(bounds, bounds[1:]))
        cells = tuple(words_in(region_words, box) for box in boxes)
        merged = not any(_drawn_across(verticals, x, row_top, row_bottom, settings.snap_pt) for x in bounds[1:-1])
        if any(cells):
            rows.append(GridRow(cells, boxes, merged, page.page_no))
    below = any(w.bbox.top > table_bottom + settings.snap_pt and w.bbox.bottom <= bottom for w in page.words)
    return PageGrid(page.page_no, "ruled", bounds, tuple(rows), below or bottom < page.height, 0.95)


def first_ruled_block(rulings: Sequence[Ruling], top: float, bottom: float, snap: float) -> tuple[Ruling, ...]:
    """The vertical rulings of the first connected table below `top` (its frame may start a little above the first word)."""
    verticals = sorted(
        (r for r in rulings if r.orientation == "v" and r.bbox.bottom > top + snap and r.bbox.top >= top - 8 * snap and r.bbox.top < bottom),
        key=lambda r: r.bbox.top,
    )
    block: list[Ruling] = []
    reach = verticals[0].bbox.bottom if verticals else 0.0
    for ruling in verticals:
        if ruling.bbox.top > reach + snap:
            break
        block.append(ruling)
        reach = max(reach, ruling.bbox.bottom)
    return tuple(block)


def _drawn_across(rulings: Sequence[Ruling], x: float, top: float, bottom: float, snap: float) -> bool:
    """True when a vertical ruling at x covers the middle of the band between top and bottom."""
    middle = (top + bottom) / 2
    return any(abs((r.bbox.x0 + r.bbox.x1) / 2 - x) <= snap and r.bbox.top - snap <= middle <= r.bbox.bottom + snap for r in rulings)
