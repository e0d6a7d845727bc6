"""What a table caption is, and whether a page is part of a summary table.

Every stage that looks for tables asks here: the PDF reader (is this page a table page?), the
page-geometry and text-block table finders (where does a table start and end?) and the metadata
reader (which lines label a table rather than open a section?).
"""

from __future__ import annotations

import re
from typing import Sequence

from extract.layout.lines import TextLine

_TABLE_NUMBER = r"Table\s+(?P<number>\d+)"
# A caption as table finders see it: `Table N`, a separator, a title, at the start of a line.
CAPTION = re.compile(rf"^\s*{_TABLE_NUMBER}\s*[:.\-–—]\s*(?P<title>\S.*)$", re.IGNORECASE | re.DOTALL)
# A whole line labelling a table, as section finding reads one: the separator may be missing
# (`Table 2 Summary of …`), the number may carry a letter, the title may be in parentheses.
LOOSE_CAPTION = re.compile(rf"{_TABLE_NUMBER}[A-Za-z]?(?:\s*[:.\-–—]\s*|\s*\(|\s+|$)(?P<title>.*)")
NON_STUDY_CAPTION = re.compile(r"selection criteria|inclusion criteria|eligibility", re.IGNORECASE)
# A page's first line: segments whose tops lie this close (points) belong to it.
FIRST_LINE_SPAN_PT = 3.0
# A first line indented this far (points) past the body's left margin starts inside a table cell.
TABLE_INDENT_PT = 40.0
# How many of a page's first lines show whether it opens inside a table.
OPENING_LINES = 6
MIN_OPENING_ROWS = 2


def is_summary_caption(text: str) -> bool:
    """A `Table N: …` caption that is not the selection-criteria table."""
    match = CAPTION.match(text)
    return match is not None and NON_STUDY_CAPTION.search(match["title"]) is None


def continues_table_pages(segments: Sequence[TextLine], in_table: bool, left_margin: float) -> bool:
    """Whether a page is a table page: it holds a summary caption, or the table above runs onto it."""
    has_caption = any(is_summary_caption(s.text) for s in segments)
    return has_caption or (in_table and _starts_inside_table(segments, left_margin))


def _starts_inside_table(segments: Sequence[TextLine], left_margin: float) -> bool:
    """A page starts inside a table when it does not open with a caption and its first line is a row
    (several column runs, or indented) or at least two of its opening lines are.

    The first line alone can mislead: the end of a heading or of a cell carried over from the page
    before may stand alone on it, and a repeated header whose cells are centred in their row sets
    its first column's first word alone; the lines after it still show the table's columns.
    """
    lines = opening_lines(segments)
    if not lines or any(CAPTION.match(s.text) for s in lines[0]):
        return False

    def is_row(line: list[TextLine]) -> bool:
        return len(line) >= 2 or min(s.bbox.x0 for s in line) - left_margin > TABLE_INDENT_PT

    return is_row(lines[0]) or sum(map(is_row, lines)) >= MIN_OPENING_ROWS


def opening_lines(segments: Sequence[TextLine]) -> list[list[TextLine]]:
    """A page's first few lines of segments, top to bottom (segments within a few points of a line's top share it)."""
    lines: list[list[TextLine]] = []
    for segment in sorted(segments, key=lambda s: s.bbox.top):
        if lines and segment.bbox.top - lines[-1][0].bbox.top < FIRST_LINE_SPAN_PT:
            lines[-1].append(segment)
        elif len(lines) < OPENING_LINES:
            lines.append([segment])
        else:
            break
    return lines


def loose_caption_title(line: str) -> str | None:
    """The title of a line that labels a table (`Table 1: Selection Criteria`), or None."""
    match = LOOSE_CAPTION.fullmatch(line)
    if match is None:
        return None
    title = match["title"].strip(" ()")
    return title if is_title_like(title) else None


def is_title_like(title: str) -> bool:
    """Tell a caption's title from prose that merely starts with `Table 2`, by its capitals."""
    if title.endswith((".", ",", ";")):
        return False
    long_words = [word for word in title.split() if len(word) > 3]
    capitalised = [word for word in long_words if word[0].isupper()]
    return len(capitalised) * 3 >= len(long_words) * 2
