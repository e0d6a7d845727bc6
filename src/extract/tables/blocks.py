"""Rebuild summary-of-included-studies tables from a sequence of text blocks.

Text extractors emit a table's cells as blocks in an order that is neither row-major nor
column-major: author cells may come ahead of their rows, reference numbers may stand alone,
header cells repeat on every page in varying order, and a cell may be split at a page break.
What survives is this: the k-th row's cells come after the k-th author block, rows follow one
another, and the cells inside a row follow one column order. So blocks are first classified
(caption, header cell, group heading, author, reference, footnote, furniture, data), then
every candidate column order is tried and, for each, the data blocks of every design group are
aligned to rows and columns by dynamic programming on how well each block fits each column.
"""

from __future__ import annotations

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
            (n for n in range(min(_MAX_HEADER_LINES, end - 1), 0, -1) if header_cells("\n".join(lines[end - n : end]))),
            0,
        )
        if not size:
            break
        cells = header_cells("\n".join(lines[end - size : end]))
        trailing[:0] = [Piece("header", cell, block, field=field_for_header(cell)) for cell in cells]
        end -= size
    return [Piece("data", "\n".join(lines[:end]), block), *trailing]


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


# --- the table's columns and groups ---------------------------------------------------------


@dataclass(frozen=True)
class StudyGroup:
    """The rows under one design heading: their author pieces (with refs) and their data pieces."""

    label: str | None
    authors: tuple[tuple[Piece, Piece | None], ...]
    data: tuple[Piece, ...]
    authors_before: tuple[int, ...]
    at_page_break: tuple[bool, ...]


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


def study_groups(pieces: Sequence[Piece]) -> tuple[StudyGroup, ...]:
    """Cut the table at its design headings into groups of authors and data pieces."""
    groups: list[StudyGroup] = []
    label: str | None = None
    current: list[Piece] = []
    for piece in pieces:
        if piece.kind == "heading":
            if current or label is not None:
                groups.append(_study_group(label, current))
            label, current = " ".join(piece.text.split()), []
        else:
            current.append(piece)
    groups.append(_study_group(label, current))
    return tuple(group for group in groups if group.authors or group.data)


def _study_group(label: str | None, pieces: Sequence[Piece]) -> StudyGroup:
    """Collect one group's authors (each with its lone reference) and data, with their order facts."""
    authors: list[tuple[Piece, Piece | None]] = []
    data: list[Piece] = []
    authors_before: list[int] = []
    at_page_break: list[bool] = []
    page_break = False
    last_page: int | None = None
    for piece in pieces:
        if piece.kind in ("header", "furniture", "footnote") or (
            piece.block.page_no is not None and last_page is not None and piece.block.page_no != last_page
        ):
            page_break = True
        last_page = piece.block.page_no if piece.block.page_no is not None else last_page
        if piece.kind == "author":
            authors.append((piece, None))
        elif piece.kind == "ref" and authors:
            authors[-1] = (authors[-1][0], piece)
        elif piece.kind == "data":
            data.append(piece)
            authors_before.append(len(authors))
            at_page_break.append(page_break or _continues_a_sentence(piece.text))
            page_break = False
    return StudyGroup(label, tuple(authors), tuple(data), tuple(authors_before), tuple(at_page_break))


def _continues_a_sentence(text: str) -> bool:
    """A block starting in lower case continues a cell a text tool cut (a bullet's hanging indent)."""
    return text.lstrip()[:1].islower()


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
    return scorer(flat, text) if scorer is not None else 0.0


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

# --- aligning a group's data pieces to rows and columns -------------------------------------

State = tuple[int, int]  # (row index, last filled column position); (-1, -1) before any row


@dataclass(frozen=True)
class AlignmentSettings:
    """Costs of the alignment's moves, in the same units as column fits (higher fit = better)."""

    skip_cost: float = 2.0
    continuation_cost_at_page_break: float = 1.5
    continuation_cost: float = 4.0
    unassigned_cost: float = 7.0
    pending_rows_window: int = 12
    beam_width: float = 12.0


@dataclass(frozen=True)
class Placement:
    """Where one data block went: its row, its column position, and whether it continues a cell."""

    row: int
    column: int
    continues_cell: bool = False


@dataclass(frozen=True)
class GroupAlignment:
    """The cheapest alignment of one group: total cost and one placement (or None) per block."""

    cost: float
    placements: tuple[Placement | None, ...]


@dataclass(frozen=True)
class _Step:
    """A back-pointer: the state a block's move came from and where the block went."""

    previous: State
    placement: Placement | None


def align_group(
    fits: Sequence[Sequence[float]],
    authors_before: Sequence[int],
    at_page_break: Sequence[bool],
    n_rows: int,
    settings: AlignmentSettings = AlignmentSettings(),
) -> GroupAlignment:
    """Assign blocks to (row, column) keeping row order, column order and author precedence."""
    n_columns = len(fits[0]) if fits else 0
    states: dict[State, float] = {(-1, -1): 0.0}
    history: list[dict[State, _Step]] = []
    for index, block_fits in enumerate(fits):
        moves = _block_moves(
            states, block_fits, authors_before[index], at_page_break[index], n_columns, settings
        )
        states = {state: cost for state, (cost, _) in moves.items()}
        history.append({state: step for state, (_, step) in moves.items()})
        states = _within_beam(states, settings.beam_width)
    final = {
        state: cost + _unfinished_cost(state, n_rows, n_columns, settings)
        for state, cost in states.items()
    }
    best = min(final, key=lambda state: (final[state], state))
    return GroupAlignment(final[best], _trace_back(history, best))


def _block_moves(
    states: dict[State, float],
    block_fits: Sequence[float],
    authors_before: int,
    at_page_break: bool,
    n_columns: int,
    settings: AlignmentSettings,
) -> dict[State, tuple[float, _Step]]:
    """Every state one more block can lead to, each with its cheapest cost and back-pointer."""
    best: dict[State, tuple[float, _Step]] = {}
    lowest_row = authors_before - settings.pending_rows_window
    for (row, column), cost in states.items():
        _offer(best, (row, column), cost + settings.unassigned_cost, _Step((row, column), None))
        if row >= max(lowest_row, 0):
            _offer_same_row(best, (row, column), cost, block_fits, at_page_break, settings)
    for new_row, (opened, previous) in _row_openings(states, authors_before, n_columns, settings).items():
        if new_row < lowest_row:
            continue
        for new_column in range(n_columns):
            total = opened + new_column * settings.skip_cost - block_fits[new_column]
            _offer(best, (new_row, new_column), total, _Step(previous, Placement(new_row, new_column)))
    return best


def _row_openings(
    states: dict[State, float], authors_before: int, n_columns: int, settings: AlignmentSettings
) -> dict[int, tuple[float, State]]:
    """Cheapest way to open each row whose author is already printed: close a row, skip empty ones."""
    closed: dict[int, tuple[float, State]] = {}
    for (row, column), cost in states.items():
        total = cost + _row_end_cost(row, column, n_columns, settings)
        if row not in closed or total < closed[row][0]:
            closed[row] = (total, (row, column))
    openings: dict[int, tuple[float, State]] = {}
    carried: tuple[float, State] | None = None
    empty_row_cost = n_columns * settings.skip_cost
    for new_row in range(authors_before):
        if carried is not None:
            carried = (carried[0] + empty_row_cost, carried[1])
        just_closed = closed.get(new_row - 1)
        if just_closed is not None and (carried is None or just_closed[0] < carried[0]):
            carried = just_closed
        if carried is not None:
            openings[new_row] = carried
    return openings


def _offer_same_row(
    best: dict[State, tuple[float, _Step]],
    state: State,
    cost: float,
    block_fits: Sequence[float],
    at_page_break: bool,
    settings: AlignmentSettings,
) -> None:
    """Offer the moves that stay in the current row: a later column, or continuing this cell."""
    row, column = state
    for new_column in range(column + 1, len(block_fits)):
        total = cost + (new_column - column - 1) * settings.skip_cost - block_fits[new_column]
        _offer(best, (row, new_column), total, _Step(state, Placement(row, new_column)))
    if column >= 0:
        penalty = settings.continuation_cost_at_page_break if at_page_break else settings.continuation_cost
        total = cost + penalty - block_fits[column]
        _offer(best, state, total, _Step(state, Placement(row, column, continues_cell=True)))


def _offer(best: dict[State, tuple[float, _Step]], state: State, cost: float, step: _Step) -> None:
    """Keep the cheaper of two ways into the same state (ties keep the first offered)."""
    if state not in best or cost < best[state][0]:
        best[state] = (cost, step)


def _row_end_cost(row: int, column: int, n_columns: int, settings: AlignmentSettings) -> float:
    """Closing a row early costs one skip per column it never reached."""
    return 0.0 if row < 0 else (n_columns - 1 - column) * settings.skip_cost


def _unfinished_cost(state: State, n_rows: int, n_columns: int, settings: AlignmentSettings) -> float:
    """At the group's end, the open row's missing cells and every row never opened are skips."""
    row, column = state
    return _row_end_cost(row, column, n_columns, settings) + (n_rows - 1 - row) * n_columns * settings.skip_cost


def _within_beam(states: dict[State, float], beam_width: float) -> dict[State, float]:
    """Drop states far costlier than the best, which keeps long tables fast."""
    if not states:
        return states
    ceiling = min(states.values()) + beam_width
    return {state: cost for state, cost in states.items() if cost <= ceiling}


def _trace_back(history: list[dict[State, _Step]], final: State) -> tuple[Placement | None, ...]:
    """Follow back-pointers from the final state to list each block's placement in order."""
    placements: list[Placement | None] = []
    state = final
    for steps in reversed(history):
        step = steps[state]
        placements.append(step.placement)
        state = step.previous
    return tuple(reversed(placements))


# --- choosing the column order and assembling the table -------------------------------------

_MAX_EXHAUSTIVE_COLUMNS = 5
_PRINTED_ORDER_WEIGHT = 0.05

FieldFits = tuple[tuple[dict[str, float], ...], ...]


def table_from_span(span: TableSpan, settings: AlignmentSettings = AlignmentSettings()) -> Table:
    """Rebuild one table: columns from its header cells, rows from the best joint alignment."""
    columns = table_columns(span.pieces)
    groups = study_groups(resolve_pieces(span.pieces, columns))
    fits = group_field_fits(groups, columns)
    order = choose_column_order(columns, printed_orders(span.pieces, columns), groups, fits, settings)
    alignments = tuple(_align(group, group_fits, order, settings) for group, group_fits in zip(groups, fits))
    rows = table_rows(groups, alignments, order)
    return Table(
        label=span.caption,
        header=("author", *order),
        rows=rows,
        report=parsing_report(span, groups, alignments, rows, order),
    )


def group_field_fits(groups: Sequence[StudyGroup], columns: Sequence[str]) -> FieldFits:
    """Fit every data piece to every column once; orders only re-index these scores."""
    return tuple(
        tuple({field: column_fit(piece.text, field) for field in columns} for piece in group.data)
        for group in groups
    )


def choose_column_order(
    columns: Sequence[str],
    printed: Sequence[Sequence[str]],
    groups: Sequence[StudyGroup],
    fits: FieldFits,
    settings: AlignmentSettings,
) -> tuple[str, ...]:
    """Pick the column order under which all groups align most cheaply, the printed order breaking ties."""
    prior = tuple(printed[0]) if printed else tuple(columns)

    def cost(order: tuple[str, ...]) -> float:
        total = sum(_align(group, group_fits, order, settings).cost for group, group_fits in zip(groups, fits))
        return total + _PRINTED_ORDER_WEIGHT * order_inversions(order, prior)

    if len(columns) <= _MAX_EXHAUSTIVE_COLUMNS:
        return min(itertools.permutations(columns), key=lambda order: (cost(order), order))
    starts = [tuple(run) + tuple(c for c in columns if c not in run) for run in printed] or [tuple(columns)]
    return _improve_by_swaps(min(starts, key=cost), cost)


def _improve_by_swaps(order: tuple[str, ...], cost) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """Local search for wide tables: swap two columns while that lowers the cost."""
    best, best_cost = order, cost(order)
    improved = True
    while improved:
        improved = False
        for left, right in itertools.combinations(range(len(best)), 2):
            swapped = list(best)
            swapped[left], swapped[right] = swapped[right], swapped[left]
            candidate = tuple(swapped)
            candidate_cost = cost(candidate)
            if candidate_cost < best_cost:
                best, best_cost, improved = candidate, candidate_cost, True
    return best


def order_inversions(order: Sequence[str], prior: Sequence[str]) -> int:
    """Count column pairs whose order differs from the printed one (Kendall distance)."""
    rank = {field: index for index, field in enumerate(prior)}
    known = [rank[field] for field in order if field in rank]
    return sum(1 for a, b in itertools.combinations(known, 2) if a > b)


def _align(
    group: StudyGroup, group_fits: Sequence[dict[str, float]], order: Sequence[str], settings: AlignmentSettings
) -> GroupAlignment:
    """Align one group under one column order."""
    fits = [[piece_fits[field] for field in order] for piece_fits in group_fits]
    return align_group(fits, group.authors_before, group.at_page_break, len(group.authors), settings)


def table_rows(
    groups: Sequence[StudyGroup], alignments: Sequence[GroupAlignment], order: Sequence[str]
) -> tuple[RawRow, ...]:
    """Turn each group's alignment into RawRows numbered through the whole table."""
    rows: list[RawRow] = []
    for group, alignment in zip(groups, alignments):
        placed: list[dict[str, list[Piece]]] = [{} for _ in group.authors]
        for piece, placement in zip(group.data, alignment.placements):
            if placement is not None:
                placed[placement.row].setdefault(order[placement.column], []).append(piece)
        for (author, ref), row_pieces in zip(group.authors, placed):
            cells = {"author": cell_from_pieces([author])}
            if ref is not None:
                cells["ref"] = cell_from_pieces([ref])
            cells.update({field: cell_from_pieces(row_pieces[field]) for field in order if field in row_pieces})
            rows.append(RawRow(cells=cells, group_label=group.label, ordinal=len(rows)))
    return tuple(rows)


def cell_from_pieces(pieces: Sequence[Piece]) -> Cell:
    """A cell's raw text (a continued cell's parts joined by a line break) and where it starts."""
    boxes = [piece.block.bbox for piece in pieces if piece.block.bbox is not None]
    bbox = boxes[0] if boxes else None
    for box in boxes[1:]:
        bbox = bbox.union(box) if bbox is not None else box
    return Cell(text="\n".join(piece.text for piece in pieces), page_no=pieces[0].block.page_no, bbox=bbox)


def parsing_report(
    span: TableSpan,
    groups: Sequence[StudyGroup],
    alignments: Sequence[GroupAlignment],
    rows: Sequence[RawRow],
    order: Sequence[str],
) -> ParsingReport:
    """Say how the table was rebuilt and how much of it needed skips, joins or left blocks over."""
    placements = [p for alignment in alignments for p in alignment.placements]
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
