"""Where a study row lies in its PDF, from `provenance`: its box on each page, its cell, and where it goes on.

A steward judges a cell by its row, so the page crops the whole row, not the cell alone. A row
broken by a page lies on two (or more) pages. Provenance holds a box for every cell as the
extractor first met it, so a row whose cells start on two pages shows both; a cell carried on
to the next page keeps only its first box, so when the row is the last of its table on its
page and the table's next row starts on a later page, the top of that page, down to where the
next row starts, is shown too: that is where the rest of a broken row is printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from extract.model import BBox

# A failing column whose text sits in another column's cell: the year is printed with the author.
CELL_OF: Mapping[str, tuple[str, ...]] = {
    "year": ("first_author",),
    "ref_no": ("ref_no", "first_author"),
    "design": ("study_design",),
    "design_label": ("study_design",),
}


@dataclass(frozen=True)
class Place:
    """One cell of a study row on the page: its column, page and box (PDF points, top-left)."""

    study_key: str
    column: str
    page_no: int
    box: BBox


@dataclass(frozen=True)
class Region:
    """A part of a page to show: the region in focus, the boxes outlined on it, the cells marked, and why."""

    page_no: int
    focus: BBox
    outline: tuple[BBox, ...] = ()
    mark: tuple[BBox, ...] = ()
    caption: str = ""


def union(boxes: Sequence[BBox]) -> BBox:
    """The smallest box holding every box given."""
    return BBox(min(b.x0 for b in boxes), min(b.top for b in boxes), max(b.x1 for b in boxes), max(b.bottom for b in boxes))


def located_cells(provenance: pd.DataFrame) -> pd.DataFrame:
    """The provenance rows that have a page and a box (text reports have none)."""
    if provenance.empty:
        return provenance
    return provenance.dropna(subset=["page_no", "x0", "top", "x1", "bottom"]).reset_index(drop=True)


def study_places(cells: pd.DataFrame, positions: Sequence[int]) -> tuple[Place, ...]:
    """One study's cell places (`positions`: its rows of `located_cells`), in page and reading order."""
    rows = cells.iloc[list(positions)]
    places = [
        Place(str(key), str(column), int(page), BBox(float(x0), float(top), float(x1), float(bottom)))
        for key, column, page, x0, top, x1, bottom in zip(
            rows["study_key"], rows["column"], rows["page_no"], rows["x0"], rows["top"], rows["x1"], rows["bottom"]
        )
    ]
    return tuple(sorted(places, key=lambda p: (p.page_no, p.box.top, p.box.x0)))


Spans = Mapping[int, tuple[float, float]]


def page_spans(places: Iterable[Place]) -> dict[int, tuple[float, float]]:
    """The left and right edges of a table on each page: the outermost cells of any of its rows."""
    spans: dict[int, tuple[float, float]] = {}
    for place in places:
        left, right = spans.get(place.page_no, (place.box.x0, place.box.x1))
        spans[place.page_no] = (min(left, place.box.x0), max(right, place.box.x1))
    return spans


def row_boxes(places: Sequence[Place], spans: Spans | None = None) -> dict[int, BBox]:
    """A row's box on each page it has cells on, as wide as its table there (`spans`), empty cells included."""
    pages: dict[int, list[BBox]] = {}
    for place in places:
        pages.setdefault(place.page_no, []).append(place.box)
    boxes = {page: union(found) for page, found in sorted(pages.items())}
    spans = spans or {}
    return {
        page: BBox(min(box.x0, spans[page][0]), box.top, max(box.x1, spans[page][1]), box.bottom) if page in spans else box
        for page, box in boxes.items()
    }


def start(places: Sequence[Place]) -> tuple[int, float]:
    """Where a row starts: its first page and its top there."""
    first = min(places, key=lambda p: (p.page_no, p.box.top))
    return first.page_no, first.box.top


def cell_marks(column: str, places: Sequence[Place], neighbours: Sequence[Place]) -> dict[int, BBox]:
    """The failing cell's box on each page; an empty cell is drawn where its column crosses the row.

    `neighbours` are the cells of the other rows of the table: an empty cell has no place of its
    own, but its column's left and right edges are those of the same column in another row.
    """
    if not column:
        return {}
    for name in (column, *CELL_OF.get(column, ())):
        own = [p for p in places if p.column == name]
        if own:
            return {p.page_no: p.box for p in own}
    edges = [p.box for p in neighbours if p.column == column]
    if not edges:
        return {}
    left, right = min(b.x0 for b in edges), max(b.x1 for b in edges)
    return {page: BBox(left, box.top, right, box.bottom) for page, box in row_boxes(places).items()}


def next_row_start(key: str, table_rows: Mapping[str, Sequence[Place]]) -> tuple[int, float] | None:
    """Where the row after this one in its table starts, in page order; None for the table's last row."""
    starts = sorted((start(places), other) for other, places in table_rows.items() if places)
    keys = [other for _, other in starts]
    if key not in keys or keys.index(key) + 1 >= len(keys):
        return None
    return starts[keys.index(key) + 1][0]


def row_regions(
    key: str, column: str, table_rows: Mapping[str, Sequence[Place]], page_sizes: Sequence[tuple[float, float]] = ()
) -> tuple[Region, ...]:
    """The regions that show a whole study row: every page it has cells on, and pages it may run on to.

    `table_rows` holds the places of every row of the same table (this one included);
    `page_sizes` (width, height in points, page 1 first) lets a page the row fills be shown whole.
    """
    places = table_rows.get(key, ())
    if not places:
        return ()
    boxes = row_boxes(places, page_spans(p for found in table_rows.values() for p in found))
    neighbours = [p for other, found in table_rows.items() if other != key for p in found]
    marks = cell_marks(column, places, neighbours)
    regions = [
        Region(page, box, (box,), (marks[page],) if page in marks else (), f"page {page}")
        for page, box in boxes.items()
    ]
    left, right = min(b.x0 for b in boxes.values()), max(b.x1 for b in boxes.values())
    last = max(boxes)
    following = next_row_start(key, table_rows)
    if following is not None and following[0] > last:
        for page in range(last + 1, following[0] + 1):
            height = page_sizes[page - 1][1] if page - 1 < len(page_sizes) else following[1]
            bottom = following[1] if page == following[0] else height
            if bottom > 0:
                regions.append(Region(page, BBox(left, 0.0, right, bottom), (), (), f"page {page}, above the table's next row: where this row goes on when the page broke it"))
    return tuple(regions)


def rows_regions(keys: Sequence[str], places: Mapping[str, Sequence[Place]], caption: str, spans: Spans | None = None, limit: int = 6) -> tuple[Region, ...]:
    """One region per page holding any of several rows, each row outlined (what a report-level check counted)."""
    pages: dict[int, list[BBox]] = {}
    for key in keys:
        for page, box in row_boxes(places.get(key, ()), spans).items():
            pages.setdefault(page, []).append(box)
    return tuple(
        Region(page, union(boxes), tuple(boxes), (), f"{caption}, page {page}")
        for page, boxes in sorted(pages.items())[:limit]
    )
