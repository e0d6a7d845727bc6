"""The lattice strategy: the cells pdfplumber's own table finder cuts from a page's lines, read as a grid.

It is the fallback that never does worse than pdfplumber's `extract_tables`: the reader runs
pdfplumber's finder on each table page's edges (`readers.plumber.lattice_tables`), and here its
cells are filled with our words, so they are stitched, mapped to the contract and judged like any
other grid. Its confidence is lower than the ruled strategy's, whose cuts it shares on a fully
ruled table, and lower still when words inside the table fall in no cell.

pdfplumber closes a cell only where four lines meet, so a row a page break leaves open at the
bottom is not in its table: where the column rules go on below the lattice, the words between
them are read as that open row (else the rest of it, on the next page, would join the row above).
A table whose rules change between rows comes as several lattices stacked with the same columns:
those are read as one.
"""

from __future__ import annotations

from collections.abc import Sequence

from extract.model import BBox, Lattice, Page, Ruling, Word
from extract.settings import TableSettings
from extract.tables.grid import GridRow, PageGrid, words_in

# What a lattice whose cells hold every word inside it is worth: below the ruled strategy's 0.95.
LATTICE_CONFIDENCE = 0.9
# A lattice may start this many snap distances above the band (its frame is drawn above the first word).
FRAME_REACH_SNAPS = 8


def lattice_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """pdfplumber's table that starts first in the band (with the lattices stacked under it on the same columns), as a grid."""
    stack = stacked_lattices(lattices_in_band(page.lattices, top, bottom, settings), settings)
    if not stack:
        return None
    bounds = lattice_bounds(stack[0])
    rows = [row for lattice in stack for cells in lattice if (row := lattice_row(cells, bounds, page.words, page.page_no)) is not None]
    if not rows:
        return None
    extent = lattice_extent(stack[-1])
    left_open = open_row(page, extent, bounds, settings)
    last_bottom = extent.bottom if left_open is None else max(box.bottom for box in left_open.boxes)
    rows += [left_open] if left_open is not None else []
    below = any(w.bbox.top > last_bottom + settings.snap_pt and w.bbox.bottom <= bottom for w in page.words)
    confidence = LATTICE_CONFIDENCE * min(held_share(page.words, rows, lattice_extent(lattice)) for lattice in stack)
    return PageGrid(page.page_no, "lattice", bounds, tuple(rows), below or bottom < page.height, round(confidence, 3))


def open_row(page: Page, extent: BBox, bounds: Sequence[float], settings: TableSettings) -> GridRow | None:
    """The row under a lattice that its column rules go on around but no line closes (a page break's), or None."""
    below = extent.bottom + settings.snap_pt
    going_on = [r for r in page.rulings if r.orientation == "v" and at_a_bound(r, bounds, settings) and r.bbox.top <= below < r.bbox.bottom]
    if len(going_on) < 2:
        return None
    row_bottom = max(r.bbox.bottom for r in going_on)
    boxes = tuple(BBox(x0, extent.bottom, x1, row_bottom) for x0, x1 in zip(bounds, bounds[1:]))
    cells = tuple(words_in(page.words, box) for box in boxes)
    return GridRow(cells, boxes, False, page.page_no) if any(cells) else None


def at_a_bound(ruling: Ruling, bounds: Sequence[float], settings: TableSettings) -> bool:
    """True when a vertical ruling runs along one of the column edges."""
    middle = (ruling.bbox.x0 + ruling.bbox.x1) / 2
    return any(abs(middle - bound) <= settings.snap_pt for bound in bounds)


def lattices_in_band(lattices: Sequence[Lattice], top: float, bottom: float, settings: TableSettings) -> list[Lattice]:
    """The lattices of two columns or more whose top lies in the band (or just above it), top first."""
    inside = [
        lattice for lattice in lattices
        if lattice and len(lattice[0]) >= 2 and top - FRAME_REACH_SNAPS * settings.snap_pt <= lattice_extent(lattice).top < bottom
    ]
    return sorted(inside, key=lambda lattice: lattice_extent(lattice).top)


def stacked_lattices(lattices: Sequence[Lattice], settings: TableSettings) -> list[Lattice]:
    """The first lattice and those after it whose columns are the same (each edge within a snap): one table."""
    stack: list[Lattice] = []
    for lattice in lattices:
        if stack and not same_columns(lattice_bounds(stack[0]), lattice_bounds(lattice), settings):
            break
        stack.append(lattice)
    return stack


def same_columns(first: Sequence[float], second: Sequence[float], settings: TableSettings) -> bool:
    """True when two lattices have as many columns, each edge within a snap of the other's."""
    return len(first) == len(second) and all(abs(a - b) <= settings.snap_pt for a, b in zip(first, second))


def lattice_extent(lattice: Lattice) -> BBox:
    """The box every cell of a lattice lies in."""
    boxes = [box for row in lattice for box in row if box is not None]
    extent = boxes[0]
    for box in boxes[1:]:
        extent = extent.union(box)
    return extent


def lattice_bounds(lattice: Lattice) -> tuple[float, ...]:
    """Each column's left edge (pdfplumber aligns every row's cells on the same columns) and the right edge."""
    columns = len(lattice[0])
    lefts = [min((row[c].x0 for row in lattice if c < len(row) and row[c] is not None), default=None) for c in range(columns)]
    right = lattice_extent(lattice).x1
    bounds: list[float] = [right]
    for left in reversed(lefts):
        bounds.insert(0, left if left is not None else bounds[0])
    return tuple(bounds)


def lattice_row(cells: Sequence[BBox | None], bounds: Sequence[float], words: Sequence[Word], page_no: int) -> GridRow | None:
    """One lattice row as a grid row, or None when none of its cells holds a word.

    A column covered by a merged cell to its left gets no words and the column's own box; a row
    of one cell across several columns is merged.
    """
    present = [box for box in cells if box is not None]
    row_top, row_bottom = min(b.top for b in present), max(b.bottom for b in present)
    boxes = tuple(box if box is not None else BBox(bounds[c], row_top, bounds[c + 1], row_bottom) for c, box in enumerate(cells))
    held = tuple(words_in(words, box) if box is not None else () for box in cells)
    if not any(held):
        return None
    return GridRow(held, boxes, len(cells) > 1 and len(present) == 1, page_no)


def held_share(words: Sequence[Word], rows: Sequence[GridRow], extent: BBox) -> float:
    """The share of the words inside a lattice that its cells hold (1 for an empty lattice)."""
    held = {id(word) for row in rows for cell in row.cells for word in cell}
    inside = words_in(words, BBox(extent.x0, extent.top, extent.x1 + 0.01, extent.bottom + 0.01))
    return sum(id(word) in held for word in inside) / len(inside) if inside else 1.0
