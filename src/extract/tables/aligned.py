"""The aligned strategy: an unruled table's columns from its header cells, its rows from the gaps between lines.

Column bounds start at each known header cell's left edge; a continued page without a header
takes them from the page before. Lines are kept until the table visibly ends (a caption, a wide
gap, a smaller note, a full-width paragraph), and grouped into rows at gaps wider than a line's
spacing within a cell.
"""

from __future__ import annotations

import math
from dataclasses import replace
from statistics import median
from typing import Sequence

from extract.fields import is_design_heading, split_author_year_ref
from extract.layout.captions import CAPTION
from extract.layout.words import box_of, words_to_lines
from extract.model import BBox, Page, Word
from extract.readers.monospace import MONOSPACE_FONT
from extract.settings import TableSettings
from extract.tables.grid import REF_TEXT, GridRow, PageGrid, column_index, names_a_design
from extract.tables.headers import is_known_header, opens_known_header
from extract.tables.row_breaks import RowBreaks, row_gap_em, row_rules
from extract.text.clean import is_bullet_glyph


OVERFLOW_WEIGHT = 2.0
# A header's cells wrap over at most this many lines.
MAX_HEADER_LINES = 4
# The line naming most header cells is looked for among the table's first lines: cells centred in a
# header row set their lines between those of taller cells.
HEADER_SEARCH_LINES = 6


def aligned_grid(page: Page, top: float, bottom: float, previous: PageGrid | None, settings: TableSettings) -> PageGrid | None:
    """Cut an unruled table into cells by header positions and word alignment, or None if none is there."""
    region = [w for w in page.words if w.bbox.top >= top - 1 and w.bbox.bottom <= bottom + 1]
    lines = words_to_lines(region, settings)
    rows_at = RowBreaks(row_rules(page, lines), row_gap_em(lines, settings))
    header, body_start = _header_band(lines, rows_at, settings)
    if header:
        bounds = aligned_bounds(header, page, settings)
        body_lines, header_lines = lines[body_start:], lines[:body_start]
    elif previous is not None and lines and not _is_full_width(lines[0], previous.bounds, settings):
        bounds, body_lines, header_lines = previous.bounds, lines, []
    else:
        return None
    kept, ended = _lines_until_end(body_lines, bounds, settings)
    rows = [_aligned_row(header_lines, bounds, page.page_no, False, settings)] if header_lines else []
    body_rows_at = replace(rows_at, first_column_end=bounds[1] - settings.snap_pt if len(bounds) > 2 else None)
    rows += [_aligned_row(group, bounds, page.page_no, _crosses_columns(group[0], bounds, settings), settings) for group in _row_groups(kept, body_rows_at, bounds)]
    return PageGrid(page.page_no, "aligned", bounds, tuple(rows), ended or bottom < page.height, 0.8)


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

    Only a partition into known headers counts, so `Main Findings and Authors'` stays whole; the
    last may be the first line of one its column wraps (`Recommendations Strength of` / `Evidence`).
    """
    if is_known_header(" ".join(w.text for w in segment)):
        return [tuple(segment)]
    for end in range(len(segment) - 1, 0, -1):
        if is_known_header(" ".join(w.text for w in segment[:end])):
            rest = split_known_headers(segment[end:])
            if rest is None and opens_known_header(" ".join(w.text for w in segment[end:])):
                rest = [tuple(segment[end:])]
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


def split_at_aligned_starts(
    segments: Sequence[tuple[Word, ...]], below: Sequence[tuple[Word, ...]], settings: TableSettings
) -> list[tuple[Word, ...]]:
    """Part a header run that is no known header where a known header ends and the next word
    starts where a wrapped header line below starts a run (`Study Design Target` over
    `Population`: columns set one space apart in a text export)."""
    starts = [run[0].bbox.x0 for line in below for run in line_segments(line, settings)]
    parted: list[tuple[Word, ...]] = []
    for segment in segments:
        cut = next(
            (
                end for end in range(len(segment) - 1, 0, -1)
                if is_known_header(" ".join(w.text for w in segment[:end]))
                and any(abs(segment[end].bbox.x0 - start) <= settings.snap_pt for start in starts)
            ),
            None,
        )
        known = is_known_header(" ".join(w.text for w in segment))
        parted += [segment] if known or cut is None else [segment[:cut], segment[cut:]]
    return parted


def _boundaries_crossed(segment: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> int:
    """How many inner column starts one run of a line runs across, where no word of it opens that column.

    Where a producer sets columns a couple of points apart, a row's cells read as one run; each
    of its cells but the first opens where its header does (within half the snap), which a run of
    prose does only by chance. Not so on a text export's character grid, where every word starts
    on a column of characters and so, often, where a cell would: there, and for a design heading,
    which runs across the table whatever its words line up with, every start counts. A run
    reaches over a start as a word does (`_straddled_starts`).
    """
    box, snap = box_of(segment), settings.snap_pt
    every_start = names_a_design(" ".join(w.text for w in segment)) or all(w.fontname == MONOSPACE_FONT for w in segment)
    return sum(
        1 for start in bounds[1:-1]
        if _reaches_over(box, start, snap) and (every_start or not any(abs(w.bbox.x0 - (start + snap)) <= snap / 2 for w in segment))
    )


def _crosses_columns(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> bool:
    """True for a run starting in the first column that runs into the next: a full-width row."""
    first = line_segments(line, settings)[0]
    return column_index(bounds, first[0].bbox.x0) == 0 and _boundaries_crossed(first, bounds, settings) >= 1


def _straddled_starts(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> int:
    """How many inner column starts a word runs over: cell text never does.

    A word runs over a start when it begins before it (by more than the snap: a column's text may
    start a little left of its header's) and ends past it (by half the snap: where a producer sets
    columns a couple of points apart, a cell's last word may end just short of the next column's text).
    """
    return sum(1 for start in bounds[1:-1] if any(_reaches_over(w.bbox, start, settings.snap_pt) for w in line))


def _reaches_over(box: BBox, start: float, snap: float) -> bool:
    """Whether a word or run begins before a column start (by more than the snap) and ends past it
    (by half the snap), as `_straddled_starts` says."""
    return box.x0 < start - snap and box.x1 > start + snap / 2


def min_straddled_starts(inner_starts: int) -> int:
    """How many column starts a line must run over to be prose across the table: two, or three in a
    table of five columns or more, where a row's long cells may each end a little past the next
    column's start (text exports align columns a few characters apart)."""
    return 3 if inner_starts >= 4 else 2


def _is_full_width(line: Sequence[Word], bounds: Sequence[float], settings: TableSettings) -> bool:
    """True for a paragraph, note or heading line below a table, not a cell's word overflowing its column."""
    if _straddled_starts(line, bounds, settings) >= min_straddled_starts(len(bounds) - 2):
        return True
    return len(line_segments(line, settings)) == 1 and _crosses_columns(line, bounds, settings)


def aligned_bounds(header: Sequence[tuple[Word, ...]], page: Page, settings: TableSettings) -> tuple[float, ...]:
    """Column bounds from the header cells' left edges: each column runs to the next header's start."""
    starts = [min(w.bbox.x0 for w in segment) - settings.snap_pt for segment in header]
    return (*starts, page.width)


def _header_band(lines: Sequence[tuple[Word, ...]], rows_at: RowBreaks, settings: TableSettings) -> tuple[list[tuple[Word, ...]], int]:
    """The header line's segments and where the body starts (after the header's wrapped lines, before any rule)."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if _opens_a_study(line, settings):
            break  # rows have begun: a header comes before them (`guideline` … `recommendation` below is a cell's words)
        segments = header_segments(line, settings)
        if segments is None:
            continue
        fonts = {w.fontname for s in segments for w in s}

        def goes_on(upper: int, lower: int) -> bool:
            return {w.fontname for w in lines[upper] + lines[lower]} <= fonts and not rows_at.between(lines[upper], lines[lower])

        start, end = index, index + 1
        while start > 0 and goes_on(start - 1, start):
            start -= 1
        while end < len(lines) and goes_on(end - 1, end):
            end += 1
        above = lines[start:index]
        segments = _with_cells_of(split_at_aligned_starts(segments, lines[index + 1 : end], settings), above, settings)
        count = header_line_count(lines[index:end], segments, settings, above)
        return _with_cells_of(segments, lines[index + 1 : index + count], settings), index + count
    return [], 0


def _with_cells_of(segments: Sequence[tuple[Word, ...]], others: Sequence[tuple[Word, ...]], settings: TableSettings) -> list[tuple[Word, ...]]:
    """The header's cells and the cells only its other lines set: a column whose header is centred
    in the header row, or set higher or lower, is named on a line beside the one with most known headers.
    A run the header's other lines set counts only where it spans no part of a cell already known."""
    cells = list(segments)
    for line in others:
        for segment in line_segments(line, settings):
            for run in split_known_headers(segment) or [segment]:
                box = box_of(run)
                if all(box.x1 < box_of(c).x0 - settings.snap_pt or box.x0 > box_of(c).x1 + settings.snap_pt for c in cells):
                    cells.append(run)
    return sorted(cells, key=lambda cell: box_of(cell).x0)


def _opens_a_study(line: Sequence[Word], settings: TableSettings) -> bool:
    """A line whose first run reads as a study's author and year (`Ibarra (2016) [18]`)."""
    parts = split_author_year_ref(" ".join(w.text for w in line_segments(line, settings)[0]))
    return parts.first_author is not None and parts.year is not None


def header_line_count(
    lines: Sequence[tuple[Word, ...]], segments: Sequence[tuple[Word, ...]], settings: TableSettings, above: Sequence[tuple[Word, ...]] = (),
) -> int:
    """How many of the lines set in the header's font, with no row break, the header's cells take: as many
    as name the most known headers (a wrapped `Intervention / and / Comparator` names one only when whole).

    Where the body is set like the header (a text export has one font) and as close, the lines
    that only continue header cells are the ones that do not spoil them; ties keep all the lines
    the header's font and spacing gave, or, past MAX_HEADER_LINES, the fewest. Lines `above` the
    first are the header's in any case (cells centred higher), and the cells only the lines taken
    set count as columns (`_with_cells_of`).
    """
    if len(lines) == 1:
        return 1
    scores = {}
    for count in range(1, min(len(lines), MAX_HEADER_LINES) + 1):
        cells = _with_cells_of(segments, lines[1:count], settings)
        bounds = (*(min(w.bbox.x0 for w in cell) - settings.snap_pt for cell in cells), math.inf)
        texts = ["" for _ in cells]
        for line in [*above, *lines[:count]]:
            for word in line:
                texts[column_index(bounds, word.bbox.x0)] += " " + word.text
        scores[count] = sum(is_known_header(text) for text in texts)
    best = max(scores.values())
    if len(lines) <= MAX_HEADER_LINES and scores[len(lines)] == best:
        return len(lines)
    return min(count for count, score in scores.items() if score == best)


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
        gap = line[0].bbox.top - box_of(kept[-1]).bottom if kept else 0.0
        if CAPTION.match(text) or gap > settings.end_gap_em * max(w.size for w in line) or _is_note(line, body_size):
            return kept, True
        if _is_full_width(line, bounds, settings) and not names_a_design(text):
            return kept, True
        kept.append(line)
    return kept, False


def _row_groups(lines: Sequence[tuple[Word, ...]], rows_at: RowBreaks, bounds: Sequence[float]) -> list[list[tuple[Word, ...]]]:
    """Split body lines into table rows at drawn rules, at gaps wider than a cell's line spacing, and
    around design headings, which are rows of their own however close the lines around them sit."""
    groups: list[list[tuple[Word, ...]]] = []
    closed = False
    for line in lines:
        heading = is_heading_line(line, bounds)
        if groups and not closed and not heading and not rows_at.between([w for ln in groups[-1] for w in ln], line):
            groups[-1].append(line)
        else:
            groups.append([line])
        closed = heading
    return groups


def is_heading_line(line: Sequence[Word], bounds: Sequence[float]) -> bool:
    """A line that opens in the first column and says nothing but a design label: a group heading."""
    return column_index(bounds, line[0].bbox.x0) == 0 and is_design_heading(" ".join(w.text for w in line))


def _aligned_row(lines: Sequence[Sequence[Word]], bounds: Sequence[float], page_no: int, merged: bool, settings: TableSettings) -> GridRow:
    """One aligned row: its blocks (`row_blocks`) to their columns (`block_columns`); boxes are the words' union."""
    columns: list[list[Word]] = [[] for _ in bounds[:-1]]
    blocks = row_blocks(lines)
    for block, column in zip(blocks, block_columns(blocks, bounds, settings)):
        columns[column].extend(block)
    words = [w for line in lines for w in line]
    top = min(w.bbox.top for w in words)
    bottom = max(w.bbox.bottom for w in words)
    boxes = tuple(box_of(c) if c else BBox(x0, top, x1, bottom) for c, x0, x1 in zip(columns, bounds, bounds[1:]))
    return GridRow(tuple(tuple(c) for c in columns), boxes, merged, page_no)


def row_blocks(lines: Sequence[Sequence[Word]]) -> list[list[Word]]:
    """A row's words cut, left to right, wherever a vertical strip is blank on every line of the row.

    A cell's text never crosses into the next column, so the blank strips the row's lines share
    are where its columns may part: on one line every gap between words is such a strip, on
    several only the ones they all leave blank. A text export may shift a row's cells sideways,
    but the strips between them stay blank.
    """
    words = sorted((w for line in lines for w in line), key=lambda w: w.bbox.x0)
    blocks: list[list[Word]] = []
    reach = -math.inf
    for word in words:
        if blocks and (word.bbox.x0 < reach or _only_bullets(blocks[-1])):
            blocks[-1].append(word)  # a bullet opens the text after it, even one set out in the gap before its column
        else:
            blocks.append([word])
        reach = max(reach, word.bbox.x1)
    return blocks


def _only_bullets(block: Sequence[Word]) -> bool:
    """A block of list bullets alone (an outside list marker drawn left of its column's text)."""
    return all(is_bullet_glyph(word.text) for word in block)


def block_columns(blocks: Sequence[Sequence[Word]], bounds: Sequence[float], settings: TableSettings) -> list[int]:
    """Each block's column: the cheapest left-to-right assignment, where a column's first block may start
    a little before the column's start and no block runs far into the next column.

    Where cells start where their header starts, this is the column each block's left edge falls
    in. Where a text export shifted a row's cells, a block is read into the column it fits least
    badly; two blocks set apart by less than a column gap part only where keeping them in one
    column would run into the next. Running into the next column weighs double: an export shifts a
    cell's start by a character or two, but a cell's text never reaches far past its column.
    """
    starts = [bound + settings.snap_pt for bound in bounds[:-1]]
    ends = [*starts[1:], math.inf]
    costs: list[list[float]] = []
    back: list[list[int]] = []
    for index, block in enumerate(blocks):
        box = box_of(block)
        overflow = [OVERFLOW_WEIGHT * max(0.0, box.x1 - end - settings.snap_pt) for end in ends]
        early = [max(0.0, start - box.x0) for start in starts]
        if index == 0:
            costs.append([early[j] + overflow[j] for j in range(len(starts))])
            back.append(list(range(len(starts))))
            continue
        gap = box.x0 - box_of(blocks[index - 1]).x1
        split = 0.0 if gap > settings.column_gap_em * max(block[0].size, 1.0) else settings.snap_pt
        row_costs, row_back = [], []
        for j in range(len(starts)):
            moved = min(((costs[-1][k] + early[j] + split, k) for k in range(j)), default=(math.inf, j))
            best, source = (costs[-1][j], j) if costs[-1][j] <= moved[0] else moved
            row_costs.append(best + overflow[j])
            row_back.append(source)
        costs.append(row_costs)
        back.append(row_back)
    if not blocks:
        return []
    column = min(range(len(starts)), key=lambda j: (costs[-1][j], j))
    chosen = [column]
    for index in range(len(blocks) - 1, 0, -1):
        column = back[index][column]
        chosen.append(column)
    return list(reversed(chosen))
