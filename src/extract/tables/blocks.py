"""Rebuild summary-of-included-studies tables from a sequence of text blocks.

Text extractors emit a table's cells as blocks in an order that is neither row-major nor
column-major: author cells may come ahead of their rows, reference numbers may stand alone,
header cells repeat on every page in varying order, and a cell may be split at a page break.
What survives is this: the blocks of one column come in row order,
though columns interleave freely and a cell may be cut into several blocks. So blocks are first
classified (caption, header cell, group heading, author, reference, footnote, furniture, data),
then the data blocks of the whole table are aligned to rows and columns by a beam search that
keeps, per column, the last row it filled, scoring each block's fit to each column, skipped
and continued cells, how the block starts, and how it follows the previous block.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterator, Literal, Sequence

from extract.fields import AuthorYearRef, design_for_label, is_design_heading, split_author_year_ref
from extract.model import Block, Cell, Document, ParsingReport, RawRow, Table
from extract.tables.headers import field_for_header, is_header_cell

PieceKind = Literal["caption", "header", "heading", "author", "number", "ref", "footnote", "furniture", "end", "data"]

STRATEGY = "text-blocks"


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


_CAPTION = re.compile(r"^\s*Table\s+(\d+)\s*[:.\u2013\u2014-]\s*\S", re.IGNORECASE)
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
_MAX_HEADER_WORDS = 6
_MAX_UNKNOWN_HEADER_WORDS = 3
_MAX_AUTHOR_CHARS = 80
_MAX_AUTHOR_WORDS = 5
_MAX_AUTHOR_LINES = 3
_YEAR_END = re.compile(r"(?:19|20)\d{2}[a-z]?(?:\d{1,3}(?!\d))?(?:\s*[)\]](?:\s*\[\d{1,3}\]|\d{1,3}(?!\d))?)?")


def tables_from_blocks(doc: Document) -> tuple[Table, ...]:
    """Find every summary-of-studies table in a text document and rebuild its rows."""
    return tuple(table_from_span(span) for span in summary_table_spans(doc))


def table_footnotes(doc: Document) -> tuple[str, ...]:
    """Raw text of the footnotes under each summary table (abbreviation lists, notes), for metadata."""
    return tuple(note for span in summary_table_spans(doc) for note in span.footnotes)


# --- classifying blocks ---------------------------------------------------------------------


def document_pieces(doc: Document) -> tuple[Piece, ...]:
    """Classify every block of a document, splitting blocks whose leading lines are structural."""
    repeated = repeated_furniture_texts(doc)
    pieces: list[Piece] = []
    for block in doc.blocks:
        if _normalised(block.text) in repeated:
            pieces.append(Piece("furniture", block.text, block))
        else:
            pieces.extend(block_pieces(block))
    return with_unknown_headers(pieces)


def with_unknown_headers(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Turn data pieces inside a run of header cells into header cells of columns the synonym
    table does not know (`Country`, or `Study Design Country` merged on one line)."""
    resolved: list[Piece] = []
    for index, piece in enumerate(pieces):
        after = pieces[index + 1] if index + 1 < len(pieces) else None
        cells = header_cells_with_unknown(piece.text) if piece.kind == "data" else ()
        after_header = bool(resolved) and resolved[-1].kind in ("header", "caption")
        known = any(is_header_cell(cell) for cell in cells)
        if cells and after_header and (known or (after is not None and after.kind == "header")):
            resolved.extend(Piece("header", cell, piece.block, field=field_for_header(cell)) for cell in cells)
        else:
            resolved.append(piece)
    return tuple(resolved)


def header_cells_with_unknown(text: str) -> tuple[str, ...]:
    """Known header cells followed by one short title-case header the synonym table lacks; empty otherwise."""
    words = text.split()
    for split in range(len(words), -1, -1):
        known = header_cells(" ".join(words[:split])) if split else ()
        tail = words[split:]
        if (known or not split) and _is_unknown_header(tail):
            return (*known, " ".join(tail))
    return ()


def _is_unknown_header(words: Sequence[str]) -> bool:
    """A column name: one to three capitalised words without digits or a sentence's full stop."""
    return (
        0 < len(words) <= _MAX_UNKNOWN_HEADER_WORDS
        and all(word[:1].isupper() and not re.search(r"\d", word) for word in words)
        and not words[-1].endswith(".")
    )


def block_pieces(block: Block) -> list[Piece]:
    """Peel captions, header cells, headings, authors and numbers off the start of a block."""
    if is_footnote(block.text):
        return [Piece("footnote", block.text, block)]
    lines = block.text.split("\n")
    pieces: list[Piece] = []
    index = 0
    while index < len(lines):
        leading, used = _leading_pieces(lines[index:], block, after_caption=_ends_in_caption(pieces))
        merged = author_and_rest(lines[index]) if not leading else None
        if merged is not None:
            author, prefix, rest = merged
            pieces.append(Piece("author", prefix, block, author=author))
            lines = [*lines[:index], rest, *lines[index + 1 :]]
            continue
        if not leading:
            pieces.extend(_data_and_trailing_headers(lines[index:], block))
            break
        pieces.extend(leading)
        index += used
    return _merge_caption_lines(pieces)


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


def header_cells(text: str) -> tuple[str, ...]:
    """Split text into known header cells, fewest first: a text tool merges the header cells of
    one printed line (`Study Design Indication`); empty when the text is not all header cells."""
    words = text.split()
    fewest: list[tuple[str, ...] | None] = [()] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(max(0, end - _MAX_HEADER_WORDS), end):
            before = fewest[start]
            cell = " ".join(words[start:end])
            if before is not None and is_header_cell(cell):
                if fewest[end] is None or len(before) + 1 < len(fewest[end] or ()):
                    fewest[end] = (*before, cell)
    return fewest[-1] or ()


def _ends_in_caption(pieces: list[Piece]) -> bool:
    """Tell whether the previous piece of this block is a caption, whose wrapped lines follow it."""
    return bool(pieces) and pieces[-1].kind == "caption"


def _leading_pieces(lines: list[str], block: Block, after_caption: bool) -> tuple[list[Piece], int]:
    """Recognise the structural pieces the lines start with, and how many lines they take."""
    first = lines[0]
    if _CAPTION.match(first):
        return [Piece("caption", first.strip(), block)], 1
    for size in range(min(_MAX_HEADER_LINES, len(lines)), 0, -1):
        cells = header_cells("\n".join(lines[:size]))
        if cells:
            return [Piece("header", cell, block, field=field_for_header(cell)) for cell in cells], size
    piece, used = _leading_body_piece(lines, block, after_caption)
    return ([piece] if piece is not None else []), used


def _leading_body_piece(lines: list[str], block: Block, after_caption: bool) -> tuple[Piece | None, int]:
    """Recognise a heading, author, number, furniture or section end at the start of the lines."""
    first = lines[0]
    if is_design_heading(" ".join(first.split())):
        return Piece("heading", first, block), 1
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


def _merge_caption_lines(pieces: list[Piece]) -> list[Piece]:
    """Join a caption wrapped over several lines back into one caption piece."""
    merged: list[Piece] = []
    for piece in pieces:
        if piece.kind == "caption" and merged and merged[-1].kind == "caption" and not _CAPTION.match(piece.text):
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
    counts = Counter(_normalised(block.text) for block in doc.blocks)
    first_caption = next((b.index for b in doc.blocks if _CAPTION.match(b.text.lstrip())), len(doc.blocks))
    before_tables = {_normalised(b.text) for b in doc.blocks[:first_caption]}
    return frozenset(
        text
        for text, count in counts.items()
        if count >= 2 and text in before_tables and not is_header_cell(text) and not _LONE_NUMBER.match(text)
    )


def _normalised(text: str) -> str:
    """Compare block texts regardless of line wrapping and case."""
    return " ".join(text.split()).casefold()


# --- finding table spans --------------------------------------------------------------------


def summary_table_spans(doc: Document) -> tuple[TableSpan, ...]:
    """Cut the document at table captions and keep the tables that list studies by author."""
    spans = []
    for caption, pieces in _caption_runs(document_pieces(doc)):
        body, footnotes = _table_body(pieces)
        if _is_summary_table(body):
            spans.append(TableSpan(caption, body, footnotes))
    return tuple(spans)


def _caption_runs(pieces: Sequence[Piece]) -> Iterator[tuple[str, list[Piece]]]:
    """Yield each table caption with the pieces after it; a repeated caption continues its table."""
    caption: str | None = None
    number: str | None = None
    run: list[Piece] = []
    for piece in pieces:
        if piece.kind == "caption":
            match = _CAPTION.match(piece.text)
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
    """A study table has header cells and at least one author cell; selection criteria have none."""
    kinds = {piece.kind for piece in pieces}
    return "header" in kinds and "author" in kinds


# --- the table's columns and rows -----------------------------------------------------------


@dataclass(frozen=True)
class TableLayout:
    """A table's rows (author pieces with their lone references and design headings) and its data
    pieces in reading order, each with how many authors precede it and whether it may continue a cell."""

    authors: tuple[tuple[Piece, Piece | None], ...]
    group_labels: tuple[str | None, ...]
    data: tuple[Piece, ...]
    authors_before: tuple[int, ...]
    cuts: tuple[BlockCut, ...]


@dataclass(frozen=True)
class BlockCut:
    """What a block's edges say about whether it starts a cell or continues the one before it."""

    after_page_break: bool = False
    start: Literal["lower", "bullet", "capital", "other"] = "other"
    after_open_end: bool = False


def table_columns(pieces: Sequence[Piece]) -> tuple[str, ...]:
    """The table's non-author columns, in the order the header cells are first printed."""
    fields = [piece.field for piece in pieces if piece.kind == "header" and piece.field not in (None, "author")]
    return tuple(dict.fromkeys(field for field in fields if field is not None))


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
        if kind == "heading" and "study_design" in columns:
            kind = "data"
        elif kind == "number":
            kind = _number_kind(pieces, index, resolved)
        resolved.append(Piece(kind, piece.text, piece.block, piece.field, piece.author))
    return tuple(resolved)


def _number_kind(pieces: Sequence[Piece], index: int, resolved: Sequence[Piece]) -> PieceKind:
    """A lone number is a reference after a ref-less author, page furniture beside a page break, else data."""
    previous = resolved[-1] if resolved else None
    if previous is not None and previous.kind == "author" and previous.author and previous.author.ref_no is None:
        return "ref"
    following = pieces[index + 1] if index + 1 < len(pieces) else None
    if following is None or following.kind in ("header", "furniture") or (previous and previous.kind == "header"):
        return "furniture"
    return "data"


def table_layout(pieces: Sequence[Piece]) -> TableLayout:
    """Collect the rows and data pieces of a whole table: a text tool may print a group's cells
    after the next group's heading, so rows are numbered through the table, not per group."""
    authors: list[tuple[Piece, Piece | None]] = []
    labels: list[str | None] = []
    data: list[Piece] = []
    authors_before: list[int] = []
    cuts: list[BlockCut] = []
    label: str | None = None
    page_break = False
    last_page: int | None = None
    for piece in pieces:
        page_break = page_break or _breaks_the_page(piece, last_page)
        last_page = piece.block.page_no if piece.block.page_no is not None else last_page
        if piece.kind == "heading":
            label = " ".join(piece.text.split())
        elif piece.kind == "author":
            authors.append((piece, None))
            labels.append(label)
        elif piece.kind == "ref" and authors:
            authors[-1] = (authors[-1][0], piece)
        elif piece.kind == "data":
            data.append(piece)
            authors_before.append(len(authors))
            cuts.append(BlockCut(page_break, block_start(piece.text), len(data) > 1 and ends_mid_sentence(data[-2].text)))
            page_break = False
    return TableLayout(tuple(authors), tuple(labels), tuple(data), tuple(authors_before), tuple(cuts))


def _breaks_the_page(piece: Piece, last_page: int | None) -> bool:
    """Header cells, furniture and footnotes mark a page break, as does a change of page number."""
    new_page = piece.block.page_no is not None and last_page is not None and piece.block.page_no != last_page
    return new_page or piece.kind in ("header", "furniture", "footnote")


def block_start(text: str) -> Literal["lower", "bullet", "capital", "other"]:
    """How a block starts: cells start with a capital or a bullet; a block a text tool cut from
    a cell (a bullet's hanging indent, a line after a page break) starts in lower case."""
    first = text.lstrip()[:1]
    if _is_bullet_glyph(first):
        return "bullet"
    if first.islower():
        return "lower"
    return "capital" if first.isupper() else "other"


_DANGLING_END = re.compile(
    r"(\b(and|or|of|the|a|an|with|in|on|at|to|for|by|from|than|between|vs|versus|was|were|is|are|that|which"
    r"|who|as|but|not|no|per)|[,;:(\u2013-])\s*$",
    re.IGNORECASE,
)


def ends_mid_sentence(text: str) -> bool:
    """A block ending in a connective word or a comma was cut inside a sentence; its cell goes on."""
    return bool(_DANGLING_END.search(text))


# --- fitting blocks to columns --------------------------------------------------------------

_NEUTRAL = re.compile(
    r"^\W*(not\s+(specified|reported|stated|available|applicable|described|provided|mentioned)"
    r"(\s+in\s+the\s+\w+)?|nr|n/?a|none(\s+reported)?|unclear|unknown)\W*$",
    re.IGNORECASE,
)
_CONCLUSION_CUE = re.compile(
    r"\b(authors?|investigators|reviewers|researchers)\b[^.]{0,40}?\b(conclu\w*|suggest\w*|indicat\w*|stat(ed|es)"
    r"|recommend\w*|not(ed|es)|believe\w*|propos\w*|advis\w*|call\w* for|did not|could not|cannot)"
    r"|\bconclu(ded|sion|sions|de)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(may|might|could|should|recommend\w*|warrant\w*|further (research|studies|trials)|more (research|evidence)"
    r"|promising|beneficial|insufficient|uncertain|evidence|option|alternative|useful|appropriate)\b",
    re.IGNORECASE,
)
_STATISTIC = re.compile(r"%|\b(CI|OR|RR|HR|MD|SMD|NNT|IQR|SD|aOR|AUC)\b|\bp\s*[<=>\u2264\u2265]", re.UNICODE)
_NUMBER = re.compile(r"\d")
_FINDING = re.compile(
    r"\b(significant\w*|difference\w*|differ\w*|rates?|vs|versus|compared|than|higher|lower|greater|fewer"
    r"|increas\w*|decreas\w*|reduc\w*|improv\w*|observed|associated|risk|odds|mean|median|no effect)\b",
    re.IGNORECASE,
)
_POPULATION_START = re.compile(
    r"^\W*(\d[\d,]*\s+)?(patients?|women|men|adults?|children|infants?|neonates?|newborns?|adolescents?"
    r"|participants?|people|persons?|individuals?|subjects?|pregnant|mothers?|girls?|boys?|elderly|older"
    r"|residents?|veterans?|healthy|volunteers?|users?|couples?|cases?|n\s*=)\b",
    re.IGNORECASE,
)
_POPULATION_WORD = re.compile(r"\b(aged?|years?|yrs|with|who|diagnosed|undergoing|receiving|n\s*=)\b", re.I)
_VERB = re.compile(
    r"\b(was|were|is|are|had|has|have|did|does|do|showed?|found|reported|observed|concluded|suggested"
    r"|indicated|increased|decreased|improved|reduced|appeared|became|provided|presented|recommended)\b",
    re.IGNORECASE,
)
_DESIGN_WORD = re.compile(
    r"\b(randomi[sz]ed|trials?|rcts?|cohort|case[- ]control|cross[- ]sectional|observational|retrospective"
    r"|prospective|systematic|meta[- ]analys[ie]s|review|case series|pilot|open[- ]label|single[- ]arm"
    r"|crossover|chart|registry|economic|cost[- ]\w+|guidelines?)\b",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"\d+(\.\d+)?\s*(mg|g|mcg|\u00b5g|ml|iu|units?)\b|\b(dose|doses|dosing|daily|weekly|monthly|infusions?|plus"
    r"|combined|therapy|treatment|administered|regimen)\b|\+",
    re.IGNORECASE,
)
_COMPARATOR_START = re.compile(
    r"^\W*(placebo|usual care|standard (of )?(care|treatment|therapy)|no (treatment|intervention)|controls?"
    r"|sham|vs\.?|versus|compared)",
    re.IGNORECASE,
)
_OUTCOME_WORD = re.compile(
    r"\b(mortality|survival|incidence|rates?|quality of life|adverse|safety|efficacy|response|remission|relapse"
    r"|hospitali[sz]ations?|length of stay|pain|function|events?|outcomes?|costs?|scores?)\b",
    re.IGNORECASE,
)


def column_fit(text: str, field: str) -> float:
    """Score how well a cell's text fits a column from generic wording cues (positive = fits)."""
    flat = " ".join(text.split())
    if not flat or _NEUTRAL.match(flat):
        return 0.0
    scorer = _SCORERS.get(field)
    score = scorer(flat, text) if scorer is not None else 0.0
    if _is_bullet_glyph(flat[:1]):
        score -= _LIST_ITEM_PENALTY.get(field, 0.0)
    return score * _FRAGMENT_WEIGHT if flat[:1].islower() else score


_LIST_ITEM_PENALTY = {
    "indication": 2.0,
    "study_design": 2.0,
    "comparator": 1.5,
    "intervention": 1.0,
    "authors_conclusions": 1.0,
    "population": 0.5,
}  # bulleted lists fill results and outcomes cells, rarely short-phrase ones
_FRAGMENT_WEIGHT = 0.5  # a block starting in lower case is the tail of a cut cell: its wording says less


def _word_count(flat: str) -> int:
    """Count whitespace-separated words."""
    return len(flat.split())


def _bullet_lines(raw: str) -> int:
    """Count lines after the first that start a new bullet (a glyph, or a space left where one was)."""
    return sum(1 for line in raw.split("\n")[1:] if line[:1].isspace() or _is_bullet_glyph(line[:1]))


def _is_bullet_glyph(char: str) -> bool:
    """Bullet glyphs: common bullets and the Private Use Area symbols PDFs draw them with."""
    return char in "\u2022\u25aa\u25e6\u25cf\u2023\u2043" or ("\ue000" <= char <= "\uf8ff")


def _fit_conclusions(flat: str, raw: str) -> float:
    """Conclusions say what the authors concluded, suggested or recommended."""
    score = 3.5 if _CONCLUSION_CUE.search(flat) else (1.0 if _HEDGE.search(flat) else 0.0)
    if _STATISTIC.search(flat):
        score -= 1.0
    if not _VERB.search(flat) and _word_count(flat) <= 8:
        score -= 2.0
    return score


def _fit_results(flat: str, raw: str) -> float:
    """Results carry numbers, comparisons, significance and often bullet lists."""
    score = min(0.8 * len(_FINDING.findall(flat)), 2.4)
    score += 1.0 if _NUMBER.search(flat) else 0.0
    score += 1.0 if _STATISTIC.search(flat) else 0.0
    score += 0.5 if _bullet_lines(raw) else 0.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.5
    if not _VERB.search(flat) and not _NUMBER.search(flat) and _word_count(flat) <= 6:
        score -= 2.0
    return min(score, 3.5)


def _fit_population(flat: str, raw: str) -> float:
    """Populations name who was studied: patients, women, children, aged ..., with ..."""
    score = 2.5 if _POPULATION_START.search(flat) else 0.0
    score += 0.5 if _POPULATION_WORD.search(flat) else 0.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.5
    if re.search(r"\b(significant\w*|vs|versus|difference)\b", flat, re.IGNORECASE):
        score -= 1.0
    if _STATISTIC.search(flat):
        score -= 0.5
    return score


def _fit_indication(flat: str, raw: str) -> float:
    """Indications are short noun phrases: no sentence verb, no final period, few numbers."""
    words = _word_count(flat)
    has_verb = bool(_VERB.search(flat))
    score = 2.0 if words <= 8 and not has_verb and not flat.endswith(".") else (1.0 if words <= 12 and not has_verb else 0.0)
    if has_verb:
        score -= 2.0
    if _NUMBER.search(flat):
        score -= 1.0
    if _POPULATION_START.search(flat):
        score -= 1.5
    if _CONCLUSION_CUE.search(flat):
        score -= 3.0
    return score


def _fit_study_design(flat: str, raw: str) -> float:
    """Study designs are design names: a known label, or a short phrase of design words."""
    if design_for_label(flat) is not None:
        return 3.5
    if _DESIGN_WORD.search(flat) and _word_count(flat) <= 10:
        return 2.0
    return -1.0


def _fit_intervention(flat: str, raw: str) -> float:
    """Interventions name treatments, doses and schedules."""
    score = min(0.7 * len(_DOSE.findall(flat)), 2.0)
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    if _POPULATION_START.search(flat) or _COMPARATOR_START.search(flat):
        score -= 1.0
    return score


def _fit_comparator(flat: str, raw: str) -> float:
    """Comparators are placebo, usual care, no treatment or another named treatment."""
    score = 2.5 if _COMPARATOR_START.search(flat) else 0.0
    score += 0.5 if _word_count(flat) <= 8 else 0.0
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    return score


def _fit_outcomes(flat: str, raw: str) -> float:
    """Outcome cells list measures (mortality, adverse events, quality of life) without verbs."""
    score = min(0.6 * len(_OUTCOME_WORD.findall(flat)), 2.0)
    score += 0.5 if re.search(r"[,;]", flat) or _bullet_lines(raw) else 0.0
    if _VERB.search(flat):
        score -= 1.0
    if _CONCLUSION_CUE.search(flat):
        score -= 2.0
    return score


_SCORERS = {
    "authors_conclusions": _fit_conclusions,
    "results": _fit_results,
    "population": _fit_population,
    "indication": _fit_indication,
    "study_design": _fit_study_design,
    "intervention": _fit_intervention,
    "comparator": _fit_comparator,
    "outcomes": _fit_outcomes,
}

# --- aligning a table's data pieces to rows and columns -------------------------------------
#
# What survives every reading order seen so far: the blocks of one column come in row order.
# Columns interleave freely (a text tool may print several rows' first columns, then all their
# results), a cell may start before its author's row is printed or long after it, and a cell
# may be cut into several blocks. So the alignment keeps, per column, the last row it filled,
# and scores each move by the block's fit to the column, skipped cells, continued cells, how
# the move follows the previous block (same row in column order, same column in the next row,
# or a jump) and how far the row is from the latest printed author.

State = tuple[tuple[int, ...], int]  # (last row filled per column, -1 for none; column of the last placed block)


@dataclass(frozen=True)
class AlignmentSettings:
    """Costs of the alignment's moves, in the same units as column fits (higher fit = better)."""

    skip_cost: float = 2.0
    continuation_cost: float = 2.0
    continuation_cost_at_capital: float = 3.0
    continuation_cost_at_bullet: float = 1.0
    continuation_cost_at_lower_case: float = 0.5
    continuation_cost_at_page_break: float = 1.5
    continuation_cost_after_open_end: float = 0.5
    new_cell_at_lower_case_cost: float = 2.0
    new_cell_after_open_end_cost: float = 1.5
    unassigned_cost: float = 7.0
    apart_continuation_cost: float = 3.5
    backward_in_row_cost: float = 1.0
    next_row_cost: float = 0.5
    jump_cost: float = 2.0
    behind_author_cost: float = 0.4
    ahead_of_author_cost: float = 1.5
    max_rows_ahead: int = 3
    beam_states: int = 32
    fit_margin: float = 4.5


@dataclass(frozen=True)
class Placement:
    """Where one data block went: its row, its column position, and whether it continues a cell."""

    row: int
    column: int
    continues_cell: bool = False


@dataclass(frozen=True)
class Alignment:
    """The cheapest alignment found: total cost and one placement (or None) per block."""

    cost: float
    placements: tuple[Placement | None, ...]


Move = tuple[State, int, int, bool]  # (previous state, row, column, continues the cell); row -1 leaves the block out


def align_blocks(
    fits: Sequence[Sequence[float]],
    authors_before: Sequence[int],
    cuts: Sequence[BlockCut],
    n_rows: int,
    settings: AlignmentSettings = AlignmentSettings(),
) -> Alignment:
    """Assign blocks to (row, column), each column filling its rows in order; the column
    positions of `fits` are the column order, which rows read in most often."""
    n_columns = len(fits[0]) if fits else 0
    states: dict[State, float] = {((-1,) * n_columns, -1): 0.0}
    history: list[dict[State, Move]] = []
    for index, block_fits in enumerate(fits):
        moves = _block_moves(states, block_fits, authors_before[index], cuts[index], n_rows, settings)
        kept = heapq.nsmallest(settings.beam_states, moves.items(), key=lambda item: (item[1][0], item[0]))
        states = {state: cost for state, (cost, _) in kept}
        history.append({state: move for state, (_, move) in kept})
    final = {state: cost + _unfilled_cost(state, n_rows, settings) for state, cost in states.items()}
    best = min(final, key=lambda state: (final[state], state))
    return Alignment(final[best], _trace_back(history, best))


def _block_moves(
    states: dict[State, float],
    block_fits: Sequence[float],
    authors_before: int,
    cut: BlockCut,
    n_rows: int,
    settings: AlignmentSettings,
) -> dict[State, tuple[float, Move]]:
    """Every state one more block can lead to, each with its cheapest cost and back-pointer."""
    best: dict[State, tuple[float, Move]] = {}
    continuation = continuation_cost(cut, settings)
    apart = continuation + settings.apart_continuation_cost
    new_cell = new_cell_cost(cut, settings)
    plausible = _plausible_columns(block_fits, settings)
    distance = [_author_distance_cost(row, authors_before, settings) for row in range(n_rows)]
    for state, cost in states.items():
        filled, last_column = state
        _offer(best, state, cost + settings.unassigned_cost, (state, -1, -1, False))
        last_row = filled[last_column] if last_column >= 0 else -1
        for column, fit in plausible:
            row_filled = filled[column]
            if row_filled >= 0:
                joined = continuation if column == last_column else apart
                _offer(best, (filled, column), cost + joined - fit, (state, row_filled, column, True))
            opened = cost + new_cell - fit
            for row in _new_cell_rows(row_filled, authors_before, n_rows, settings):
                total = (
                    opened
                    + (row - row_filled - 1) * settings.skip_cost
                    + _move_cost(last_row, last_column, row, column, settings)
                    + distance[row]
                )
                moved = (filled[:column] + (row,) + filled[column + 1 :], column)
                _offer(best, moved, total, (state, row, column, False))
    return best


def _plausible_columns(block_fits: Sequence[float], settings: AlignmentSettings) -> list[tuple[int, float]]:
    """The columns a block fits nearly as well as its best one; the rest never pay off, and
    leaving them out keeps wide tables fast."""
    floor = max(block_fits) - settings.fit_margin
    return [(column, fit) for column, fit in enumerate(block_fits) if fit >= floor]


def continuation_cost(cut: BlockCut, settings: AlignmentSettings) -> float:
    """What continuing the cell before costs: cheap for lower-case starts, bullets, page breaks
    and after a block cut mid-sentence; dear for a capitalised start, which usually opens a cell."""
    by_start = {
        "lower": settings.continuation_cost_at_lower_case,
        "bullet": settings.continuation_cost_at_bullet,
        "capital": settings.continuation_cost_at_capital,
        "other": settings.continuation_cost,
    }
    cost = by_start[cut.start]
    if cut.after_page_break:
        cost = min(cost, settings.continuation_cost_at_page_break)
    if cut.after_open_end:
        cost = min(cost, settings.continuation_cost_after_open_end)
    return cost


def new_cell_cost(cut: BlockCut, settings: AlignmentSettings) -> float:
    """What opening a cell with this block costs beyond its fit: cells rarely start in lower
    case or right after a block cut mid-sentence."""
    lower = settings.new_cell_at_lower_case_cost if cut.start == "lower" else 0.0
    return lower + (settings.new_cell_after_open_end_cost if cut.after_open_end else 0.0)


def _new_cell_rows(row_filled: int, authors_before: int, n_rows: int, settings: AlignmentSettings) -> range:
    """Rows a column may open its next cell in: any after its last, up to a few past the latest author."""
    if authors_before < 1:
        return range(0)
    return range(row_filled + 1, min(n_rows - 1, authors_before - 1 + settings.max_rows_ahead) + 1)


def _move_cost(last_row: int, last_column: int, row: int, column: int, settings: AlignmentSettings) -> float:
    """How a new cell follows the previous block: along its row, down its column, or a jump."""
    if last_column < 0:
        return 0.0
    if row == last_row:
        return 0.0 if column > last_column else settings.backward_in_row_cost
    if row == last_row + 1 and column <= last_column:
        return settings.next_row_cost
    return settings.jump_cost


def _author_distance_cost(row: int, authors_before: int, settings: AlignmentSettings) -> float:
    """A cell usually starts after its author and before the next few authors are printed."""
    distance = row - (authors_before - 1)
    return distance * settings.ahead_of_author_cost if distance > 0 else -distance * settings.behind_author_cost


def _offer(best: dict[State, tuple[float, Move]], state: State, cost: float, move: Move) -> None:
    """Keep the cheaper of two ways into the same state (ties keep the first offered)."""
    known = best.get(state)
    if known is None or cost < known[0]:
        best[state] = (cost, move)


def _unfilled_cost(state: State, n_rows: int, settings: AlignmentSettings) -> float:
    """At the table's end, every column's rows never reached are skipped cells."""
    return sum(n_rows - 1 - row for row in state[0]) * settings.skip_cost


def _trace_back(history: list[dict[State, Move]], final: State) -> tuple[Placement | None, ...]:
    """Follow back-pointers from the final state to list each block's placement in order."""
    placements: list[Placement | None] = []
    state = final
    for moves in reversed(history):
        state, row, column, continues = moves[state]
        placements.append(Placement(row, column, continues) if row >= 0 else None)
    return tuple(reversed(placements))


# --- choosing the column order and assembling the table -------------------------------------

_MAX_ORDER_CANDIDATES = 1
_PRINTED_ORDER_WEIGHT = 0.05

FieldFits = tuple[dict[str, float], ...]


def table_from_span(span: TableSpan, settings: AlignmentSettings = AlignmentSettings()) -> Table:
    """Rebuild one table: columns from its header cells, rows from the best alignment."""
    columns = table_columns(span.pieces)
    layout = table_layout(resolve_pieces(span.pieces, columns))
    fits = tuple({field: column_fit(piece.text, field) for field in columns} for piece in layout.data)
    order, alignment = best_ordered_alignment(columns, printed_orders(span.pieces, columns), layout, fits, settings)
    rows = table_rows(layout, alignment, order)
    return Table(
        label=span.caption,
        header=("author", *order),
        rows=rows,
        report=parsing_report(span, alignment, rows, order),
    )


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
    return align_blocks(ordered, layout.authors_before, layout.cuts, len(layout.authors), settings)


def table_rows(layout: TableLayout, alignment: Alignment, order: Sequence[str]) -> tuple[RawRow, ...]:
    """Turn the alignment into RawRows, one per author, in the table's order."""
    placed: list[dict[str, list[Piece]]] = [{} for _ in layout.authors]
    for piece, placement in zip(layout.data, alignment.placements):
        if placement is not None:
            placed[placement.row].setdefault(order[placement.column], []).append(piece)
    rows: list[RawRow] = []
    for (author, ref), label, row_pieces in zip(layout.authors, layout.group_labels, placed):
        cells = {"author": cell_from_pieces([author])}
        if ref is not None:
            cells["ref"] = cell_from_pieces([ref])
        cells.update({field: cell_from_pieces(row_pieces[field]) for field in order if field in row_pieces})
        rows.append(RawRow(cells=cells, group_label=label, ordinal=len(rows)))
    return tuple(rows)


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
