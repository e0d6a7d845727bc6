"""Text that keeps the page's layout (`pdftotext -layout`): its characters placed on a grid, read as page geometry.

Layout-preserving exports print a table's cells side by side, columns aligned with spaces, so
the blank-line blocks of plain text cut across every row. The text itself says where everything
is, though: a character's column and line are its position. Such text is read into pages of
words on a monospace grid, and the table strategies that read PDFs by their geometry (columns
from the header cells, rows from the gaps and the author column) read it the same way.

The grid's scale is chosen so the geometry speaks in the same units as a PDF's: a font size of
two character widths, so a single space is well under the column gap a table needs and two are
over it; a line pitch of 1.2 font sizes, so a blank line reads as a row or paragraph gap; and a
character narrow enough that the strategies' snap (a few points) covers the character or two by
which a text export may shift a line's cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from extract.layout.furniture import furniture_text
from extract.model import BBox, Page, Word

CHAR_WIDTH_PT = 1.2
FONT_SIZE_PT = 2 * CHAR_WIDTH_PT
LINE_PITCH_PT = 1.2 * FONT_SIZE_PT
MONOSPACE_FONT = "monospace-grid"
# Layout text: enough of its lines hold a run of three spaces or more between words (columns).
_COLUMN_GAP = re.compile(r"\S {3,}\S")
MIN_COLUMNED_LINES = 8
MIN_COLUMNED_SHARE = 0.15
_TOKEN = re.compile(r"\S+")
# Running furniture: lines among a page's first or last EDGE_LINES repeated on this share of pages;
# a table's header repeated at the top of its pages is printed on fewer of them.
EDGE_LINES = 2
FURNITURE_MIN_SHARE = 0.5
PAGE_NUMBER = re.compile(r"(page\s*)?#(\s*of\s*#)?")


def is_layout_text(text: str) -> bool:
    """Whether a text export kept its page layout: many of its lines set columns apart with runs of spaces."""
    lines = [line for line in text.splitlines() if line.strip()]
    columned = sum(1 for line in lines if _COLUMN_GAP.search(line))
    return columned >= MIN_COLUMNED_LINES and columned >= MIN_COLUMNED_SHARE * len(lines)


def layout_pages(text: str) -> tuple[Page, ...]:
    """Each form-feed page of a layout text as a Page of words on the monospace grid, running headers and footers left out."""
    pages = [page.split("\n") for page in text.split("\f")]
    furniture = running_lines(pages)
    return tuple(
        grid_page(number, [("" if (number, row) in furniture else line) for row, line in enumerate(lines)])
        for number, lines in enumerate(pages, start=1)
        if any(line.strip() for line in lines)
    )


def running_lines(pages: Sequence[Sequence[str]]) -> set[tuple[int, int]]:
    """(page, line) of the running headers and footers: among each page's first and last few lines, those
    repeated (digits aside) on enough pages, and lone page numbers."""
    edges = {
        (number, row): furniture_text(lines[row])
        for number, lines in enumerate(pages, start=1)
        for row in edge_rows(lines)
    }
    counts = Counter(text for _page, text in {(page, text) for (page, _row), text in edges.items()})
    needed = max(2, int(FURNITURE_MIN_SHARE * len(pages) + 0.999))
    return {place for place, text in edges.items() if counts[text] >= needed or PAGE_NUMBER.fullmatch(text)}


def edge_rows(lines: Sequence[str]) -> list[int]:
    """The indexes of a page's first and last few non-blank lines."""
    filled = [row for row, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def grid_page(page_no: int, lines: Sequence[str]) -> Page:
    """One page's lines as words: a word's box is its characters' cells on the grid."""
    words = tuple(
        Word(
            match.group(),
            BBox(match.start() * CHAR_WIDTH_PT, row * LINE_PITCH_PT, match.end() * CHAR_WIDTH_PT, row * LINE_PITCH_PT + FONT_SIZE_PT),
            MONOSPACE_FONT,
            FONT_SIZE_PT,
            page_no,
        )
        for row, line in enumerate(lines)
        for match in _TOKEN.finditer(line.expandtabs(8))
    )
    width = max((len(line) for line in lines), default=0) * CHAR_WIDTH_PT
    return Page(page_no, max(width, CHAR_WIDTH_PT), max(len(lines), 1) * LINE_PITCH_PT, words)
