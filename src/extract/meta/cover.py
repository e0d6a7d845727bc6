"""The cover: the report's title and publication date, told from series banners and labelled facts."""

from __future__ import annotations

import re
from datetime import date
from typing import Sequence

from extract import fields
from extract.meta.sections import Heading, Line, front_lines
from extract.text.clean import clean_text


LABELLED_PUBLICATION_DATE = re.compile(
    rf"(?:\bPublication Date|\bPublished(?: on)?|^\s*Date)\s*:\s*(?P<date>{fields.DATE_PATTERN})",
    re.IGNORECASE | re.MULTILINE,
)
COVER_METADATA = re.compile(
    r"^\s*(?:Service Line|Publication Date|Published|Date|Version|Report Length|Cite As)\s*:",
    re.IGNORECASE,
)
TITLE_LABEL = re.compile(r"^\s*Title\s*:\s*", re.IGNORECASE)


def report_title(front: Sequence[Line]) -> str | None:
    """The first cover block that is neither a series banner nor a date or labelled fact. A title
    block ending in a colon goes on in the next block (`Drug X for Y:` / `Clinical Effectiveness`,
    a subtitle printed with room above it)."""
    blocks = front_blocks(front)
    for index, block in enumerate(blocks):
        lines = [] if is_banner(block[0].text) else title_lines(block)
        if lines and lines[-1].rstrip().endswith(":") and len(lines) == len(block) and index + 1 < len(blocks):
            lines += title_lines(blocks[index + 1])
        if lines:
            return clean_text("\n".join(lines)) or None
    return None


def publication_date(lines: Sequence[Line], headings: Sequence[Heading]) -> date | None:
    """A labelled publication date anywhere, else a bare date line on the cover."""
    labelled = LABELLED_PUBLICATION_DATE.search("\n".join(line.text for line in lines))
    if labelled:
        return fields.parse_date(labelled["date"])
    cover_dates = (
        line.text.strip()
        for line in front_lines(lines, headings)
        if fields.CALENDAR_DATE.fullmatch(line.text.strip())
    )
    first = next(cover_dates, None)
    return fields.parse_date(first) if first else None


def is_cover_metadata(text: str) -> bool:
    """A cover line that is a date or a labelled fact, not part of the title."""
    return bool(COVER_METADATA.match(text) or fields.CALENDAR_DATE.fullmatch(text.strip()))


def is_banner(text: str) -> bool:
    """An all-capitals series line (`RAPID RESPONSE REPORT`) printed above the title."""
    letters = [ch for ch in TITLE_LABEL.sub("", text) if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and not TITLE_LABEL.match(text)


def front_blocks(front: Sequence[Line]) -> list[list[Line]]:
    """The cover lines grouped back into their blocks."""
    blocks: list[list[Line]] = []
    for line in front:
        if not blocks or blocks[-1][-1].block_index != line.block_index:
            blocks.append([])
        blocks[-1].append(line)
    return blocks


def title_lines(block: Sequence[Line]) -> list[str]:
    """A cover block's lines up to its first date or labelled fact, `TITLE:` label removed."""
    kept: list[str] = []
    for line in block:
        if is_cover_metadata(line.text):
            break
        kept.append(TITLE_LABEL.sub("", line.text))
    return kept
