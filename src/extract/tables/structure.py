"""The structure strategy: a tagged PDF's own table, its rows and cells as the structure tree gives them, checked against the page.

The reader (`readers.tagged`) says which marked content each TH and TD owns on a page, and every
word carries the marked-content id it is drawn under, so a cell's words are found without any
geometry. The geometry then checks the tree: a row's cells must run left to right without
overlapping, each row must sit below the one before, and every word inside the table must
belong to a cell; what disagrees lowers the confidence, so a wrong tree loses to the page's lines.
A producer that repeats a table's header on each page as an artifact (drawn, not tagged) leaves
untagged words above the page's first tagged row: they are read as a row of their own, by column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extract.model import BBox, Page, TaggedCell, TaggedTable, Word
from extract.settings import TableSettings
from extract.tables.grid import GridRow, PageGrid, column_index

# What a tagged table that agrees with the page in every check is worth: more than a grid cut from lines (0.95).
STRUCTURE_CONFIDENCE = 0.97


@dataclass(frozen=True)
class TaggedRow:
    """One tagged row on the page: the words of each of its cells, by starting column and span."""

    cells: tuple[tuple[TaggedCell, tuple[Word, ...]], ...]

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(word for _, words in self.cells for word in words)


def structure_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """The first tagged table drawn in the band, as a grid of its tagged rows, or None on a page with none there."""
    by_mcid = words_by_mcid(page.words)
    for table in page.tagged:
        rows = [row for row in tagged_rows(table, by_mcid) if row.words and in_band(row.words, top, bottom)]
        if rows:
            return table_grid(page, table.columns, rows, top, bottom, previous, settings)
    return None


def words_by_mcid(words: Sequence[Word]) -> Mapping[int, list[Word]]:
    """The page's words under each marked-content id."""
    found: dict[int, list[Word]] = defaultdict(list)
    for word in words:
        if word.mcid is not None:
            found[word.mcid].append(word)
    return found


def tagged_rows(table: TaggedTable, by_mcid: Mapping[int, list[Word]]) -> list[TaggedRow]:
    """A tagged table's rows with each cell's words."""
    return [
        TaggedRow(tuple((cell, tuple(word for mcid in sorted(cell.mcids) for word in by_mcid.get(mcid, ()))) for cell in row))
        for row in table.rows
    ]


def in_band(words: Sequence[Word], top: float, bottom: float) -> bool:
    """True when the words' middle lies between top and bottom."""
    middle = (min(w.bbox.top for w in words) + max(w.bbox.bottom for w in words)) / 2
    return top <= middle <= bottom


def table_grid(
    page: Page, columns: int, rows: list[TaggedRow], top: float, bottom: float, previous: PageGrid | None, settings: TableSettings,
) -> PageGrid:
    """The grid of a tagged table's rows on a page, with an artifact header above them as a row, and its confidence."""
    bounds = column_bounds(rows, columns, previous)
    first_top = min(w.bbox.top for w in rows[0].words)
    header = [w for w in page.words if w.mcid is None and w.bbox.top >= top - 1 and w.bbox.bottom <= first_top
              and bounds[0] - settings.snap_pt <= w.bbox.x0 and w.bbox.x1 <= bounds[-1] + settings.snap_pt]
    grid_rows = ([artifact_row(header, bounds, page.page_no)] if header else []) + [grid_row(row, bounds, columns, page.page_no) for row in rows]
    last_bottom = max(w.bbox.bottom for w in rows[-1].words)
    below = any(w.bbox.top > last_bottom + settings.snap_pt and w.bbox.bottom <= bottom for w in page.words)
    confidence = STRUCTURE_CONFIDENCE * coverage(page.words, grid_rows, bounds) * ordered_share(rows, settings)
    return PageGrid(page.page_no, "structure", bounds, tuple(grid_rows), below or bottom < page.height, round(confidence, 3))


def column_bounds(rows: Sequence[TaggedRow], columns: int, previous: PageGrid | None) -> tuple[float, ...]:
    """Each column's left edge (the leftmost word of a one-column cell starting there) and the table's right edge.

    A column with no such word on the page takes its edge from the page before, else the next column's;
    the right edge is the page before's when that lies further right (a continued page may hold only
    short lines).
    """
    lefts: dict[int, float] = {}
    for row in rows:
        for cell, words in row.cells:
            if words and cell.span == 1:
                lefts[cell.column] = min([lefts.get(cell.column, words[0].bbox.x0), *(w.bbox.x0 for w in words)])
    inherited = previous.bounds if previous is not None and len(previous.bounds) == columns + 1 else None
    bounds = [max([w.bbox.x1 for row in rows for w in row.words] + ([inherited[-1]] if inherited else []))]
    for column in range(columns - 1, -1, -1):
        bounds.insert(0, lefts.get(column, inherited[column] if inherited else bounds[0]))
    bounds[0] = min(bounds[0], min(w.bbox.x0 for row in rows for w in row.words))
    return tuple(bounds)


def grid_row(row: TaggedRow, bounds: Sequence[float], columns: int, page_no: int) -> GridRow:
    """A tagged row as a grid row: each cell's words in the column it starts in, boxes column by row."""
    words = row.words
    row_top, row_bottom = min(w.bbox.top for w in words), max(w.bbox.bottom for w in words)
    cells: list[tuple[Word, ...]] = [() for _ in range(columns)]
    for cell, cell_words in row.cells:
        if cell.column < columns:
            cells[cell.column] += cell_words
    boxes = tuple(BBox(bounds[c], row_top, bounds[c + 1], row_bottom) for c in range(columns))
    filled = [cell for cell, cell_words in row.cells if cell_words]
    merged = columns > 1 and len(filled) == 1 and filled[0].span >= columns
    return GridRow(tuple(cells), boxes, merged, page_no)


def artifact_row(words: Sequence[Word], bounds: Sequence[float], page_no: int) -> GridRow:
    """Untagged words above a page's first tagged row (a header repeated as an artifact), placed by column."""
    cells: list[list[Word]] = [[] for _ in bounds[:-1]]
    for word in words:
        cells[column_index(bounds, (word.bbox.x0 + word.bbox.x1) / 2)].append(word)
    row_top, row_bottom = min(w.bbox.top for w in words), max(w.bbox.bottom for w in words)
    boxes = tuple(BBox(x0, row_top, x1, row_bottom) for x0, x1 in zip(bounds, bounds[1:]))
    return GridRow(tuple(tuple(cell) for cell in cells), boxes, False, page_no)


def coverage(words: Sequence[Word], rows: Sequence[GridRow], bounds: Sequence[float]) -> float:
    """The share of the words inside the grid's extent that one of its cells holds (1 for an empty extent)."""
    held = {id(word) for row in rows for cell in row.cells for word in cell}
    top = min(box.top for row in rows for box in row.boxes)
    bottom = max(box.bottom for row in rows for box in row.boxes)
    inside = [w for w in words if bounds[0] <= (w.bbox.x0 + w.bbox.x1) / 2 <= bounds[-1] and top <= (w.bbox.top + w.bbox.bottom) / 2 <= bottom]
    return sum(id(word) in held for word in inside) / len(inside) if inside else 1.0


def ordered_share(rows: Sequence[TaggedRow], settings: TableSettings) -> float:
    """The share of rows whose cells run left to right without overlapping and that start below the row before."""
    good = 0
    for position, row in enumerate(rows):
        filled = sorted(((cell.column, words) for cell, words in row.cells if words), key=lambda item: item[0])
        across = all(
            max(w.bbox.x1 for w in left) <= min(w.bbox.x0 for w in right) + settings.snap_pt
            for (_, left), (_, right) in zip(filled, filled[1:])
        )
        down = position == 0 or min(w.bbox.top for w in row.words) >= max(w.bbox.bottom for w in rows[position - 1].words) - settings.snap_pt
        good += across and down
    return good / len(rows)
