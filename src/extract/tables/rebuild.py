"""The text-block strategy's entry: summary tables rebuilt from a document's blocks, for text input and PDFs alike.

Pieces (`pieces`) give the table spans; each span's header cells give its columns, its author
pieces its rows, and its data pieces are aligned to them (`alignment`, scored by `column_fit`)
under the printed column order and under the order the rows themselves read in, the cheaper
winning.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal, Sequence

from extract.fields import CONCLUSION_LEAD, names_a_group
from extract.model import Cell, Document, ParsingReport, RawRow, Table
from extract.tables.alignment import Alignment, AlignmentSettings, BlockCut, Placement, RowWindow, align_blocks
from extract.tables.column_fit import column_fit
from extract.tables.pieces import Piece, PieceKind, TableSpan, summary_table_spans
from extract.tables.rejoin import with_bullets_rejoined, with_interleaved_refs_taken_out, with_glued_cells_parted, with_hyphen_breaks_joined
from extract.tables.row_order import latest_rows, rows_in_table_order
from extract.tables.tails import with_page_tails_returned
from extract.text.clean import is_bullet_glyph
from extract.text.sentence import ends_mid_sentence


STRATEGY = "text-blocks"


def tables_from_blocks(doc: Document) -> tuple[Table, ...]:
    """Find every summary-of-studies table in a text document and rebuild its rows."""
    return tuple(table_from_span(span) for span in summary_table_spans(doc))


def table_from_span(span: TableSpan, settings: AlignmentSettings = AlignmentSettings()) -> Table:
    """Rebuild one table: columns from its header cells, rows from the best alignment."""
    columns = table_columns(span.pieces)
    fitted = fitted_fields(span.pieces, columns)
    combined = "authors_conclusions" in fitted.get("results", ())
    pieces = with_glued_cells_parted(rejoined(resolve_pieces(span.pieces, columns)), columns)
    layout = table_layout(pieces, closing_conclusions=combined)
    fits = tuple({field: max(column_fit(piece.text, f) for f in fitted[field]) for field in columns} for piece in layout.data)
    order, alignment = best_ordered_alignment(columns, printed_orders(span.pieces, columns), layout, fits, settings)
    rows = table_rows(layout, alignment, order)
    return Table(
        label=span.caption,
        header=("author", *order),
        rows=rows,
        report=parsing_report(span, alignment, rows, order),
    )


def rejoined(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """What a text tool printed apart put back, in turn: a reference printed among the next
    cell's lines, cells finished after the page's footer, bullets printed apart from their items,
    cells a blank line cut after a line-break hyphen."""
    for step in (with_interleaved_refs_taken_out, with_page_tails_returned, with_bullets_rejoined, with_hyphen_breaks_joined):
        pieces = step(pieces)
    return tuple(pieces)


@dataclass(frozen=True)
class TableLayout:
    """A table's authors (with their lone references and the design heading printed right before
    each) and its data pieces in reading order, each with how many authors precede it, whether it
    may continue a cell and the rows its page holds."""

    authors: tuple[tuple[Piece, Piece | None], ...]
    headings: tuple[str | None, ...]
    data: tuple[Piece, ...]
    authors_before: tuple[int, ...]
    cuts: tuple[BlockCut, ...]
    windows: tuple[RowWindow | None, ...] = ()
    carried: tuple[int | None, ...] = ()


def table_columns(pieces: Sequence[Piece]) -> tuple[str, ...]:
    """The table's non-author columns, in the order the header cells are first printed."""
    fields = [piece.field for piece in pieces if piece.kind == "header" and piece.field not in (None, "author")]
    return tuple(dict.fromkeys(field for field in fields if field is not None))


_COMBINED_CONCLUSIONS = re.compile(r"conclu", re.IGNORECASE)


def fitted_fields(pieces: Sequence[Piece], columns: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The wording each column's cells may carry: its own, a conclusion's too in a combined
    "Main Findings and Authors' Conclusions" column (the table then has no column of its own for
    them), and a recommendation's in a guideline's "Recommendations" column."""
    results_headers = [piece.text for piece in pieces if piece.kind == "header" and piece.field == "results"]
    combined = "authors_conclusions" not in columns and any(_COMBINED_CONCLUSIONS.search(text) for text in results_headers)
    recommending = any(_RECOMMENDATIONS.search(text) for text in results_headers)
    results = ("results", *(("authors_conclusions",) if combined else ()), *(("recommendations",) if recommending else ()))
    return {field: results if field == "results" else (field,) for field in columns}


_RECOMMENDATIONS = re.compile(r"recommend", re.IGNORECASE)


def printed_orders(pieces: Sequence[Piece], columns: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Each run of header cells as printed, restricted to the columns: the weak prior on order."""
    runs: list[list[str]] = []
    previous_was_header = False
    for piece in pieces:
        is_header = piece.kind == "header"
        if is_header and not previous_was_header:
            runs.append([])
        if is_header and piece.field in columns and piece.field not in runs[-1]:
            runs[-1].append(str(piece.field))
        previous_was_header = is_header
    return tuple(tuple(run) for run in runs if run)


def resolve_pieces(pieces: Sequence[Piece], columns: Sequence[str]) -> tuple[Piece, ...]:
    """Settle context-dependent kinds: lone numbers after an author are its reference, headings
    are data when the table has a Study Design column, numbers beside page breaks are page numbers."""
    resolved: list[Piece] = []
    for index, piece in enumerate(pieces):
        kind = piece.kind
        if kind == "heading" and "study_design" in columns and not _heads_a_group(pieces, index):
            kind = "data"
        elif kind == "number":
            kind = _number_kind(pieces, index, resolved)
        resolved.append(Piece(kind, piece.text, piece.block, piece.field, piece.author))
    return tuple(resolved)


def _heads_a_group(pieces: Sequence[Piece], index: int) -> bool:
    """In a table with a Study Design column, a heading is a group row when it reads as one or
    sits right above an author in its block; otherwise it is a design cell."""
    following = pieces[index + 1] if index + 1 < len(pieces) else None
    above_author = following is not None and following.kind == "author" and following.block is pieces[index].block
    return above_author or names_a_group(pieces[index].text)


# How many data pieces may stand between a ref-less author and a lone number that is its reference.
MAX_CELLS_BEFORE_REF = 2
_REF_NUMBER = re.compile(r"[1-9]\d{0,2}")


def _refless_author_just_before(resolved: Sequence[Piece]) -> bool:
    """Whether the last author, a few data pieces back at most, printed no reference."""
    for steps, piece in enumerate(reversed(resolved)):
        if piece.kind == "author":
            return piece.author is not None and piece.author.ref_no is None
        if piece.kind != "data" or steps >= MAX_CELLS_BEFORE_REF:
            return False
    return False


def _number_kind(pieces: Sequence[Piece], index: int, resolved: Sequence[Piece]) -> PieceKind:
    """A lone number is a reference after a ref-less author, page furniture beside a page break, else data.
    A reference printed as a superscript under the year may come out after a cell or two of its
    row (pdftotext prints it where its line falls), so up to `MAX_CELLS_BEFORE_REF` data pieces
    may stand between the author and it."""
    previous = resolved[-1] if resolved else None
    if previous is not None and previous.kind == "author" and previous.author and previous.author.ref_no is None:
        return "ref"
    if _REF_NUMBER.fullmatch(pieces[index].text.strip()) and _refless_author_just_before(resolved):
        return "ref"
    following = pieces[index + 1] if index + 1 < len(pieces) else None
    if following is None or following.kind in ("header", "furniture") or (previous and previous.kind == "header"):
        return "furniture"
    return "data"


def table_layout(pieces: Sequence[Piece], closing_conclusions: bool = False) -> TableLayout:
    """Collect the rows and data pieces of a whole table: a text tool may print a group's cells
    after the next group's heading, so rows are numbered through the table, not per group. In a
    combined findings-and-conclusions column (`closing_conclusions`), a block opening with the
    authors' conclusion usually closes the cell before it; a bullet right after a list item (or
    its cut-off tail) usually goes on with that list."""
    authors: list[tuple[Piece, Piece | None]] = []
    headings: list[str | None] = []
    data: list[Piece] = []
    authors_before: list[int] = []
    cuts: list[BlockCut] = []
    heading: str | None = None
    page_break = False
    in_list = after_conclusion = False
    last_page: int | None = None
    for piece in pieces:
        page_break = page_break or _breaks_the_page(piece, last_page)
        last_page = piece.block.page_no if piece.block.page_no is not None else last_page
        if piece.kind == "heading":
            heading = " ".join(piece.text.split())
        elif piece.kind == "author":
            authors.append((piece, None))
            headings.append(heading)
            heading = None
        elif piece.kind == "ref" and authors:
            authors[-1] = (authors[-1][0], piece)
        elif piece.kind == "data":
            data.append(piece)
            authors_before.append(len(authors))
            start = "conclusion" if closing_conclusions and CONCLUSION_LEAD.match(piece.text.lstrip()) else block_start(piece.text)
            after_open_end = len(data) > 1 and ends_mid_sentence(data[-2].text)
            new_item = start in ("bullet", "capital")
            cuts.append(BlockCut(page_break, start, after_open_end, start == "bullet" and in_list, new_item and after_conclusion))
            in_list = start == "bullet" or (start == "lower" and in_list)
            closes = closing_conclusions and any(CONCLUSION_LEAD.match(line.lstrip()) for line in piece.text.split("\n"))
            after_conclusion = closes or (start == "lower" and after_conclusion)
            page_break = False
    order = rows_in_table_order(headings, [author.block.page_no for author, _ in authors], 0 in authors_before)
    authors, headings = [authors[index] for index in order], [headings[index] for index in order]
    author_pages, data_pages = [author.block.page_no for author, _ in authors], [piece.block.page_no for piece in data]
    return TableLayout(
        tuple(authors), tuple(headings), tuple(data), latest_rows(authors_before, order), tuple(cuts),
        page_windows(author_pages, data_pages), carried_rows(author_pages, data_pages),
    )


def page_windows(author_pages: Sequence[int | None], data_pages: Sequence[int | None]) -> tuple[RowWindow | None, ...]:
    """The rows each data block's page can hold: those whose authors the page prints, and the
    row before them, which a page break may have cut. A text tool may print a page's authors
    after its cells, so a page's cells may open rows ahead of the authors printed so far; they
    never reach another page's rows. A page printing no author holds the last row begun before
    it. Without page numbers, none."""
    if any(page is None for page in (*author_pages, *data_pages)):
        return (None,) * len(data_pages)
    windows: list[RowWindow | None] = []
    for page in data_pages:
        on_page = [row for row, author_page in enumerate(author_pages) if author_page == page]
        before = [row for row, author_page in enumerate(author_pages) if author_page < page]
        if on_page:
            windows.append((before[-1] if before else on_page[0], on_page[-1]))
        else:
            windows.append((before[-1], before[-1]) if before else None)
    return tuple(windows)


def carried_rows(author_pages: Sequence[int | None], data_pages: Sequence[int | None]) -> tuple[int | None, ...]:
    """For each data block, the row begun on an earlier page, which a page break may have cut
    (None on a table's first page or without page numbers)."""
    if any(page is None for page in (*author_pages, *data_pages)):
        return (None,) * len(data_pages)
    return tuple(
        max((row for row, author_page in enumerate(author_pages) if author_page < page), default=None)  # type: ignore[operator]
        for page in data_pages
    )


def _breaks_the_page(piece: Piece, last_page: int | None) -> bool:
    """Header cells, furniture and footnotes mark a page break, as does a change of page number."""
    new_page = piece.block.page_no is not None and last_page is not None and piece.block.page_no != last_page
    return new_page or piece.kind in ("header", "furniture", "footnote")


def block_start(text: str) -> Literal["lower", "bullet", "capital", "other"]:
    """How a block starts: cells start with a capital or a bullet; a block a text tool cut from
    a cell (a bullet's hanging indent, a line after a page break) starts in lower case."""
    first = text.lstrip()[:1]
    if is_bullet_glyph(first):
        return "bullet"
    if first.islower():
        return "lower"
    return "capital" if first.isupper() else "other"


_MAX_ORDER_CANDIDATES = 1
_PRINTED_ORDER_WEIGHT = 0.05


FieldFits = tuple[dict[str, float], ...]


def best_ordered_alignment(
    columns: Sequence[str],
    printed: Sequence[Sequence[str]],
    layout: TableLayout,
    fits: FieldFits,
    settings: AlignmentSettings,
) -> tuple[tuple[str, ...], Alignment]:
    """Align under each printed column order and under the order the rows themselves read in,
    keeping the cheapest; the printed order breaks ties."""
    prior = tuple(printed[0]) if printed else tuple(columns)
    candidates = list(dict.fromkeys(_completed(run, columns) for run in printed))[:_MAX_ORDER_CANDIDATES]
    results = {order: _align(layout, fits, order, settings) for order in candidates or [tuple(columns)]}

    def cost(order: tuple[str, ...]) -> float:
        return results[order].cost + _PRINTED_ORDER_WEIGHT * order_inversions(order, prior)

    best = min(results, key=lambda order: (cost(order), order))
    read = order_read_in_rows(results[best], best)
    if read not in results:
        results[read] = _align(layout, fits, read, settings)
        best = min(results, key=lambda order: (cost(order), order))
    return best, results[best]


def _completed(run: Sequence[str], columns: Sequence[str]) -> tuple[str, ...]:
    """A printed run of header cells with the columns it lacks appended."""
    return (*run, *(column for column in columns if column not in run))


def order_read_in_rows(alignment: Alignment, order: Sequence[str]) -> tuple[str, ...]:
    """The column order that most consecutive blocks of one row follow (ties keep `order`)."""
    before: Counter[tuple[int, int]] = Counter()
    previous: Placement | None = None
    for placement in alignment.placements:
        if placement is None or placement.continues_cell:
            continue
        if previous is not None and previous.row == placement.row:
            before[(previous.column, placement.column)] += 1
        previous = placement
    positions = range(len(order))
    best = min(
        itertools.islice(itertools.permutations(positions), _MAX_ORDER_PERMUTATIONS),
        key=lambda perm: (sum(before[(b, a)] for a, b in itertools.combinations(perm, 2)), perm),
    )
    return tuple(order[position] for position in best)


_MAX_ORDER_PERMUTATIONS = 5040


def order_inversions(order: Sequence[str], prior: Sequence[str]) -> int:
    """Count column pairs whose order differs from the printed one (Kendall distance)."""
    rank = {field: index for index, field in enumerate(prior)}
    known = [rank[field] for field in order if field in rank]
    return sum(1 for a, b in itertools.combinations(known, 2) if a > b)


def _align(layout: TableLayout, fits: FieldFits, order: Sequence[str], settings: AlignmentSettings) -> Alignment:
    """Align the table's data pieces under one column order."""
    ordered = [[piece_fits[field] for field in order] for piece_fits in fits]
    return align_blocks(
        ordered, layout.authors_before, layout.cuts, len(layout.authors), settings, layout.windows or None, layout.carried or None
    )


def table_rows(layout: TableLayout, alignment: Alignment, order: Sequence[str]) -> tuple[RawRow, ...]:
    """Turn the alignment into RawRows, one per author, in the table's order."""
    placed: list[dict[str, list[Piece]]] = [{} for _ in layout.authors]
    for piece, placement in zip(layout.data, alignment.placements):
        if placement is not None:
            placed[placement.row].setdefault(order[placement.column], []).append(piece)
    rows: list[RawRow] = []
    for (author, ref), label, row_pieces in zip(layout.authors, group_labels(layout), placed):
        cells = {"author": cell_from_pieces([author])}
        if ref is not None:
            cells["ref"] = cell_from_pieces([ref])
        cells.update({field: cell_from_pieces(row_pieces[field]) for field in order if field in row_pieces})
        rows.append(RawRow(cells=cells, group_label=label, ordinal=len(rows)))
    return tuple(rows)


def group_labels(layout: TableLayout) -> tuple[str | None, ...]:
    """Each row's design group: the heading printed right before its author, else the row above's.
    A grouped table opens with a group heading; a text tool that prints that heading later (shaded
    group rows at the end of the page) leaves the rows before it ungrouped, so they take the
    first heading printed."""
    labels: list[str | None] = []
    label: str | None = next((heading for heading in layout.headings if heading), None)
    for heading in layout.headings:
        label = heading or label
        labels.append(label)
    return tuple(labels)


def cell_from_pieces(pieces: Sequence[Piece]) -> Cell:
    """A cell's raw text (a continued cell's parts joined by a line break) and where it starts."""
    boxes = [piece.block.bbox for piece in pieces if piece.block.bbox is not None]
    bbox = boxes[0] if boxes else None
    for box in boxes[1:]:
        bbox = bbox.union(box) if bbox is not None else box
    return Cell(text="\n".join(piece.text for piece in pieces), page_no=pieces[0].block.page_no, bbox=bbox)


def parsing_report(span: TableSpan, alignment: Alignment, rows: Sequence[RawRow], order: Sequence[str]) -> ParsingReport:
    """Say how the table was rebuilt and how much of it needed skips, joins or left blocks over."""
    placements = alignment.placements
    unassigned = sum(1 for p in placements if p is None)
    continued = sum(1 for p in placements if p is not None and p.continues_cell)
    expected = max(len(rows) * len(order), 1)
    filled = sum(1 for row in rows for field in order if field in row.cells)
    confidence = (filled / expected) * (1 - unassigned / max(len(placements), 1))
    notes = [f"column order: {', '.join(order)}"]
    notes += [f"row {row.ordinal} lacks {', '.join(f for f in order if f not in row.cells)}" for row in rows if any(f not in row.cells for f in order)]
    if unassigned:
        notes.append(f"{unassigned} data block(s) fit no row and were left out")
    if continued:
        notes.append(f"{continued} cell(s) continued across blocks")
    pages = tuple(sorted({p.block.page_no for p in span.pieces if p.block.page_no is not None}))
    return ParsingReport(strategy=STRATEGY, pages=pages, confidence=round(confidence, 3), notes=tuple(notes))
