"""A report's reference lists: "References Summarized" and the appendix of references of potential interest.

Each numbered entry becomes a `Reference`: its number, the list it is in, the group heading it
sits under, its text (cleaned by `extract.text.clean`, verbatim otherwise) and the fields
`extract.meta.citations` reads from it by the rules of the citation styles these reports use.
An entry is a line opening with its number (`12.` or `[12]`) and every line up to the next
one; a group heading is a short capitalised line between a finished entry and a numbered one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from extract.meta.citations import LINK_LINE, URL, citation_fields, join_entry_lines
from extract.meta.sections import Heading, Line, heading_text, lines_after
from extract.model import Document, Reference, ReferenceSection
from extract.text.clean import clean_text

ENTRY_START = re.compile(r"^\s*(?:\[(?P<bracketed>\d{1,3})\]|(?P<dotted>\d{1,3})\.)\s+(?=\S)")
# An appendix holds references when its heading says so ("Appendix 1: References of Potential
# Interest", "Appendix — Further Information").
ADDITIONAL_HEADING = re.compile(r"referenc|potential interest|further information", re.IGNORECASE)
# A numbered line starts a new entry only when its number follows the last one closely: a
# wrapped line that happens to open with `12.` (a volume, a page) is not an entry.
MAX_NUMBER_STEP = 5
MAX_GROUP_WORDS = 12
ENTRY_END = re.compile(r"[.)\]]$|\d$")
# A group heading is words only: no digits, no sentence or citation punctuation, no link.
GROUP_HEADING = re.compile(r"^[^\W\d_][^\d:;.\[\]/]*$")


def report_references(doc: Document, lines: Sequence[Line], headings: Sequence[Heading]) -> tuple[Reference, ...]:
    """Every numbered entry of the report's summarized list and of its appendix of further references."""
    pages = {block.index: block.page_no for block in doc.blocks}
    found: list[Reference] = []
    summarized = next((body for body in section_bodies(lines, headings, "references") if has_entries(body)), ())
    found += list_references(summarized, "summarized", pages)
    for heading in headings:
        appendix = heading.key == "appendix" and ADDITIONAL_HEADING.search(lines[heading.line_no].text)
        if appendix or heading.key == "additional_references":
            found += list_references(lines_after(lines, headings, heading), "additional", pages)
    return tuple(found)


def section_bodies(lines: Sequence[Line], headings: Sequence[Heading], key: str) -> list[tuple[Line, ...]]:
    """The bodies of every section with this key, in reading order."""
    return [lines_after(lines, headings, heading) for heading in headings if heading.key == key]


def entry_number(text: str) -> int | None:
    """The number a line opens with as a list entry (`12. `, `[12] `), or None."""
    match = ENTRY_START.match(text)
    return None if match is None else int(match["bracketed"] or match["dotted"])


def has_entries(body: Sequence[Line]) -> bool:
    """Whether a section body holds at least one numbered entry."""
    return any(entry_number(line.text) is not None for line in body)


def is_group_heading(line: str, previous: str | None, next_line: str | None) -> bool:
    """A short capitalised line, not a link, between a finished entry (or the list's start) and a numbered entry."""
    text = heading_text(line)
    if not text or not text[0].isupper() or not GROUP_HEADING.match(text):
        return False
    if len(text.split()) > MAX_GROUP_WORDS or LINK_LINE.match(line.strip()) or entry_number(line) is not None:
        return False
    finished = previous is None or entry_finished(previous)
    return finished and next_line is not None and entry_number(next_line) is not None


def ends_with_link(line: str) -> bool:
    """Whether a line's last word is a URL, as an entry ending `Available from: https://…` does."""
    words = line.split()
    return bool(words) and URL.match(words[-1]) is not None


def starts_entry(number: int, last_number: int, previous: str | None) -> bool:
    """A numbered line opens an entry when its number follows the last closely, restarts at 1, or
    repeats it after a finished entry (a number printed twice is the report's, kept for checks)."""
    if previous is None or number == 1 or last_number < number <= last_number + MAX_NUMBER_STEP:
        return True
    return number == last_number and entry_finished(previous)


def entry_finished(line: str) -> bool:
    """Whether a line can end an entry: a closing period, bracket or digit, or a link."""
    return bool(ENTRY_END.search(line.strip())) or ends_with_link(line)


def list_references(body: Sequence[Line], section: ReferenceSection, pages: Mapping[int, int | None]) -> list[Reference]:
    """The numbered entries of one list, each with the group heading above it."""
    entries: list[tuple[int, str | None, list[Line]]] = []
    group: str | None = None
    last_number = 0
    for index, line in enumerate(body):
        number = entry_number(line.text)
        previous = entries[-1][2][-1].text if entries else None
        following = body[index + 1].text if index + 1 < len(body) else None
        if number is not None and starts_entry(number, last_number, previous):
            entries.append((number, group, [line]))
            last_number = number
        elif is_group_heading(line.text, previous, following):
            group = clean_text(heading_text(line.text))
        elif entries:
            entries[-1][2].append(line)
    return [reference(number, section, group, entry_lines, pages) for number, group, entry_lines in entries]


def reference(
    number: int, section: ReferenceSection, group: str | None, lines: Sequence[Line], pages: Mapping[int, int | None]
) -> Reference:
    """One entry: its lines joined and cleaned without the number, then its fields read."""
    raw = [ENTRY_START.sub("", lines[0].text, count=1), *(line.text for line in lines[1:])]
    text = clean_text(join_entry_lines(raw))
    return Reference(
        ref_no=number, section=section, text=text, group=group,
        page_no=pages.get(lines[0].block_index), **citation_fields(text),
    )
