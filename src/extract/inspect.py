"""`inspect`: PNGs of a PDF's pages with what the table finders saw drawn on them, and why each candidate table was kept or not.

The reader, every finder (page geometry, structure tree, pdfplumber's lattice) and the choice
are run as in extraction. Where a summary table was found, its pages are drawn with the caption
and the grid of the finder whose table was kept. Where none was, the candidate pages are drawn
instead — pages with a `Table N:` caption, a line of known column headers, or ruling lines, read
whole for the purpose — with everything that was considered: captions, header lines, rulings
and each finder's grid, and the notes say why each candidate was turned away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from extract.layout.captions import is_summary_caption
from extract.layout.words import box_of, words_to_lines
from extract.model import BBox, Document, Page, Table
from extract.readers.guard import precheck
from extract.readers.pdf import read_pdf
from extract.readers.render import Overlay, draw_page_overlays
from extract.settings import DEFAULT_TABLE_SETTINGS, Limits, TableSettings
from extract.tables.aligned import line_segments
from extract.tables.choose import Choice, caption_key, chosen_tables, label_key, pages_text
from extract.tables.grid import Caption, PageGrid
from extract.tables.headers import is_known_header
from extract.tables.pages import CandidateTables, page_captions
from extract.tables.rebuild import tables_from_blocks

CAPTION_COLOUR = (0, 90, 255, 255)
COLUMN_COLOUR = (220, 0, 0, 255)
ROW_COLOUR = (0, 160, 0, 255)
CELL_COLOUR = (255, 150, 0, 200)
HEADER_LINE_COLOUR = (150, 0, 200, 255)
RULING_COLOUR = (110, 110, 110, 255)
LATTICE_CELL_COLOUR = (255, 140, 255, 255)
# Each finder's grid in its own colour where several are drawn on one page (geometry keeps red, green and orange),
# drawn this many points inside the geometry's, so grids that agree are all seen.
FINDER_COLOURS: Mapping[str, tuple[int, int, int, int]] = {"structure": (0, 150, 150, 255), "lattice": (210, 0, 210, 255)}
FINDER_INSETS_PT: Mapping[str, float] = {"structure": 1.5, "lattice": 3.0}
LEGEND = (
    "Drawn: captions blue, header lines purple, rulings grey, lattice cells pink; grids: geometry columns red, rows green, "
    "cells orange; structure teal; lattice magenta."
)
# At most this many candidate pages are drawn for a report with no summary table (captions first, then headers, then rulings).
MAX_CANDIDATE_PAGES = 12
# A page is a candidate for its rulings when it has at least this many.
MIN_CANDIDATE_RULINGS = 2

FinderGrids = Mapping[str, list[tuple[Caption, list[PageGrid]]]]


@dataclass(frozen=True)
class Inspection:
    """What `inspect` wrote and what it has to say: the pictures, and a note per candidate table and candidate page."""

    pictures: tuple[Path, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PageMarks:
    """What makes a page a candidate for holding a table: its captions, its lines of known headers, its rulings and
    the cells pdfplumber's lattice finder closes with its lines (shaded cells included)."""

    page_no: int
    captions: tuple[Caption, ...]
    header_lines: tuple[tuple[str, BBox], ...]
    rulings: tuple[BBox, ...]
    lattice_cells: tuple[BBox, ...] = ()

    @property
    def rank(self) -> int:
        """0 for a page with a caption, 1 with a header line, 2 with rulings only, 3 for no candidate."""
        if self.captions:
            return 0
        if self.header_lines:
            return 1
        return 2 if len(self.rulings) >= MIN_CANDIDATE_RULINGS or self.lattice_cells else 3


def inspect_pdf(path: Path, out_dir: Path, page_no: int | None = None, limits: Limits = Limits()) -> Inspection:
    """Draw the pages of a PDF's summary tables (or, when none was found, its candidate pages) and say why each candidate was kept or not."""
    path, out_dir = Path(path), Path(out_dir)
    precheck(path, limits)
    doc = read_pdf(path, limits)
    found = CandidateTables(keep_grids=True)
    for page in doc.pages:
        found.add_page(page)
    choice = chosen_tables(found.tables(), lambda: tables_from_blocks(doc))
    grids = found.grids()
    notes = [*choice_notes(choice), *caption_notes(grids, choice, doc.pages)]
    if choice.tables:
        overlays = overlays_by_page(kept_grids(grids, choice.tables))
        shown = sorted(overlays)
    else:
        marks = [page_marks(page, DEFAULT_TABLE_SETTINGS) for page in read_pdf(path, limits, every_page=True).pages]
        candidates = sorted((m for m in marks if m.rank < 3), key=lambda m: (m.rank, m.page_no))
        overlays = merged(overlays_by_page(all_grids(grids), inset=True), {m.page_no: mark_overlays(m) for m in candidates})
        shown = sorted(m.page_no for m in candidates[:MAX_CANDIDATE_PAGES])
        notes = [f"No summary table found in {path.name}.", *notes, *candidate_notes(candidates, doc, all_grids(grids))]
    chosen = [page_no] if page_no is not None else shown
    out_dir.mkdir(parents=True, exist_ok=True)
    pictures = tuple(
        draw_page_overlays(path, number, overlays.get(number, []), out_dir / f"{doc.report_id}-page-{number:03d}.png", limits)
        for number in chosen
        if 1 <= number <= (doc.n_pages or 0)
    )
    return Inspection(pictures, (*notes, LEGEND) if pictures else tuple(notes))


def grid_extent(grid: PageGrid) -> BBox | None:
    """The box a page grid's rows cover, or None for a grid without rows."""
    boxes = [box for row in grid.rows for box in row.boxes]
    if not boxes:
        return None
    extent = boxes[0]
    for box in boxes[1:]:
        extent = extent.union(box)
    return extent


def grid_overlays(grid: PageGrid, finder: str = "geometry", inset: bool = False) -> list[Overlay]:
    """Columns (full-height strips), rows and non-empty cells of one page grid, in its finder's colours (set inside
    the geometry's with `inset`, where every finder's grid is drawn)."""
    extent = grid_extent(grid)
    if extent is None:
        return []
    columns = tuple(BBox(x0, extent.top, x1, extent.bottom) for x0, x1 in zip(grid.bounds, grid.bounds[1:]))
    rows = tuple(BBox(extent.x0, min(b.top for b in r.boxes), extent.x1, max(b.bottom for b in r.boxes)) for r in grid.rows)
    if finder in FINDER_COLOURS:
        shrink = FINDER_INSETS_PT[finder] if inset else 0.0
        return [Overlay(inset_boxes(columns, shrink), FINDER_COLOURS[finder], 2), Overlay(inset_boxes(rows, shrink), FINDER_COLOURS[finder], 1)]
    cells = tuple(box for row in grid.rows for box, words in zip(row.boxes, row.cells) if words)
    return [Overlay(columns, COLUMN_COLOUR, 2), Overlay(rows, ROW_COLOUR, 1), Overlay(cells, CELL_COLOUR, 1)]


def inset_boxes(boxes: Sequence[BBox], inset: float) -> tuple[BBox, ...]:
    """Boxes shrunk by `inset` points on every side (never past their middle)."""
    return tuple(
        BBox(b.x0 + min(inset, b.width / 2), b.top + min(inset, b.height / 2), b.x1 - min(inset, b.width / 2), b.bottom - min(inset, b.height / 2))
        for b in boxes
    )


def overlays_by_page(found: Sequence[tuple[str, Caption, list[PageGrid]]], inset: bool = False) -> dict[int, list[Overlay]]:
    """Every page's overlays: captions, and the grids of the tables on it in their finders' colours."""
    pages: dict[int, list[Overlay]] = {}
    for finder, caption, grids in found:
        caption_overlay = Overlay((caption.bbox,), CAPTION_COLOUR, 2)
        if caption_overlay not in pages.setdefault(caption.page_no, []):
            pages[caption.page_no].append(caption_overlay)
        for grid in grids:
            pages.setdefault(grid.page_no, []).extend(grid_overlays(grid, finder, inset))
    return pages


def finder_of(table: Table) -> str:
    """The finder that read a table, from its parsing report's strategy."""
    strategy = table.report.strategy
    return strategy if strategy in FINDER_COLOURS or strategy == "text-blocks" else "geometry"


def kept_grids(grids: FinderGrids, kept: Sequence[Table]) -> list[tuple[str, Caption, list[PageGrid]]]:
    """For each summary caption, the grids of the finder whose table was kept (every finder's, when the kept table is not theirs)."""
    winners = {caption_key(table): finder_of(table) for table in kept}
    return [
        (finder, caption, found)
        for finder, captions in grids.items()
        for caption, found in captions
        if is_summary_caption(caption.text) and winners.get(label_key(caption.text), finder) in (finder, "text-blocks")
    ]


def all_grids(grids: FinderGrids) -> list[tuple[str, Caption, list[PageGrid]]]:
    """Every finder's captions with their grids."""
    return [(finder, caption, found) for finder, captions in grids.items() for caption, found in captions]


def merged(*by_page: Mapping[int, list[Overlay]]) -> dict[int, list[Overlay]]:
    """Several pages-to-overlays maps as one."""
    pages: dict[int, list[Overlay]] = {}
    for overlays in by_page:
        for number, found in overlays.items():
            pages.setdefault(number, []).extend(found)
    return pages


def page_marks(page: Page, settings: TableSettings) -> PageMarks:
    """A page's captions, lines of two or more known column headers, and rulings."""
    headers = []
    for line in words_to_lines(page.words, settings):
        segments = line_segments(line, settings)
        if sum(is_known_header(" ".join(word.text for word in segment)) for segment in segments) >= 2:
            headers.append((" ".join(word.text for word in line), box_of(line)))
    rulings = tuple(ruling.bbox for ruling in page.rulings)
    cells = tuple(box for lattice in page.lattices for row in lattice for box in row if box is not None)
    return PageMarks(page.page_no, tuple(page_captions(page, settings)), tuple(headers), rulings, cells)


def mark_overlays(marks: PageMarks) -> list[Overlay]:
    """A candidate page's rulings, header lines and captions as overlays."""
    return [
        Overlay(marks.rulings, RULING_COLOUR, 1),
        Overlay(marks.lattice_cells, LATTICE_CELL_COLOUR, 1),
        Overlay(tuple(box for _, box in marks.header_lines), HEADER_LINE_COLOUR, 2),
        Overlay(tuple(caption.bbox for caption in marks.captions), CAPTION_COLOUR, 2),
    ]


def describe(table: Table) -> str:
    """A table as the notes name it: its caption, the strategy that read it and its pages."""
    return f"{table.label or 'a table without caption'} ({table.report.strategy}{pages_text(table.report.pages)})"


def rows_text(count: int) -> str:
    """`1 row`, `3 rows`."""
    return f"{count} row" if count == 1 else f"{count} rows"


def choice_notes(choice: Choice) -> list[str]:
    """A line per candidate table: kept, outranked by a more confident one, or rejected by the gate and why."""
    kept = {caption_key(table): table for table in choice.tables}
    notes = [f"{describe(table)}: kept, confidence {table.report.confidence:.2f}, {rows_text(len(table.rows))}" for table in choice.tables]
    for table in choice.outranked:
        winner = kept.get(caption_key(table))
        beaten = f"{winner.report.strategy} read it with {winner.report.confidence:.2f}" if winner else "another table was kept"
        notes.append(f"{describe(table)}: passed the gate with {table.report.confidence:.2f}, but {beaten}")
    notes += [f"{describe(table)}: rejected: {verdict.reason}" for table, verdict in choice.rejected]
    return notes


# What a finder reads that only some PDFs have, and what to say when the table pages have none of it.
FINDER_INPUTS: Mapping[str, tuple[str, str]] = {
    "structure": ("tagged", "the table pages carry no tagged table (no structure tree, or its tables are not tagged)"),
    "lattice": ("lattices", "pdfplumber's table finder closes no cell on the table pages"),
}


def caption_notes(grids: FinderGrids, choice: Choice, pages: Sequence[Page]) -> list[str]:
    """A line per summary caption and finder that yielded no candidate table: no grid under it, or no author column in its
    header; one line for a finder with nothing to read on any table page."""
    candidates = {(caption_key(table), finder_of(table)) for table in (*choice.tables, *choice.outranked, *(t for t, _ in choice.rejected))}
    notes = []
    for finder, captions in grids.items():
        if captions and finder in FINDER_INPUTS and not any(getattr(page, FINDER_INPUTS[finder][0]) for page in pages):
            notes.append(f"{finder}: {FINDER_INPUTS[finder][1]}")
            continue
        for caption, found in captions:
            if (label_key(caption.text), finder) in candidates:
                continue
            where = f"{caption.text} (page {caption.page_no}), {finder}"
            if not found:
                notes.append(f"{where}: no grid found under the caption")
            else:
                numbers = ", ".join(str(grid.page_no) for grid in found)
                notes.append(f"{where}: grids on page(s) {numbers}, but no header row names the author column")
    return notes


def ruling_text(marks: PageMarks) -> str:
    """`12 ruling lines, 8 lattice cells` for a page drawn with lines."""
    return f"{len(marks.rulings)} ruling lines, {len(marks.lattice_cells)} lattice cells"


def candidate_notes(candidates: Sequence[PageMarks], doc: Document, grids: Sequence[tuple[str, Caption, list[PageGrid]]]) -> list[str]:
    """A line per candidate page saying what made it one and why no summary table came of it (pages a table
    was followed onto are told by the notes on its caption)."""
    if not candidates:
        return ["No page has a `Table N:` caption, a line of known column headers or ruling lines: nothing there looks like a table."]
    read = {page.page_no for page in doc.pages if page.words}
    followed = {grid.page_no for _, caption, found in grids for grid in found if grid.page_no != caption.page_no}
    notes = []
    for marks in candidates:
        if marks.page_no in followed and not marks.captions:
            continue
        for caption in marks.captions:
            if not is_summary_caption(caption.text):
                notes.append(f"page {marks.page_no}: '{caption.text}' is not a summary-of-studies caption (a selection-criteria table)")
            elif marks.page_no not in read:
                notes.append(f"page {marks.page_no}: '{caption.text}' was not read as a table page")
        if not marks.captions:
            what = f"header line '{marks.header_lines[0][0]}'" if marks.header_lines else ruling_text(marks)
            notes.append(f"page {marks.page_no}: {what}, but no `Table N:` caption above it, so no finder follows it")
    if len(candidates) > MAX_CANDIDATE_PAGES:
        notes.append(f"{len(candidates) - MAX_CANDIDATE_PAGES} more candidate pages not drawn (use --page N to draw one)")
    return notes
