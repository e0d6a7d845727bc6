"""Following a table from its caption across pages: which strategy cuts each page, and where the table ends.

Each finder is an independent reading of every summary table: the page geometry (ruled where
lines are drawn, aligned otherwise: the first that cuts a page), the PDF's structure tree, and
pdfplumber's lattice. Each follows every caption and is stitched on its own; per caption the most
confident table wins (`choose`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from extract.model import Page
from extract.settings import TableSettings
from extract.tables.aligned import aligned_grid
from extract.tables.grid import Caption, GridStrategy, PageGrid
from extract.tables.lattice import lattice_grid
from extract.tables.ruled import ruled_grid
from extract.tables.structure import structure_grid


PAGE_STRATEGIES: tuple[GridStrategy, ...] = (ruled_grid, aligned_grid)
FINDERS: Mapping[str, tuple[GridStrategy, ...]] = {
    "geometry": PAGE_STRATEGIES,
    "structure": (structure_grid,),
    "lattice": (lattice_grid,),
}


@dataclass(frozen=True)
class Following:
    """A table being followed from its caption: the page it needs next and its grid on the last page."""

    caption: Caption
    next_page: int
    previous: PageGrid | None = None
    open: bool = True


def start_following(caption: Caption) -> Following:
    """Follow a table from the page its caption is on."""
    return Following(caption, caption.page_no)


def follow_page(
    following: Following, page: Page, bottom: float, settings: TableSettings, strategies: Sequence[GridStrategy] = PAGE_STRATEGIES,
) -> tuple[Following, PageGrid | None]:
    """The table's grid on `page` (cut off at `bottom`, where the next caption starts), and how to go on.

    The table ends at the first page that is not the next one, holds no grid of it, or does not
    start with it; and on the page where it ends by itself or meets another caption. A caption
    with nothing below it on its page (printed at the page's foot) looks for its table at the top
    of the next page.
    """
    closed = replace(following, open=False)
    if not following.open or page.page_no != following.next_page:
        return closed, None
    continued = page.page_no != following.caption.page_no
    top = body_top(page) if continued else following.caption.bbox.bottom
    if continued and bottom <= top + settings.snap_pt:
        return closed, None
    grid = page_grid(page, top, bottom, following.previous, settings, strategies)
    if grid is None and not continued and bottom >= page.height and not _words_below(page, top):
        return replace(following, next_page=page.page_no + 1), None
    if grid is None or (continued and not _starts_page(grid, page, settings)):
        return closed, None
    ends = grid.ends_table or bottom < page.height
    return Following(following.caption, page.page_no + 1, grid, not ends), grid


def page_grid(
    page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings,
    strategies: Sequence[GridStrategy] = PAGE_STRATEGIES,
) -> PageGrid | None:
    """The table's grid on one page from the first strategy that finds one (geometry: ruled where lines are drawn, aligned otherwise)."""
    grids = (strategy(page, top, bottom, previous, settings) for strategy in strategies)
    return next((grid for grid in grids if grid is not None), None)


def _starts_page(grid: PageGrid, page: Page, settings: TableSettings) -> bool:
    """True when a continued table's grid holds the page's first line (nothing printed above it)."""
    tops = [w.bbox.top for row in grid.rows[:1] for cell in row.cells for w in cell]
    return bool(tops) and min(tops) <= body_top(page) + settings.snap_pt


def _words_below(page: Page, top: float) -> bool:
    """Whether anything is printed on the page below `top`."""
    return any(w.bbox.top >= top for w in page.words)


def body_top(page: Page) -> float:
    """The top of a page's first word (furniture is already gone)."""
    return min((w.bbox.top for w in page.words), default=0.0)
