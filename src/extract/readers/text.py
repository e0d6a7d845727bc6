"""Read a report as a PDF-to-text tool emits it: text boxes separated by blank lines, and page geometry when it kept the layout.

Blocks keep their raw text, newlines and leading spaces included: a leading space can be
all that is left of a dropped bullet glyph or of a page break, and only the later stages
know which. A form feed (`\\f`) marks a page break; when the file has any, blocks carry a
1-based `page_no`, otherwise `page_no` is None.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from extract.errors import UnreadableReport
from extract.model import Block, Document
from extract.readers.monospace import is_layout_text, layout_pages
from extract.text.advances import close_marked_advances, marked_advance_letters
from extract.text.clean import LIGATURES, restore_dropped_hyphens

_BINARY_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


def read_text(path: Path) -> Document:
    """Read a `.txt` report into blocks, so text input enters the same stages as a PDF. A text
    export that marks word breaks after letters with extra advance by two spaces has its single
    spaces after them closed first (`text.advances.marked_advance_letters`); one that dropped its
    line-end hyphens gets them back in the words it hyphenates elsewhere (`restore_dropped_hyphens`).
    Ligature glyphs become their letters (`text.clean.LIGATURES`); a layout export's pages keep
    them until its columns are cut, since each took one character's width."""
    data = path.read_bytes()
    text = decode_report_bytes(data, path.name)
    layout = is_layout_text(text)
    prose = text.translate(LIGATURES)
    blocks = blocks_from_text(prose if layout else restore_dropped_hyphens(close_marked_advances(prose, marked_advance_letters(prose))))
    if not blocks:
        raise UnreadableReport("empty_file", "the file holds no text", path.name)
    return Document(
        report_id=path.stem,
        source_file=path.name,
        source_format="text",
        source_sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        pages=layout_pages(normalise_newlines(text)) if layout else (),
        n_pages=page_count(text),
    )


def decode_report_bytes(data: bytes, source_file: str) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16, refusing binaries as data errors."""
    if not data.strip():
        raise UnreadableReport("empty_file", "the file is empty", source_file)
    if data.startswith(_BINARY_MAGIC):
        raise UnreadableReport("not_a_report", "the file is a binary document, not text", source_file)
    try:
        text = _decode(data)
    except UnicodeDecodeError as exc:
        raise UnreadableReport(
            "undecodable_text", f"the bytes are not UTF-8 text (offset {exc.start})", source_file
        ) from exc
    if len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise UnreadableReport("not_a_report", "the file holds binary control bytes", source_file)
    return text


def _decode(data: bytes) -> str:
    """Pick the codec from the byte-order mark; UTF-8 is the default of text extractors."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def blocks_from_text(text: str) -> tuple[Block, ...]:
    """Split text into blank-line separated blocks; a form feed also ends a block and a page."""
    pages = normalise_newlines(text).split("\f")
    with_pages = "\f" in text
    blocks: list[Block] = []
    for page_index, page_text in enumerate(pages):
        for block_text in _page_blocks(page_text):
            page_no = page_index + 1 if with_pages else None
            blocks.append(Block(text=block_text, index=len(blocks), page_no=page_no))
    return tuple(blocks)


def _page_blocks(page_text: str) -> list[str]:
    """Group the lines of one page into blocks at whitespace-only lines."""
    blocks: list[str] = []
    current: list[str] = []
    for line in page_text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def normalise_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF, so Windows and old Mac exports split alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def page_count(text: str) -> int | None:
    """Count pages from form feeds (one ends each page); None when the text has none."""
    if "\f" not in text:
        return None
    pages = text.split("\f")
    if not pages[-1].strip():
        pages = pages[:-1]
    return max(len(pages), 1)
