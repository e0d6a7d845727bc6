"""The text-block strategy, first step: a document's blocks classified into pieces, cut into table spans.

Text extractors emit a table's cells as blocks in an order that is neither row-major nor
column-major, so a block is first told for what it is — caption, header cell, design heading,
author, reference number, footnote, running furniture, section end, or data — and split where
its leading lines are structural (a header glued above a cell, an author merged with the next
cell's first line). A summary table is the pieces between a caption and its end that hold header
cells and at least one author.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Literal, Sequence

from extract.fields import AuthorYearRef, is_design_heading, split_author_year_ref
from extract.layout.captions import CAPTION
from extract.model import Block, Document
from extract.text.sentence import closes_sentence, ends_mid_sentence
from extract.tables.verdict import CONTENT_FIELDS, opens_a_name
from extract.tables.headers import field_for_header, header_cells, header_cells_with_unknown, is_header_cell, is_known_header


PieceKind = Literal["caption", "header", "heading", "author", "number", "ref", "footnote", "furniture", "end", "data"]


@dataclass(frozen=True)
class Piece:
    """A block, or the lines of a block, with what it is: the unit the table finder reasons on."""

    kind: PieceKind
    text: str
    block: Block
    field: str | None = None
    author: AuthorYearRef | None = None


@dataclass(frozen=True)
class TableSpan:
    """The pieces between one summary caption and the table's end, caption text kept as printed."""

    caption: str
    pieces: tuple[Piece, ...]
    footnotes: tuple[str, ...]


_LONE_NUMBER = re.compile(r"^\s*[\[(]?\d{1,3}[\])]?(\s*[,\u2013-]\s*\d{1,3})*\s*$")
_PAGE_FURNITURE = re.compile(r"^\s*(page\s+\d{1,4}(\s*(of|/)\s*\d{1,4})?|[-\u2013]\s*\d{1,4}\s*[-\u2013])\s*$", re.I)
_FOOTNOTE_LEAD = re.compile(r"^\s*(abbreviations?|notes?|sources?)\s*[:.]", re.IGNORECASE)
_SECTION_AFTER_TABLE = re.compile(
    r"^\s*(references?(\s+(summarized|cited|of potential interest))?|appendix(\s+\d+)?(\s*[:.].*)?"
    r"|additional references.*|conclusions and implications.*|limitations|discussion"
    r"|summary of critical appraisal|critical appraisal)\s*$",
    re.IGNORECASE,
)
_MAX_HEADER_LINES = 3


_MAX_AUTHOR_CHARS = 80
_MAX_AUTHOR_WORDS = 5
_MAX_AUTHOR_LINES = 3
_YEAR_END = re.compile(r"(?:19|20)\d{2}[a-z]?(?:\d{1,3}(?!\d))?(?:\s*[)\]](?:\s*\[\d{1,3}\]|\d{1,3}(?!\d))?)?")


def summary_table_spans(doc: Document) -> tuple[TableSpan, ...]:
    """Cut the document at table captions and keep the tables that list studies by author."""
    spans = []
    for caption, pieces in _caption_runs(document_pieces(doc)):
        body, footnotes = _table_body(pieces)
        if _is_summary_table(body):
            spans.append(TableSpan(caption, body, footnotes))
    return tuple(spans)


def table_footnotes(doc: Document) -> tuple[str, ...]:
    """Raw text of the footnotes under each summary table (abbreviation lists, notes), for metadata."""
    return tuple(note for span in summary_table_spans(doc) for note in span.footnotes)


def _caption_runs(pieces: Sequence[Piece]) -> Iterator[tuple[str, list[Piece]]]:
    """Yield each table caption with the pieces after it; a repeated caption continues its table."""
    caption: str | None = None
    number: str | None = None
    run: list[Piece] = []
    for piece in pieces:
        if piece.kind == "caption":
            match = CAPTION.match(piece.text)
            if match and match.group(1) == number:
                continue
            if caption is not None:
                yield caption, run
            caption, number, run = piece.text, match.group(1) if match else None, []
        elif caption is not None:
            run.append(piece)
    if caption is not None:
        yield caption, run


def _table_body(pieces: Sequence[Piece]) -> tuple[tuple[Piece, ...], tuple[str, ...]]:
    """Keep a table's pieces up to its end: a section heading, or a footnote the table does not resume after."""
    body: list[Piece] = []
    footnotes: list[str] = []
    for index, piece in enumerate(pieces):
        if piece.kind == "end":
            break
        if piece.kind == "footnote":
            footnotes.append(piece.text)
            if not _table_resumes(pieces[index + 1 :]):
                break
            continue
        body.append(piece)
    return tuple(body), tuple(footnotes)


def _table_resumes(rest: Sequence[Piece]) -> bool:
    """A footnote at a page foot is followed by the repeated header cells of the next page."""
    for piece in rest:
        if piece.kind in ("furniture", "footnote"):
            continue
        return piece.kind == "header"
    return False


def _is_summary_table(pieces: Sequence[Piece]) -> bool:
    """A study table prints an author header, another column's header and author cells; selection criteria have none."""
    headers = {piece.field for piece in pieces if piece.kind == "header"}
    has_authors = any(piece.kind == "author" for piece in pieces)
    return "author" in headers and bool(headers & CONTENT_FIELDS) and has_authors


def document_pieces(doc: Document) -> tuple[Piece, ...]:
    """Classify every block of a document, splitting blocks whose leading lines are structural."""
    repeated = repeated_furniture_texts(doc)
    pieces: list[Piece] = []
    for block in doc.blocks:
        if normalised_block_text(block.text) in repeated:
            pieces.append(Piece("furniture", block.text, block))
        else:
            pieces.extend(block_pieces(block))
    return with_unknown_headers(pieces)


def with_unknown_headers(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Turn data pieces inside a run of header cells into header cells of columns the synonym
    table does not know (`Country`, or `Study Design Country` merged on one line)."""
    resolved: list[Piece] = []
    seen: set[str] = set()  # header runs already read so: the same run on a later page is its repeated header
    for index, piece in enumerate(pieces):
        after = pieces[index + 1] if index + 1 < len(pieces) else None
        cells = header_cells_with_unknown(piece.text) if piece.kind == "data" else ()
        after_header = bool(resolved) and resolved[-1].kind in ("header", "caption")
        known = any(is_header_cell(cell) for cell in cells)
        flat = " ".join(piece.text.split())
        if cells and ((after_header and (known or (after is not None and after.kind == "header"))) or flat in seen):
            seen.add(flat)
            resolved.extend(Piece("header", cell, piece.block, field=field_for_header(cell)) for cell in cells)
        else:
            resolved.append(piece)
    return tuple(with_wrapped_headers_joined(resolved))


def with_wrapped_headers_joined(pieces: Sequence[Piece]) -> list[Piece]:
    """An unknown header cell that, with a header cell printed later in the same table, makes a
    known one is that header's first line (`Target` ... `Population`: a wrapped cell a text tool
    printed in two places); it takes the whole header's field."""
    joined = list(pieces)
    for index, piece in enumerate(pieces):
        if piece.kind != "header" or not str(piece.field).startswith("extra:"):
            continue
        for later in pieces[index + 1 :]:
            if later.kind == "caption":
                break
            whole = f"{piece.text} {later.text}"
            if later.kind == "header" and is_known_header(whole):
                joined[index] = Piece("header", whole, piece.block, field=field_for_header(whole))
                break
    return joined


def block_pieces(block: Block) -> list[Piece]:
    """Peel captions, header cells, headings, authors and numbers off the start of a block;
    a caption printed right under a paragraph, with no blank line, starts a block of its own."""
    if is_footnote(block.text):
        return [Piece("footnote", block.text, block)]
    return [piece for lines in caption_chunks(block.text.split("\n")) for piece in _chunk_pieces(lines, block)]


def caption_chunks(lines: list[str]) -> list[list[str]]:
    """Cut a block's lines before each caption line that follows a finished sentence."""
    chunks: list[list[str]] = [[]]
    for line in lines:
        previous = chunks[-1][-1] if chunks[-1] else ""
        if closes_sentence(previous) and CAPTION.match(line):
            chunks.append([])
        chunks[-1].append(line)
    return chunks


def has_caption_line(text: str) -> bool:
    """Whether a block opens a table: its first line, or a line under a finished sentence, is a caption."""
    return any(CAPTION.match(chunk[0]) for chunk in caption_chunks(text.split("\n")) if chunk)


def _chunk_pieces(lines: list[str], block: Block) -> list[Piece]:
    """The pieces of one run of a block's lines, structural lines peeled off its start."""
    pieces: list[Piece] = []
    index = 0
    while index < len(lines):
        split = et_al_and_rest(lines[index : index + _MAX_AUTHOR_LINES])
        if split is not None:
            author_lines, neighbour = split
            author, size = _leading_author(author_lines)
            if author is not None:
                pieces.append(Piece("author", "\n".join(author_lines[:size]), block, author=author))
                pieces.extend(_data_and_trailing_headers([neighbour, *lines[index + size :]], block))
                break
        leading, used = _leading_pieces(lines[index:], block, after_caption=_ends_in_caption(pieces))
        merged = author_and_rest(lines[index]) if not leading else None
        if merged is not None:
            author, prefix, rest = merged
            pieces.append(Piece("author", prefix, block, author=author))
            lines = [*lines[:index], rest, *lines[index + 1 :]]
            continue
        if not leading:
            end = _next_author_line(lines, index + 1)
            pieces.extend(_data_and_trailing_headers(lines[index:end], block))
            index = end
            continue
        pieces.extend(leading)
        index += used
    return _merge_caption_lines(pieces)


def _next_author_line(lines: list[str], start: int) -> int:
    """Where an author cell starts inside a block of data, right after a cell's finished end:
    a row cut by a page break leaves its last line glued above the next row's author."""
    for index in range(start, len(lines)):
        author, size = _leading_author(lines[index:])
        finished = lines[index - 1].rstrip().endswith((".", ")", "]"))
        closing = index + size == len(lines) and author is not None and author.ref_no is not None and not ends_mid_sentence(lines[index - 1])
        if (finished or closing) and author is not None and opens_a_name(lines[index]):
            return index
    return len(lines)


def _data_and_trailing_headers(lines: list[str], block: Block) -> list[Piece]:
    """Split off header cells glued under a cell: the next page's header, with no blank line between."""
    trailing: list[Piece] = []
    end = len(lines)
    while end > 1:
        size = next(
            (n for n in range(min(_MAX_HEADER_LINES, end - 1), 0, -1) if _is_printed_header("\n".join(lines[end - n : end]))),
            0,
        )
        if not size:
            break
        cells = header_cells("\n".join(lines[end - size : end]))
        trailing[:0] = [Piece("header", cell, block, field=field_for_header(cell)) for cell in cells]
        end -= size
    return [Piece("data", "\n".join(lines[:end]), block), *trailing]


def _is_printed_header(text: str) -> bool:
    """Header cells as printed start with a capital; a cell's last line (`disease`) may be a header word."""
    return text.lstrip()[:1].isupper() and bool(header_cells(text))


def _ends_in_caption(pieces: list[Piece]) -> bool:
    """Tell whether the previous piece of this block is a caption, whose wrapped lines follow it."""
    return bool(pieces) and pieces[-1].kind == "caption"


def _leading_pieces(lines: list[str], block: Block, after_caption: bool) -> tuple[list[Piece], int]:
    """Recognise the structural pieces the lines start with, and how many lines they take."""
    first = lines[0]
    if CAPTION.match(first):
        return [Piece("caption", first.strip(), block)], 1
    for size in range(min(_MAX_HEADER_LINES, len(lines)), 0, -1):
        cells = header_cells("\n".join(lines[:size]))
        if cells and not is_cell_label(lines[size - 1]):
            return [Piece("header", cell, block, field=field_for_header(cell)) for cell in cells], size
    piece, used = _leading_body_piece(lines, block, after_caption)
    return ([piece] if piece is not None else []), used


def _leading_body_piece(lines: list[str], block: Block, after_caption: bool) -> tuple[Piece | None, int]:
    """Recognise a heading, author, number, furniture or section end at the start of the lines."""
    first = lines[0]
    size = next((n for n in range(min(_MAX_HEADER_LINES, len(lines)), 0, -1) if is_design_heading(" ".join(" ".join(lines[:n]).split()))), 0)
    if size:
        return Piece("heading", "\n".join(lines[:size]), block), size
    author, size = _leading_author(lines)
    if author is not None:
        return Piece("author", "\n".join(lines[:size]), block, author=author), size
    if _LONE_NUMBER.match(first):
        return Piece("number", first, block), 1
    if _PAGE_FURNITURE.match(first):
        return Piece("furniture", first, block), 1
    if _SECTION_AFTER_TABLE.match(first):
        return Piece("end", first, block), 1
    if after_caption:
        return Piece("caption", first.strip(), block), 1
    return None, 0


def is_cell_label(line: str) -> bool:
    """A label opening a cell's paragraph (`Authors' conclusion:`): worded like a header, but a
    header cell names its column without a colon."""
    return line.rstrip().endswith(":")


def _merge_caption_lines(pieces: list[Piece]) -> list[Piece]:
    """Join a caption wrapped over several lines back into one caption piece."""
    merged: list[Piece] = []
    for piece in pieces:
        if piece.kind == "caption" and merged and merged[-1].kind == "caption" and not CAPTION.match(piece.text):
            previous = merged.pop()
            merged.append(Piece("caption", f"{previous.text} {piece.text}", previous.block))
        else:
            merged.append(piece)
    return merged


def _leading_author(lines: list[str]) -> tuple[AuthorYearRef | None, int]:
    """An author cell on the first line, or wrapped over up to three lines with its year on the last."""
    for size in range(1, min(_MAX_AUTHOR_LINES, len(lines)) + 1):
        if size > 1 and re.search(r"\d{4}", lines[size - 2]):
            break
        if re.search(r"\d{4}", lines[size - 1]):
            parts = author_parts("\n".join(lines[:size]))
            return (parts, size) if parts is not None else (None, 0)
    return None, 0


_ET_AL_THEN_TEXT = re.compile(r"^(?P<name>.*?\bet\.?\s*al\.?)\s+(?P<rest>[^\W\d].*)$")


def et_al_and_rest(lines: list[str]) -> tuple[list[str], str] | None:
    """An author cell wrapped over lines whose first line goes on past `et al.` into the next
    cell (`Lee et al. Randomized` above `(2013)`): a text tool interleaves the lines of two
    cells side by side. Returns the author's lines and the neighbour's first line."""
    if len(lines) < 2 or re.search(r"\d{4}", lines[0]):
        return None
    match = _ET_AL_THEN_TEXT.match(lines[0].strip())
    if match is None:
        return None
    return [match["name"], *lines[1:]], match["rest"]


def author_and_rest(line: str) -> tuple[AuthorYearRef, str, str] | None:
    """An author cell merged on one line with the first line of the next cell (`Lee (2015)2 Chronic`):
    a text tool joins the two when the gap between the columns is narrow."""
    for match in _YEAR_END.finditer(line):
        prefix, rest = line[: match.end()], line[match.end() :]
        parts = author_parts(prefix)
        if parts is not None and re.match(r"\s+[^\W\d]", rest):
            return parts, prefix.rstrip(), rest.strip()
    return None


def author_parts(text: str) -> AuthorYearRef | None:
    """Split a short author cell into name, year and reference; None when the text is not one."""
    if len(text) > _MAX_AUTHOR_CHARS or not re.search(r"\d{4}", text):
        return None
    parts = split_author_year_ref(" ".join(text.split()))
    if parts.first_author is None or parts.year is None or re.search(r"\w", parts.rest):
        return None
    if len(parts.first_author.split()) > _MAX_AUTHOR_WORDS:
        return None
    return parts


def is_footnote(text: str) -> bool:
    """Tell an abbreviation list or note under a table (`AE = adverse events; ...`) from a cell."""
    flat = " ".join(text.split())
    if _FOOTNOTE_LEAD.match(flat):
        return True
    entries = [entry for entry in flat.split(";") if entry.strip()]
    if len(entries) < 2:
        return False
    return all(_is_abbreviation_entry(entry) for entry in entries)


def _is_abbreviation_entry(entry: str) -> bool:
    """One `KEY = expansion` entry: a short key and a wordy expansion without numbers."""
    key, sep, expansion = entry.partition("=")
    return bool(sep) and 0 < len(key.split()) <= 3 and bool(expansion.strip()) and not re.search(r"\d", expansion)


def repeated_furniture_texts(doc: Document) -> frozenset[str]:
    """Texts repeated on several pages outside any table: running titles and footers."""
    counts = Counter(normalised_block_text(block.text) for block in doc.blocks)
    first_caption = next((b.index for b in doc.blocks if has_caption_line(b.text)), len(doc.blocks))
    before_tables = {normalised_block_text(b.text) for b in doc.blocks[:first_caption]}
    return frozenset(
        text
        for text, count in counts.items()
        if count >= 2 and text in before_tables and not is_header_cell(text) and not _LONE_NUMBER.match(text)
    )


def normalised_block_text(text: str) -> str:
    """Compare block texts regardless of line wrapping and case."""
    return " ".join(text.split()).casefold()
