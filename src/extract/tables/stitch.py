"""Page grids to a table's rows: repeated headers dropped, design headings carried, rows broken by a page joined.

Whatever strategy cut a page, its grid is stitched the same way, and only the rows so far, the
column fields, the current design heading and a row piece held from the page's foot are kept
between pages.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import median
from typing import Sequence

from extract.fields import split_author_year_ref
from extract.layout.words import body_words, box_of, vertical_overlap, words_to_text
from extract.layout.bullets import SAME_EDGE_PT
from extract.model import Cell, ParsingReport, RawRow, Table, Word
from extract.settings import TableSettings
from extract.tables.grid import REF_TEXT, Caption, GridRow, PageGrid, names_a_design
from extract.tables.headers import field_for_header, header_text, is_known_header
from extract.tables.verdict import opens_a_name
from extract.text.clean import clean_text, is_bullet_glyph

# A row cut at its top by a page (`cut_at_top`): lines stand at least this far above its author, in
# font sizes, and the author's middle sits at least this far above the middle of the row's piece.
CUT_LINES_ABOVE_EM = 0.5
CUT_OFF_CENTRE_EM = 0.3


@dataclass(frozen=True)
class HeldPiece:
    """A page's last grid row, with no author, kept until the next page says whose row it is."""

    cells: dict[str, Cell]
    label: str | None
    after_heading: bool


@dataclass(frozen=True)
class StitchedRows:
    """A table's raw rows so far, and what the next page's grid inherits: column fields, group label,
    and a held piece of a row from the foot of the page before."""

    header: tuple[str, ...] = ()
    fields: tuple[str | None, ...] = ()
    label: str | None = None
    rows: tuple[RawRow, ...] = ()
    held: HeldPiece | None = None


def stitch_grid(stitched: StitchedRows, grid: PageGrid, settings: TableSettings) -> StitchedRows:
    """Add one page grid's rows: headers dropped, group labels carried, rows without an author joined to the row above.

    Every study row has an author cell, so a grid row without one is the rest of the row above:
    broken by a page, or cut by a paragraph gap inside a cell that a strategy took for a row gap.
    The exception is a page's last grid row when the next page's first row was cut at its top
    (`cut_at_top`): then it is that row's top, and is held until the next page is read. A lone
    raised reference number at a page's foot is held too: it is the number of the next page's
    first line, which the page's edge cut off; anywhere else at a foot it is no row.
    """
    fields, printed, start = _fields_for_grid(grid, stitched.fields, settings)
    header, label, rows, held = merged_header(stitched.header, printed), stitched.label, list(stitched.rows), stitched.held
    after_heading = False
    body = grid.rows[start:]
    edges = column_edges(body)
    for position, grid_row in enumerate(body):
        if is_header_row(grid_row, settings) or (position == 0 and is_header_remnant(grid_row, settings)):
            continue
        at_foot = position == len(body) - 1
        if at_foot and is_cut_off_ref(grid_row, body, settings):
            held = None if grid.ends_table else HeldPiece(lone_ref_cells(grid_row), label, after_heading)
            continue
        heading = group_label(grid_row, settings)
        cells = row_cells(grid_row, fields, settings, edges) if heading is None else {}
        if held is not None:
            cells, rows = _with_held_piece(held, cells, rows, grid_row, fields)
            held = None
        if heading is not None:
            label, after_heading = heading, True
            continue
        if not cells or (not rows and is_header_fragment(cells)):
            continue
        if at_foot and not grid.ends_table and not _has_author(cells) and "ref" not in cells:
            held = HeldPiece(cells, label, after_heading)
            continue
        rows = added_row(rows, cells, label, after_heading)
        after_heading = False
    return StitchedRows(header, fields, label, tuple(rows), held)


def _with_held_piece(
    held: HeldPiece, cells: dict[str, Cell], rows: list[RawRow], grid_row: GridRow, fields: Sequence[str | None],
) -> tuple[dict[str, Cell], list[RawRow]]:
    """A page's first row's cells and the rows so far, once the piece held from the page before is placed.

    A lone reference number is the raised number of a line the page's edge cut off, which came
    down onto this page: it is this row's when its author has none, else nothing. A piece of
    cells is this row's top when the row was cut at its top (`cut_at_top`), else the rest of
    the row above.
    """
    if _has_author(cells) and is_lone_ref(held.cells) and "ref" not in cells:
        return {**cells, "ref": held.cells["ref"]}, rows
    if _has_author(cells) and not is_lone_ref(held.cells) and cut_at_top(grid_row, fields):
        return join_broken_row(RawRow(held.cells, held.label, 0), cells).cells, rows
    return cells, released(rows, held)


def released(rows: list[RawRow], held: HeldPiece) -> list[RawRow]:
    """The rows once a held piece is let go where no row below takes it: cells join the row above
    (`added_row`); a lone reference number is no row and is dropped."""
    return rows if is_lone_ref(held.cells) else added_row(rows, held.cells, held.label, held.after_heading)


def is_cut_off_ref(row: GridRow, rows: Sequence[GridRow], settings: TableSettings) -> bool:
    """A grid row of nothing but a reference number set smaller than the table's text: the raised
    number of a line the page's edge cut off (a reference wrapped inside its cell is no row of its own)."""
    words = [w for cell in row.cells for w in cell]
    sizes = [w.size for other in rows for cell in other.cells for w in cell]
    return bool(words) and all(REF_TEXT.match(w.text) and w.size <= settings.superscript_ratio * median(sizes) for w in words)


def lone_ref_cells(row: GridRow) -> dict[str, Cell]:
    """The cells of a cut-off reference number's row: the number as a `ref` cell."""
    words = [w for cell in row.cells for w in cell]
    return {"ref": Cell("".join(w.text for w in words), row.page_no, box_of(words))}


def is_lone_ref(cells: dict[str, Cell]) -> bool:
    """Cells holding a reference number and nothing else."""
    return "ref" in cells and not any(cell.text.strip() for field, cell in cells.items() if field != "ref")


def _has_author(cells: dict[str, Cell]) -> bool:
    return "author" in cells and bool(cells["author"].text.strip())


def added_row(rows: list[RawRow], cells: dict[str, Cell], label: str | None, after_heading: bool) -> list[RawRow]:
    """The rows with a grid row's cells added: joined to the row above when they continue it, else a row of their own."""
    if rows and not after_heading and continues_row(rows[-1], cells):
        return rows[:-1] + [join_broken_row(rows[-1], cells)]
    return rows + [RawRow(cells, label, len(rows))]


def cut_at_top(row: GridRow, fields: Sequence[str | None]) -> bool:
    """Whether a page's first row is the lower piece of a row a page break cut with its cells centred.

    A producer that draws a row whole and cuts it at the page's edge leaves the tall cells' first
    lines on the page before, while the author, centred in the whole row, comes down onto this
    page: here lines stand above the author, yet the author sits higher than the middle of what
    is left of the row. Cells set at the row's top put the author on its first line; cells
    centred in a row drawn whole on the page put it at the row's middle.
    """
    author_cell = row.cells[fields.index("author")] if "author" in fields else ()
    if not author_cell:
        return False
    author = body_words(author_cell)
    whole, own = box_of(body_words([w for cell in row.cells for w in cell])), box_of(author)
    size = median(w.size for w in author)
    above = own.top - whole.top > CUT_LINES_ABOVE_EM * size
    raised = (whole.top + whole.bottom) / 2 - (own.top + own.bottom) / 2 > CUT_OFF_CENTRE_EM * size
    return above and raised


def is_header_remnant(row: GridRow, settings: TableSettings) -> bool:
    """A page's first row whose every filled cell is a known header: what is left of a repeated header
    whose other lines were read as the page's running furniture or cut off with it."""
    texts = [text for text in _cell_texts(row, settings) if text.strip()]
    return bool(texts) and all(is_known_header(text) for text in texts)


def is_header_fragment(cells: dict[str, Cell]) -> bool:
    """A lone author-column text with no year above a table's first study row: the end of a header broken by the page."""
    return set(cells) == {"author"} and split_author_year_ref(cells["author"].text).year is None


def continues_row(previous: RawRow, cells: dict[str, Cell]) -> bool:
    """Whether a grid row's cells are the rest of the row above: it has no author cell, or its author
    cell opens with no name while the row above's holds no year (an author cell broken by a page:
    `Urquhart et` / `al. (2017)`)."""
    if "author" not in cells:
        return "ref" not in cells
    above = previous.cells.get("author")
    if above is None or split_author_year_ref(above.text).year is not None:
        return False
    below = cells["author"].text
    return split_author_year_ref(below).first_author is None or not opens_a_name(below)


def _fields_for_grid(grid: PageGrid, inherited: tuple[str | None, ...], settings: TableSettings) -> tuple[tuple[str | None, ...], tuple[str, ...] | None, int]:
    """The grid's column fields (from its header row, else inherited), header texts, and body start.

    A header row's columns left without a header take the inherited ones: a producer may break a
    header row across a page, printing one line of its cells on each.
    """
    if grid.rows and is_header_row(grid.rows[0], settings):
        texts = tuple(" ".join(t.split()) for t in _cell_texts(grid.rows[0], settings))
        fields = column_fields(grid.rows[0], settings)
        if len(inherited) == len(fields):
            fields = tuple(field if field is not None else before for field, before in zip(fields, inherited))
        return fields, texts, 1
    return inherited, None, 0


def merged_header(header: tuple[str, ...], printed: tuple[str, ...] | None) -> tuple[str, ...]:
    """The table's header texts so far, with columns still empty filled from a header printed on this page."""
    if not header or printed is None:
        return header or (printed or ())
    if len(header) != len(printed):
        return header
    return tuple(before or now for before, now in zip(header, printed))


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
    return text if names_a_design(text) else None


def column_fields(header: GridRow, settings: TableSettings) -> tuple[str | None, ...]:
    """The contract field of each column, from its header text; None for a column with no header."""
    return tuple(field_for_header(header_text(t)) if t.strip() else None for t in _cell_texts(header, settings))


def row_cells(
    row: GridRow, fields: Sequence[str | None], settings: TableSettings, edges: Sequence[tuple[float, float] | None] = (),
) -> dict[str, Cell]:
    """A grid row's cells keyed by contract field, with the superscript reference split off the
    author; `edges` are the grid's column text edges (`column_edges`), which cell text reads lists by."""
    cells: dict[str, Cell] = {}
    edges = tuple(edges) or (None,) * len(fields)
    for field, words, box, column in zip(fields, row.cells, row.boxes, edges):
        if field is None or not words:
            continue
        if field == "author":
            author_words, ref_words = split_superscript_ref(words, settings)
            if ref_words:
                cells["ref"] = Cell("".join(w.text for w in ref_words), row.page_no, box_of(ref_words))
            words = author_words
        cells[field] = Cell(words_to_text(words, settings, column), row.page_no, box)
    return cells


def column_edges(rows: Sequence[GridRow]) -> tuple[tuple[float, float] | None, ...]:
    """The left and right edge of each column's text over a grid's rows that are not one merged
    cell; None for a column without a left edge.

    The left edge is the leftmost at which two cells start: a cell starting further left than any
    other is set apart on its own (text tools set cells only roughly in line), and a bullet glyph,
    which may hang out before its column's text, starts no cell."""
    split = [row for row in rows if not row.merged]
    edges: list[tuple[float, float] | None] = []
    for index in range(max((len(row.cells) for row in split), default=0)):
        cells = [row.cells[index] for row in split if index < len(row.cells) and row.cells[index]]
        starts = sorted(
            min(lefts) for lefts in ([word.bbox.x0 for word in words if not is_bullet_glyph(word.text)] for words in cells) if lefts
        )
        left = next((x for x, after in zip(starts, starts[1:]) if after - x <= SAME_EDGE_PT), None)
        edges.append(None if left is None else (left, max(word.bbox.x1 for words in cells for word in words)))
    return tuple(edges)


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
        neighbours = [o for o in words if o is not word and o.size > word.size and vertical_overlap(o.bbox, word.bbox) > 0]
        raised = all(word.bbox.bottom < o.bbox.bottom - 0.5 for o in neighbours)
        if small and raised and REF_TEXT.match(word.text):
            refs.append(word)
    return tuple(w for w in words if w not in refs), tuple(refs)


def join_broken_row(previous: RawRow, continuation: dict[str, Cell]) -> RawRow:
    """Join the rest of a row carried onto the next page back into the row it started."""
    cells = dict(previous.cells)
    for field, cell in continuation.items():
        if field in cells and cells[field].text:
            cells[field] = replace(cells[field], text=f"{cells[field].text}\n{cell.text}")
        else:
            cells[field] = cell
    return replace(previous, cells=cells)


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
    rows = list(stitched.rows) if stitched.held is None else released(list(stitched.rows), stitched.held)
    return Table(clean_text(caption.text), stitched.header, with_yearless_rows_joined(rows), report)


def with_yearless_rows_joined(rows: Sequence[RawRow]) -> tuple[RawRow, ...]:
    """Rows whose author cell never got a year joined to the row above: a second line of the author
    column (a country, a note) that a strategy took for a row of its own."""
    joined: list[RawRow] = []
    for row in rows:
        author = row.cells.get("author")
        if joined and author is not None and "ref" not in row.cells and split_author_year_ref(author.text).year is None:
            joined[-1] = join_broken_row(joined[-1], dict(row.cells))
        else:
            joined.append(replace(row, ordinal=len(joined)))
    return tuple(joined)
