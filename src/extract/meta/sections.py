"""A document's blocks as one stream of lines, cut into sections at their headings.

Block boundaries differ between text and PDF input, so sections are found by their headings,
matched whole after numbering and page-break artifacts are stripped and with spaces removed
(PDF character spacing splits headings: `Ov erall Summary`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from extract.layout.captions import loose_caption_title
from extract.layout.furniture import furniture_text, running_texts
from extract.model import BBox, Block, Document
from extract.text.clean import clean_text


@dataclass(frozen=True)
class Line:
    """One non-blank printed line and the block it came from, so paragraph breaks stay visible."""

    text: str
    block_index: int
    bbox: BBox | None = None  # where a PDF prints the line; None for text input
    page_no: int | None = None


@dataclass(frozen=True)
class Heading:
    """A section heading (`key` names the section) or a table caption (`key` is `table`)."""

    key: str
    line_no: int
    caption: str = ""


TABLE_CAPTION = "table"


# Section key → the heading as printed, matched whole after numbering and page-break artifacts
# are stripped, lower-cased and with spaces removed (PDF character spacing splits headings:
# `Ov erall Summary`). Every heading also ends the section before it.
SECTION_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern.replace(" ", "")))
    for key, pattern in (
        ("research_questions", r"research questions?"),
        ("key_findings", r"key (?:findings|messages)"),
        ("context", r"context(?: and policy issues)?"),
        ("methods", r"(?:literature search )?methods"),
        ("selection_criteria", r"selection criteria(?: and methods)?"),
        ("results", r"results|summary of evidence"),
        ("summary_of_findings", r"(?:overall )?summary of findings"),
        ("limitations", r"limitations"),
        ("conclusions", r"conclusions?(?: and implications for decision or policy making)?"),
        ("references", r"references(?: summarized)?"),
        ("additional_references", r"(?:additional )?references of (?:potential )?interest"),
        ("appendix", r"appendi(?:x|ces)\d*(?:[:.\-–—].*)?"),
        ("abbreviations", r"abbreviations?"),
    )
)


LEADING_ARTIFACTS = re.compile(r"^[^\w(]+")
LEADING_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def document_lines(doc: Document) -> tuple[Line, ...]:
    """Flatten the blocks into non-blank lines; form feeds and other breaks end a line. A PDF
    block's lines keep their boxes. A text export's running headers, footers and page numbers
    are left out after its first page, whose lines may be the title the headers repeat (a PDF's
    reader has left them out already)."""
    lines = [line for block in doc.blocks for line in block_lines(block)]
    if doc.source_format != "text" or not all(line.page_no for line in lines):
        return tuple(lines)
    pages: dict[int, list[str]] = {}
    for line in lines:
        pages.setdefault(line.page_no or 0, []).append(line.text)
    running = running_texts(list(pages.values()))
    return tuple(line for line in lines if line.page_no == 1 or furniture_text(line.text) not in running)


def block_lines(block: Block) -> list[Line]:
    """One block's non-blank lines, each with its box when the block kept one per line."""
    texts = block.text.split("\n")
    boxes: Sequence[BBox | None] = block.line_boxes if len(block.line_boxes) == len(texts) else [None] * len(texts)
    return [
        Line(part, block.index, box if len(text.splitlines()) == 1 else None, block.page_no)
        for text, box in zip(texts, boxes)
        for part in text.splitlines()
        if part.strip()
    ]


def heading_text(line: str) -> str:
    """A line stripped of page-break artifacts, bullets, numbering and a trailing colon."""
    text = LEADING_ARTIFACTS.sub("", line.strip())
    text = LEADING_NUMBERING.sub("", text)
    return " ".join(text.rstrip(": ").split())


def squash(text: str) -> str:
    """Lower-case text without whitespace, for labels whose letters PDF spacing pulled apart."""
    return "".join(text.split()).lower()


def section_key(line: str) -> str | None:
    """The section a heading line opens, or None for any other line."""
    text = heading_text(line)
    if not text or not text[0].isupper():
        return None
    squashed = squash(text)
    return next((key for key, pattern in SECTION_HEADINGS if pattern.fullmatch(squashed)), None)


def caption_title(line: str) -> str | None:
    """The title of a table caption line (`Table 1: Selection Criteria`), or None."""
    return loose_caption_title(heading_text(line))


def find_headings(lines: Sequence[Line]) -> tuple[Heading, ...]:
    """Every section heading and table caption, in reading order."""
    headings = []
    for line_no, line in enumerate(lines):
        key = section_key(line.text)
        caption = None if key else caption_title(line.text)
        if key:
            headings.append(Heading(key, line_no))
        elif caption is not None:
            headings.append(Heading(TABLE_CAPTION, line_no, caption))
    return tuple(headings)


def lines_after(
    lines: Sequence[Line], headings: Sequence[Heading], start: Heading
) -> tuple[Line, ...]:
    """The lines between a heading and the next heading or caption."""
    end = next((h.line_no for h in headings if h.line_no > start.line_no), len(lines))
    return tuple(lines[start.line_no + 1 : end])


def section_lines(
    lines: Sequence[Line], headings: Sequence[Heading], key: str
) -> tuple[Line, ...]:
    """The body of the first section with this key (later matches are table header cells)."""
    start = next((h for h in headings if h.key == key), None)
    return () if start is None else lines_after(lines, headings, start)


def front_lines(lines: Sequence[Line], headings: Sequence[Heading]) -> tuple[Line, ...]:
    """The cover lines before the first heading; none when no heading was found."""
    return tuple(lines[: headings[0].line_no]) if headings else ()


def section_text(lines: Sequence[Line]) -> str:
    """A section's prose as one cleaned paragraph."""
    return clean_text("\n".join(line.text for line in lines)) if lines else ""


def sentences(text: str) -> tuple[str, ...]:
    """Split cleaned prose into sentences, at a stop followed by a capital."""
    return tuple(part.strip() for part in SENTENCE_BREAK.split(text) if part.strip())


def split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split at separators outside parentheses, so `(CRD, DARE)` stays one item."""
    parts, depth, start = [], 0, 0
    for match in separator.finditer(text):
        depth = text.count("(", 0, match.start()) - text.count(")", 0, match.start())
        if depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]
