"""Summary tables from PDF geometry: where the text order is not the table order, the layout is.

One skeleton, two strategies. For every `Table N: …` caption, each page the table covers is
cut into a grid — from ruling lines where the table is ruled (`ruled`), from the header cells'
positions and word alignment where it is not (`aligned`) — and the page grids are stitched:
repeated header rows dropped, design group rows turned into `group_label`, a row broken by a
page break joined back. Cells keep the raw text (visual lines joined by newlines), page, bbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import median
from typing import Iterable, Sequence

from extract.fields import design_for_label
from extract.model import BBox, Cell, Document, Page, ParsingReport, RawRow, Ruling, Table, Word
from extract.readers.pdf import CAPTION, is_summary_caption
from extract.tables.headers import HEADER_SYNONYMS, field_for_header, is_header_cell, normalise_header
from extract.text import clean_text


@dataclass(frozen=True)
class TableSettings:
    """Tolerances of the grid finders, in PDF points or as fractions of the font size."""

    snap_pt: float = 3.0
    line_overlap: float = 0.4
    row_gap_em: float = 0.55
    column_gap_em: float = 0.9
    end_gap_em: float = 3.0
    superscript_ratio: float = 0.85
    min_ruled_columns: int = 2

    def __post_init__(self) -> None:
        if min(self.snap_pt, self.row_gap_em, self.column_gap_em, self.end_gap_em) <= 0:
            raise ValueError("tolerances must be positive")
        if not 0 < self.superscript_ratio < 1 or not 0 < self.line_overlap < 1:
            raise ValueError("ratios must be fractions")


DEFAULT_TABLE_SETTINGS = TableSettings()

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


# ---------------------------------------------------------------- words → lines → text


def _vertical_overlap(a: BBox, b: BBox) -> float:
    """Overlap of two boxes' vertical extents as a share of the shorter one."""
    shared = min(a.bottom, b.bottom) - max(a.top, b.top)
    return shared / max(min(a.height, b.height), 0.1)


def words_to_lines(words: Sequence[Word], settings: TableSettings) -> list[tuple[Word, ...]]:
    """Group words into visual lines (a raised superscript joins its line), each sorted left to right."""
    lines: list[tuple[BBox, list[Word]]] = []
    for word in sorted(words, key=lambda w: (w.bbox.top, w.bbox.x0)):
        position = _line_for(lines, word, settings)
        if position is None:
            lines.append((word.bbox, [word]))
        else:
            box, members = lines[position]
            members.append(word)
            lines[position] = (box.union(word.bbox), members)
    ordered = sorted(lines, key=lambda line: line[0].top)
    return [tuple(sorted(members, key=lambda w: w.bbox.x0)) for _, members in ordered]


def _line_for(lines: Sequence[tuple[BBox, list[Word]]], word: Word, settings: TableSettings) -> int | None:
    """Index of the open line a word overlaps enough to join; only lines reaching down to it are looked at."""
    for position in range(len(lines) - 1, -1, -1):
        box = lines[position][0]
        if _vertical_overlap(box, word.bbox) >= settings.line_overlap:
            return position
        if box.bottom < word.bbox.top - 3 * max(word.size, 1.0):
            return None
    return None


def _box_of(words: Sequence[Word]) -> BBox:
    """The union of the words' boxes."""
    box = words[0].bbox
    for word in words[1:]:
        box = box.union(word.bbox)
    return box


def words_to_text(words: Sequence[Word], settings: TableSettings) -> str:
    """A cell's raw text: words joined by spaces within a visual line, lines joined by newlines."""
    return "\n".join(" ".join(w.text for w in line) for line in words_to_lines(words, settings))


def split_superscript_ref(words: Sequence[Word], settings: TableSettings) -> tuple[tuple[Word, ...], tuple[Word, ...]]:
    """Split an author cell's words into the author text and the superscript reference numbers.

    A reference is digits printed smaller than the cell's text; where it shares a line with
    full-size words it must also sit raised above their baseline.
    """
    if not words:
        return (), ()
    body_size = max(w.size for w in words)
    refs: list[Word] = []
    for word in words:
        small = 0 < word.size <= settings.superscript_ratio * body_size
        neighbours = [o for o in words if o is not word and o.size > word.size and _vertical_overlap(o.bbox, word.bbox) > 0]
        raised = all(word.bbox.bottom < o.bbox.bottom - 0.5 for o in neighbours)
        if small and raised and REF_TEXT.match(word.text):
            refs.append(word)
    return tuple(w for w in words if w not in refs), tuple(refs)


# ---------------------------------------------------------------- headers

MAX_HEADER_CHARS = 80
SQUEEZED_HEADERS = frozenset(
    "".join(normalise_header(synonym).split()) for synonyms in HEADER_SYNONYMS.values() for synonym in synonyms
)


def header_text(text: str) -> str:
    """A printed header cell as the synonym table reads it: broken spacing repaired, lines joined."""
    return clean_text(text) if len(text) <= MAX_HEADER_CHARS else " ".join(text.split())


def is_known_header(text: str) -> bool:
    """True when a cell's text, spacing repaired, is a header the synonym table knows.

    Spacing artifacts only insert spaces, so a text that matches no header with spaces squeezed
    out is turned away before the (costlier) repair.
    """
    if len(text) > MAX_HEADER_CHARS or "".join(normalise_header(text).split()) not in SQUEEZED_HEADERS:
        return False
    return is_header_cell(header_text(text))


# ---------------------------------------------------------------- captions


def page_captions(page: Page, settings: TableSettings) -> list[Caption]:
    """Every `Table N:` caption line on a page (summary or not: any caption ends the table above it)."""
    captions = []
    for line in words_to_lines(page.words, settings):
        text = " ".join(w.text for w in line)
        if CAPTION.match(text):
            captions.append(Caption(text, page.page_no, _box_of(line)))
    return captions


# ---------------------------------------------------------------- ruled strategy


def snap_positions(values: Sequence[float], tolerance: float) -> tuple[float, ...]:
    """Cluster nearly equal coordinates into one position each (their mean)."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][-1] <= tolerance:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return tuple(sum(c) / len(c) for c in clusters)


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


def _words_in(words: Sequence[Word], box: BBox) -> tuple[Word, ...]:
    """Words whose centre lies in a box."""
    return tuple(
        w for w in words
        if box.x0 <= (w.bbox.x0 + w.bbox.x1) / 2 < box.x1 and box.top <= (w.bbox.top + w.bbox.bottom) / 2 < box.bottom
    )


def ruled_grid(page: Page, top: float, bottom: float, settings: TableSettings) -> PageGrid | None:
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
        cells = tuple(_words_in(region_words, box) for box in boxes)
        merged = not any(_drawn_across(verticals, x, row_top, row_bottom, settings.snap_pt) for x in bounds[1:-1])
        if any(cells):
            rows.append(GridRow(cells, boxes, merged, page.page_no))
    below = any(w.bbox.top > table_bottom + settings.snap_pt and w.bbox.bottom <= bottom for w in page.words)
    return PageGrid(page.page_no, "ruled", bounds, tuple(rows), below or bottom < page.height, 0.95)


# ---------------------------------------------------------------- aligned strategy


def line_segments(line: Sequence[Word], settings: TableSettings) -> list[tuple[Word, ...]]:
    """Split a visual line at gaps wider than a column gap: the runs of one line's cells."""
    segments: list[list[Word]] = []
    for word in line:
        gap_limit = settings.column_gap_em * max(word.size, 1.0)
        if segments and word.bbox.x0 - segments[-1][-1].bbox.x1 <= gap_limit:
            segments[-1].append(word)
        else:
            segments.append([word])
    return [tuple(s) for s in segments]


def split_known_headers(segment: Sequence[Word]) -> list[tuple[Word, ...]] | None:
    """Part a run holding several headers set close together (`Study Design Condition`).

    Only a partition into known headers counts, so `Main Findings and Authors'` stays whole.
    """
    if is_known_header(" ".join(w.text for w in segment)):
        return [tuple(segment)]
    for end in range(len(segment) - 1, 0, -1):
        if is_known_header(" ".join(w.text for w in segment[:end])):
            rest = split_known_headers(segment[end:])
            if rest is not None:
                return [tuple(segment[:end]), *rest]
    return None


def header_segments(line: Sequence[Word], settings: TableSettings) -> list[tuple[Word, ...]] | None:
    """A line's header cells when at least two of them are known header cells, else None."""
    segments = [
        part for segment in line_segments(line, settings)
        for part in (split_known_headers(segment) or [segment])
    ]
    known = sum(1 for s in segments if is_known_header(" ".join(w.text for w in s)))
    return segments if known >= 2 and len(segments) >= 2 else None


def _column_index(bounds: Sequence[float], x: float) -> int:
    """Index of the column whose span holds x (clamped to the outer columns)."""
    index = 0
    for position, start in enumerate(bounds[:-1]):
        if x >= start:
            index = position
    return index


def _boundaries_crossed(segment: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> int:
    """How many inner column starts one run of a line runs across."""
    box = _box_of(segment)
    return sum(1 for start in bounds[1:-1] if box.x0 < start - settings.snap_pt < box.x1)


def _crosses_columns(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> bool:
    """True for a run starting in the first column that runs into the next: a full-width row."""
    first = line_segments(line, settings)[0]
    return _column_index(bounds, first[0].bbox.x0) == 0 and _boundaries_crossed(first, bounds, settings) >= 1


def _straddled_starts(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> int:
    """How many inner column starts fall inside a word: cell text never runs over a column start."""
    return sum(1 for start in bounds[1:-1] if any(w.bbox.x0 < start - settings.snap_pt < w.bbox.x1 for w in line))


def _is_full_width(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> bool:
    """True for a paragraph, note or heading line below a table, not a cell's word overflowing its column."""
    if _straddled_starts(line, bounds, settings) >= 2:
        return True
    return len(line_segments(line, settings)) == 1 and _crosses_columns(line, bounds, settings)


def _is_design_heading(text: str) -> bool:
    """True for a design group heading such as `Randomized Controlled Trials`."""
    return design_for_label(clean_text(text)) is not None


def aligned_bounds(header: Sequence[tuple[Word, ...]], page: Page, settings: TableSettings) -> tuple[float, ...]:
    """Column bounds from the header cells' left edges: each column runs to the next header's start."""
    starts = [min(w.bbox.x0 for w in segment) - settings.snap_pt for segment in header]
    return (*starts, page.width)


def _header_band(lines: Sequence[tuple[Word, ...]], settings: TableSettings) -> tuple[list[tuple[Word, ...]], int]:
    """The header line's segments and where the body starts (after the header's wrapped lines)."""
    for index, line in enumerate(lines[:3]):
        segments = header_segments(line, settings)
        if segments is None:
            continue
        fonts = {w.fontname for s in segments for w in s}
        end = index + 1
        while end < len(lines) and {w.fontname for w in lines[end]} <= fonts and _gap_below(lines[end - 1], lines[end]) < settings.row_gap_em * lines[end][0].size:
            end += 1
        return segments, end
    return [], 0


def _gap_below(upper: Sequence[Word], lower: Sequence[Word]) -> float:
    """The blank space between two lines."""
    return _box_of(lower).top - _box_of(upper).bottom


def aligned_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """Cut an unruled table into cells by header positions and word alignment, or None if none is there."""
    region = [w for w in page.words if w.bbox.top >= top - 1 and w.bbox.bottom <= bottom + 1]
    lines = words_to_lines(region, settings)
    header, body_start = _header_band(lines, settings)
    if header:
        bounds = aligned_bounds(header, page, settings)
        body_lines, header_lines = lines[body_start:], lines[:body_start]
    elif previous is not None and lines and not _is_full_width(lines[0], previous.bounds, settings):
        bounds, body_lines, header_lines = previous.bounds, lines, []
    else:
        return None
    kept, ended = _lines_until_end(body_lines, bounds, settings)
    rows = [_aligned_row([w for ln in header_lines for w in ln], bounds, page.page_no, False)] if header_lines else []
    rows += [_aligned_row([w for ln in group for w in ln], bounds, page.page_no, _crosses_columns(group[0], bounds, settings)) for group in _row_groups(kept, settings)]
    return PageGrid(page.page_no, "aligned", bounds, tuple(rows), ended or bottom < page.height, 0.8)


def _is_note(line: Sequence[Word], body_size: float) -> bool:
    """True for a line printed smaller than the table's text that is not a lone reference number."""
    small = all(w.size < 0.92 * body_size for w in line)
    return small and not all(REF_TEXT.match(w.text) for w in line)


def _lines_until_end(lines: Sequence[tuple[Word, ...]], bounds: Sequence[float], settings: TableSettings) -> tuple[list[tuple[Word, ...]], bool]:
    """Keep lines until the table visibly ends: a caption, a wide gap, a note, or a full-width paragraph."""
    body_size = median([w.size for line in lines[:6] for w in line] or [0.0])
    kept: list[tuple[Word, ...]] = []
    for line in lines:
        text = " ".join(w.text for w in line)
        gap = line[0].bbox.top - _box_of(kept[-1]).bottom if kept else 0.0
        if CAPTION.match(text) or gap > settings.end_gap_em * max(w.size for w in line) or _is_note(line, body_size):
            return kept, True
        if _is_full_width(line, bounds, settings) and not _is_design_heading(text):
            return kept, True
        kept.append(line)
    return kept, False


def _row_groups(lines: Sequence[tuple[Word, ...]], settings: TableSettings) -> list[list[tuple[Word, ...]]]:
    """Split body lines into table rows at vertical gaps wider than the line spacing within a cell."""
    groups: list[list[tuple[Word, ...]]] = []
    for line in lines:
        box = _box_of(line)
        size = median(w.size for w in line)
        if groups and box.top - _box_of([w for ln in groups[-1] for w in ln]).bottom <= settings.row_gap_em * size:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _aligned_row(words: Sequence[Word], bounds: Sequence[float], page_no: int, merged: bool) -> GridRow:
    """One aligned row: words to the column their left edge falls in; boxes are the words' union."""
    columns: list[list[Word]] = [[] for _ in bounds[:-1]]
    for word in words:
        columns[_column_index(bounds, word.bbox.x0)].append(word)
    top = min(w.bbox.top for w in words)
    bottom = max(w.bbox.bottom for w in words)
    boxes = tuple(_box_of(c) if c else BBox(x0, top, x1, bottom) for c, x0, x1 in zip(columns, bounds, bounds[1:]))
    return GridRow(tuple(tuple(c) for c in columns), boxes, merged, page_no)


# ---------------------------------------------------------------- one skeleton for both strategies


def page_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """The table's grid on one page: ruled where lines are drawn, aligned otherwise."""
    return ruled_grid(page, top, bottom, settings) or aligned_grid(page, top, bottom, previous, settings)


def _starts_page(grid: PageGrid, page: Page, settings: TableSettings) -> bool:
    """True when a continued table's grid holds the page's first line (nothing printed above it)."""
    tops = [w.bbox.top for row in grid.rows[:1] for cell in row.cells for w in cell]
    return bool(tops) and min(tops) <= _body_top(page) + settings.snap_pt


def _body_top(page: Page) -> float:
    """The top of a page's first word (furniture is already gone)."""
    return min((w.bbox.top for w in page.words), default=0.0)


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


def follow_page(following: Following, page: Page, bottom: float, settings: TableSettings) -> tuple[Following, PageGrid | None]:
    """The table's grid on `page` (cut off at `bottom`, where the next caption starts), and how to go on.

    The table ends at the first page that is not the next one, holds no grid of it, or does not
    start with it; and on the page where it ends by itself or meets another caption.
    """
    closed = replace(following, open=False)
    if not following.open or page.page_no != following.next_page:
        return closed, None
    continued = following.previous is not None
    top = _body_top(page) if continued else following.caption.bbox.bottom
    if continued and bottom <= top + settings.snap_pt:
        return closed, None
    grid = page_grid(page, top, bottom, following.previous, settings)
    if grid is None or (continued and not _starts_page(grid, page, settings)):
        return closed, None
    ends = grid.ends_table or bottom < page.height
    return Following(following.caption, page.page_no + 1, grid, not ends), grid


# ---------------------------------------------------------------- grids → raw rows


def _cell_texts(row: GridRow, settings: TableSettings) -> list[str]:
    """The raw text of each cell of a grid row."""
    return [words_to_text(cell, settings) for cell in row.cells]


def is_header_row(row: GridRow, settings: TableSettings) -> bool:
    """A row of which at least two cells, and at least half of the filled ones, are known headers."""
    texts = [t for t in _cell_texts(row, settings) if t.strip()]
    known = sum(1 for t in texts if is_known_header(t))
    return known >= 2 and 2 * known >= len(texts)


def group_label(row: GridRow, settings: TableSettings) -> str | None:
    """A design heading printed across the table (a merged cell, or alone in the first column)."""
    texts = _cell_texts(row, settings)
    filled = [t for t in texts if t.strip()]
    text = " ".join(" ".join(t.split()) for t in filled)
    if not filled or not (row.merged or (len(filled) == 1 and texts[0].strip())):
        return None
    return text if _is_design_heading(text) else None


def column_fields(header: GridRow, settings: TableSettings) -> tuple[str | None, ...]:
    """The contract field of each column, from its header text; None for a column with no header."""
    return tuple(field_for_header(header_text(t)) if t.strip() else None for t in _cell_texts(header, settings))


def row_cells(row: GridRow, fields: Sequence[str | None], settings: TableSettings) -> dict[str, Cell]:
    """A grid row's cells keyed by contract field, with the superscript reference split off the author."""
    cells: dict[str, Cell] = {}
    for field, words, box in zip(fields, row.cells, row.boxes):
        if field is None or not words:
            continue
        if field == "author":
            author_words, ref_words = split_superscript_ref(words, settings)
            if ref_words:
                cells["ref"] = Cell("".join(w.text for w in ref_words), row.page_no, _box_of(ref_words))
            words = author_words
        cells[field] = Cell(words_to_text(words, settings), row.page_no, box)
    return cells


def join_broken_row(previous: RawRow, continuation: dict[str, Cell]) -> RawRow:
    """Join the rest of a row carried onto the next page back into the row it started."""
    cells = dict(previous.cells)
    for field, cell in continuation.items():
        if field in cells and cells[field].text:
            cells[field] = replace(cells[field], text=f"{cells[field].text}\n{cell.text}")
        else:
            cells[field] = cell
    return replace(previous, cells=cells)


def _fields_for_grid(grid: PageGrid, inherited: tuple[str | None, ...], settings: TableSettings) -> tuple[tuple[str | None, ...], tuple[str, ...] | None, int]:
    """The grid's column fields (from its header row, else inherited), header texts, and body start."""
    if grid.rows and is_header_row(grid.rows[0], settings):
        texts = tuple(" ".join(t.split()) for t in _cell_texts(grid.rows[0], settings))
        return column_fields(grid.rows[0], settings), texts, 1
    return inherited, None, 0


@dataclass(frozen=True)
class StitchedRows:
    """A table's raw rows so far, and what the next page's grid inherits: column fields and group label."""

    header: tuple[str, ...] = ()
    fields: tuple[str | None, ...] = ()
    label: str | None = None
    rows: tuple[RawRow, ...] = ()


def stitch_grid(stitched: StitchedRows, grid: PageGrid, continued: bool, settings: TableSettings) -> StitchedRows:
    """Add one page grid's rows: headers dropped, group labels carried, a row broken by the page joined back."""
    fields, printed, start = _fields_for_grid(grid, stitched.fields, settings)
    header, label, rows = stitched.header or (printed or ()), stitched.label, list(stitched.rows)
    for position, grid_row in enumerate(grid.rows[start:]):
        if is_header_row(grid_row, settings):
            continue
        heading = group_label(grid_row, settings)
        if heading is not None:
            label = heading
            continue
        cells = row_cells(grid_row, fields, settings)
        if not cells:
            continue
        if "author" not in cells and "ref" not in cells and rows and position == 0 and continued:
            rows[-1] = join_broken_row(rows[-1], cells)
            continue
        rows.append(RawRow(cells, label, len(rows)))
    return StitchedRows(header, fields, label, tuple(rows))


@dataclass(frozen=True)
class GridSummary:
    """What a table's parsing report keeps of its page grids once their words are gone."""

    strategies: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()
    confidence: float = 1.0
    notes: tuple[str, ...] = ()


def summarise_grid(summary: GridSummary, grid: PageGrid) -> GridSummary:
    """Add one page grid to a table's parsing report."""
    return GridSummary(
        tuple(dict.fromkeys(summary.strategies + (grid.strategy,))),
        summary.pages + (grid.page_no,),
        min(summary.confidence, grid.confidence),
        summary.notes + (f"page {grid.page_no}: {grid.strategy}, {len(grid.rows)} grid rows",),
    )


def stitched_table(caption: Caption, stitched: StitchedRows, summary: GridSummary) -> Table | None:
    """A Table with its parsing report, or None when no grid was found or no column holds the study author."""
    if not summary.pages or "author" not in {field_for_header(header_text(h)) for h in stitched.header if h}:
        return None
    report = ParsingReport("+".join(summary.strategies), summary.pages, summary.confidence, summary.notes)
    return Table(clean_text(caption.text), stitched.header, stitched.rows, report)


# ---------------------------------------------------------------- page by page


@dataclass
class TableInProgress:
    """One summary table while its pages are read: how it is followed, its rows, its report, and (for drawing) its grids."""

    following: Following
    stitched: StitchedRows = StitchedRows()
    summary: GridSummary = GridSummary()
    grids: list[PageGrid] | None = None


class SummaryTables:
    """The summary tables of a PDF, found page by page as the pages are read.

    A page's words are needed only while that page is cut into its grid, so a reader can hand
    pages over one at a time and drop them: what stays is the rows found so far and the last
    page's grid (a continued unruled page takes its columns from it). Pages must come in page
    order; pages the reader did not read simply never come, and a table ends before a gap.
    """

    def __init__(self, settings: TableSettings = DEFAULT_TABLE_SETTINGS, keep_grids: bool = False) -> None:
        self.settings = settings
        self.keep_grids = keep_grids
        self.found: list[TableInProgress] = []

    def add_page(self, page: Page) -> None:
        """Continue the open tables onto this page, then follow each summary caption printed on it."""
        if not page.words:
            return
        captions = page_captions(page, self.settings)
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
        table.following, grid = follow_page(table.following, page, bottom, self.settings)
        if grid is None:
            return
        table.stitched = stitch_grid(table.stitched, grid, bool(table.summary.pages), self.settings)
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


def read_summary_tables(pages: Iterable[Page], settings: TableSettings = DEFAULT_TABLE_SETTINGS, keep_grids: bool = False) -> SummaryTables:
    """Feed pages in order to a SummaryTables."""
    found = SummaryTables(settings, keep_grids)
    for page in pages:
        found.add_page(page)
    return found


def summary_table_grids(doc: Document, settings: TableSettings = DEFAULT_TABLE_SETTINGS) -> list[tuple[Caption, list[PageGrid]]]:
    """Each summary caption with the page grids of its table (what `inspect` draws)."""
    return read_summary_tables(doc.pages, settings, keep_grids=True).grids()


def tables_from_pages(doc: Document, settings: TableSettings = DEFAULT_TABLE_SETTINGS) -> tuple[Table, ...]:
    """Every summary-of-studies table of a PDF document, stitched across pages."""
    return read_summary_tables(doc.pages, settings).tables()
