"""The summary tables of a PDF, found from page geometry page by page as the reader hands pages over.

This is the page finders' entry: each `Table N:` summary caption is followed (`follow`) and its
page grids stitched (`stitch`) as pages arrive, so a page's words can be dropped as soon as its
grid is cut. `SummaryTables` follows them with one finder (the page geometry unless told
otherwise); `CandidateTables` with every finder of `follow.FINDERS`, each on its own, so each
caption gets one candidate table per finder that reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from extract.layout.captions import CAPTION, is_summary_caption
from extract.layout.words import box_of, words_to_lines
from extract.model import Document, Page, Table
from extract.settings import DEFAULT_TABLE_SETTINGS, TableSettings
from extract.tables.follow import FINDERS, PAGE_STRATEGIES, Following, follow_page, start_following
from extract.tables.grid import Caption, GridStrategy, PageGrid
from extract.tables.stitch import GridSummary, StitchedRows, stitch_grid, stitched_table, summarise_grid


def tables_from_pages(doc: Document, settings: TableSettings = DEFAULT_TABLE_SETTINGS) -> tuple[Table, ...]:
    """Every summary-of-studies table of a PDF document as the page geometry reads it, stitched across pages."""
    return read_summary_tables(doc.pages, settings).tables()


def candidate_tables(doc: Document, settings: TableSettings = DEFAULT_TABLE_SETTINGS) -> tuple[Table, ...]:
    """Every summary table of a document as each finder reads it: the candidates `choose` picks from."""
    found = CandidateTables(settings)
    for page in doc.pages:
        found.add_page(page)
    return found.tables()


def summary_table_grids(doc: Document, settings: TableSettings = DEFAULT_TABLE_SETTINGS) -> list[tuple[Caption, list[PageGrid]]]:
    """Each summary caption with the page grids of its table (what `inspect` draws)."""
    return read_summary_tables(doc.pages, settings, keep_grids=True).grids()


def read_summary_tables(pages: Iterable[Page], settings: TableSettings = DEFAULT_TABLE_SETTINGS, keep_grids: bool = False) -> SummaryTables:
    """Feed pages in order to a SummaryTables."""
    found = SummaryTables(settings, keep_grids)
    for page in pages:
        found.add_page(page)
    return found


class SummaryTables:
    """The summary tables of a PDF, found page by page as the pages are read.

    A page's words are needed only while that page is cut into its grid, so a reader can hand
    pages over one at a time and drop them: what stays is the rows found so far and the last
    page's grid (a continued unruled page takes its columns from it). Pages must come in page
    order; pages the reader did not read simply never come, and a table ends before a gap.
    """

    def __init__(
        self, settings: TableSettings = DEFAULT_TABLE_SETTINGS, keep_grids: bool = False, strategies: Sequence[GridStrategy] = PAGE_STRATEGIES,
    ) -> None:
        self.settings = settings
        self.keep_grids = keep_grids
        self.strategies = tuple(strategies)
        self.found: list[TableInProgress] = []

    def add_page(self, page: Page, captions: list[Caption] | None = None) -> None:
        """Continue the open tables onto this page, then follow each summary caption printed on it (`captions`: the page's, when known)."""
        if not page.words:
            return
        captions = page_captions(page, self.settings) if captions is None else captions
        for table in self.found:
            if table.following.open:
                self._follow(table, page, captions[0].bbox.top if captions else page.height)
        for index, caption in enumerate(captions):
            if is_summary_caption(caption.text):
                table = TableInProgress(start_following(caption), grids=[] if self.keep_grids else None)
                self.found.append(table)
                self._follow(table, page, captions[index + 1].bbox.top if index + 1 < len(captions) else page.height)

    def _follow(self, table: TableInProgress, page: Page, bottom: float) -> None:
        """Cut the table's grid on this page, if it goes on here, and stitch it in."""
        table.following, grid = follow_page(table.following, page, bottom, self.settings, self.strategies)
        if grid is None:
            return
        table.stitched = stitch_grid(table.stitched, grid, self.settings)
        table.summary = summarise_grid(table.summary, grid)
        if table.grids is not None:
            table.grids.append(grid)

    def tables(self) -> tuple[Table, ...]:
        """The tables found, in caption order, leaving out captions with no table under them."""
        tables = (stitched_table(t.following.caption, t.stitched, t.summary) for t in self.found)
        return tuple(table for table in tables if table is not None)

    def grids(self) -> list[tuple[Caption, list[PageGrid]]]:
        """Each summary caption with the page grids of its table (kept only when asked for)."""
        return [(t.following.caption, list(t.grids or ())) for t in self.found]


class CandidateTables:
    """The summary tables of a PDF as every finder reads them, page by page: one `SummaryTables` per finder."""

    def __init__(
        self, settings: TableSettings = DEFAULT_TABLE_SETTINGS, keep_grids: bool = False, finders: Mapping[str, Sequence[GridStrategy]] = FINDERS,
    ) -> None:
        self.settings = settings
        self.finders = {name: SummaryTables(settings, keep_grids, strategies) for name, strategies in finders.items()}

    def add_page(self, page: Page) -> None:
        """Hand one page to every finder, its captions found once."""
        if page.words:
            captions = page_captions(page, self.settings)
            for finder in self.finders.values():
                finder.add_page(page, captions)

    def tables(self) -> tuple[Table, ...]:
        """Every finder's tables, finder by finder in `FINDERS` order."""
        return tuple(table for finder in self.finders.values() for table in finder.tables())

    def grids(self) -> dict[str, list[tuple[Caption, list[PageGrid]]]]:
        """Each finder's captions with their page grids (kept only when asked for)."""
        return {name: finder.grids() for name, finder in self.finders.items()}


@dataclass
class TableInProgress:
    """One summary table while its pages are read: how it is followed, its rows, its report, and (for drawing) its grids."""

    following: Following
    stitched: StitchedRows = StitchedRows()
    summary: GridSummary = GridSummary()
    grids: list[PageGrid] | None = None


def page_captions(page: Page, settings: TableSettings) -> list[Caption]:
    """Every `Table N:` caption line on a page (summary or not: any caption ends the table above it)."""
    captions = []
    for line in words_to_lines(page.words, settings):
        text = " ".join(w.text for w in line)
        if CAPTION.match(text):
            captions.append(Caption(text, page.page_no, box_of(line)))
    return captions
