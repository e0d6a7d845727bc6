"""`inspect`: PNGs of a PDF's pages with the detected tables, columns, rows and cells drawn on them.

The reader and the table finder are run as in extraction; what they found is drawn over the
rendered page, so a wrong column or a missed row is seen at a glance.
"""

from __future__ import annotations

from pathlib import Path

from extract.model import BBox
from extract.readers.render import Overlay, draw_page_overlays
from extract.readers.pdf import read_pdf
from extract.settings import Limits
from extract.tables.grid import Caption, PageGrid
from extract.tables.pages import summary_table_grids

CAPTION_COLOUR = (0, 90, 255, 255)
COLUMN_COLOUR = (220, 0, 0, 255)
ROW_COLOUR = (0, 160, 0, 255)
CELL_COLOUR = (255, 150, 0, 200)


def grid_extent(grid: PageGrid) -> BBox | None:
    """The box a page grid's rows cover, or None for a grid without rows."""
    boxes = [box for row in grid.rows for box in row.boxes]
    if not boxes:
        return None
    extent = boxes[0]
    for box in boxes[1:]:
        extent = extent.union(box)
    return extent


def grid_overlays(grid: PageGrid) -> list[Overlay]:
    """Columns (full-height strips), rows and non-empty cells of one page grid."""
    extent = grid_extent(grid)
    if extent is None:
        return []
    columns = tuple(BBox(x0, extent.top, x1, extent.bottom) for x0, x1 in zip(grid.bounds, grid.bounds[1:]))
    rows = tuple(BBox(extent.x0, min(b.top for b in r.boxes), extent.x1, max(b.bottom for b in r.boxes)) for r in grid.rows)
    cells = tuple(box for row in grid.rows for box, words in zip(row.boxes, row.cells) if words)
    return [Overlay(columns, COLUMN_COLOUR, 2), Overlay(rows, ROW_COLOUR, 1), Overlay(cells, CELL_COLOUR, 1)]


def overlays_by_page(found: list[tuple[Caption, list[PageGrid]]]) -> dict[int, list[Overlay]]:
    """Every page's overlays: captions and the grids of the tables found on it."""
    pages: dict[int, list[Overlay]] = {}
    for caption, grids in found:
        pages.setdefault(caption.page_no, []).append(Overlay((caption.bbox,), CAPTION_COLOUR, 2))
        for grid in grids:
            pages.setdefault(grid.page_no, []).extend(grid_overlays(grid))
    return pages


def inspect_pdf(path: Path, out_dir: Path, page_no: int | None = None, limits: Limits = Limits()) -> list[Path]:
    """Write one PNG per page holding a detected table (or just `page_no`); return their paths."""
    path, out_dir = Path(path), Path(out_dir)
    doc = read_pdf(path, limits)
    pages = overlays_by_page(summary_table_grids(doc))
    chosen = [page_no] if page_no is not None else sorted(pages)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        draw_page_overlays(path, number, pages.get(number, []), out_dir / f"{doc.report_id}-page-{number:03d}.png", limits)
        for number in chosen
        if 1 <= number <= (doc.n_pages or 0)
    ]
