"""Pieces of one cell a text tool printed apart put back together, and two cells it glued parted, before the alignment.

Bullets printed as blocks of their own go back before the items they mark; a cell a blank line
cut right after a line-break hyphen goes on in the block after it; a short cell whose line a
text tool ran into the first line of the cell beside it is parted from it.
"""

from __future__ import annotations

import re
from typing import Sequence

from extract.fields import CONCLUSION_LEAD
from extract.tables.column_fit import column_fit
from extract.tables.pieces import Piece
from extract.text.clean import BULLET, is_bullet_glyph
from extract.text.sentence import ends_mid_sentence


def with_bullets_rejoined(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Bullets a text tool printed apart from their items (blocks of bullet marks, then the items' lines in
    one block) put back: a run of lone bullets goes to the data block after it, in front of its
    lines that start an item, when those are exactly as many as the bullets; else the bullets
    are dropped, so no cell reads two marks in a row."""
    kept: list[Piece] = []
    bullets = 0
    for piece in pieces:
        if piece.kind == "data" and is_lone_bullets(piece.text):
            bullets += len(piece.text.split())
            continue
        if bullets and piece.kind == "data":
            piece = Piece(piece.kind, bulleted(piece.text, bullets), piece.block, piece.field, piece.author)
        if piece.kind not in ("furniture",):
            bullets = 0
        kept.append(piece)
    return tuple(kept)


def is_lone_bullets(text: str) -> bool:
    """A block of bullet glyphs only."""
    glyphs = text.split()
    return bool(glyphs) and all(is_bullet_glyph(glyph) for glyph in glyphs)


def bulleted(text: str, bullets: int) -> str:
    """A block's lines with a bullet before each line that starts an item (a capital after a
    line that does not run on), when they are as many as the bullets printed apart (a closing
    conclusion paragraph aside)."""
    lines = text.split("\n")
    starts = [index for index, line in enumerate(lines) if line[:1].isupper() and (index == 0 or not ends_mid_sentence("\n".join(lines[:index])))]
    if len(starts) == bullets + 1 and CONCLUSION_LEAD.match(lines[starts[-1]]):
        starts = starts[:-1]  # the closing conclusion of a combined cell is no list item
    if len(starts) != bullets:
        return text
    return "\n".join(f"{BULLET} {line}" if index in starts else line for index, line in enumerate(lines))


_BRACKETED_REF = re.compile(r"\s*\[\d{1,3}\]\s*")
# How many lines into the cell after it a text tool may print a ref-less author's bracketed reference.
MAX_REF_LINE = 2


def with_interleaved_refs_taken_out(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """A ref-less author's bracketed reference (`[16]`) that a text tool printed as a line of the
    cell beside it (the reference sits under the year, the cell's lines run past it) becomes the
    author's reference again; a cell never holds a bare bracketed number on a line of its own."""
    taken: list[Piece] = []
    for piece in pieces:
        previous = taken[-1] if taken else None
        refless = previous is not None and previous.author is not None and previous.author.ref_no is None
        lines = piece.text.split("\n")
        at = next((i for i in range(1, min(MAX_REF_LINE, len(lines) - 1) + 1) if _BRACKETED_REF.fullmatch(lines[i])), None)
        if piece.kind == "data" and refless and at is not None:
            taken.append(Piece("ref", lines[at].strip(), piece.block))
            piece = Piece("data", "\n".join(lines[:at] + lines[at + 1 :]), piece.block, piece.field, piece.author)
        taken.append(piece)
    return tuple(taken)


def with_hyphen_breaks_joined(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """A data block ending in a word cut by a line-break hyphen (`Evidence-`) goes on in the data
    block right after it when that starts in lower case (`based guideline`): a text tool printed
    one cell's lines as two blocks."""
    joined: list[Piece] = []
    for piece in pieces:
        previous = joined[-1] if joined else None
        if (
            previous is not None and previous.kind == "data" and piece.kind == "data"
            and _LINE_BREAK_HYPHEN.search(previous.text) and piece.text.lstrip()[:1].islower()
        ):
            joined[-1] = Piece("data", f"{previous.text}\n{piece.text}", previous.block, previous.field, previous.author)
        else:
            joined.append(piece)
    return tuple(joined)


_LINE_BREAK_HYPHEN = re.compile(r"[^\W\d_]-$")


# A short cell glued before the next cell's first line has at most this many words …
MAX_GLUED_WORDS = 5
# … and fits its own column at least this well, as the rest fits another one.
MIN_GLUED_LEFT_FIT = 1.0
MIN_GLUED_RIGHT_FIT = 2.5
# Cells read apart from lines printed in turn: the left must fit as well as the right.
MIN_INTERLEAVED_LEFT_FIT = 2.5
# Said of a cell with nothing to give; matched with the text's spaces taken out, so a word the
# character-spacing artifact pulled apart (`specif ied`) still reads.
_NOT_GIVEN = re.compile(r"not(specified|reported|stated|available|applicable|described)", re.IGNORECASE)


def with_glued_cells_parted(pieces: Sequence[Piece], columns: Sequence[str]) -> tuple[Piece, ...]:
    """Data blocks whose first line holds a short cell and the first line of the cell beside it
    (`Venous leg ulcers Women who had` / `experienced ...`: pdf2txt runs two cells set close on
    one baseline into one line) parted into the two cells."""
    parted: list[Piece] = []
    for piece in pieces:
        cells = glued_cells(piece.text, columns) if piece.kind == "data" else None
        if cells is None:
            parted.append(piece)
        else:
            parted += [Piece("data", cell, piece.block, piece.field, piece.author) for cell in cells]
    return tuple(parted)


def glued_cells(text: str, columns: Sequence[str]) -> tuple[str, str] | None:
    """The short cell and the rest when the block's first line reads as two cells of different
    columns: a complete short phrase that fits one column well, then a capitalised start whose
    text (with the block's other lines) fits another well or says it was not given.

    Where the cell on the left has more lines, a text tool prints the two cells' next lines in
    turn (`Evidence-based Not specified in` / `guideline` / `the abstract`), and where the left
    cell's first line ended in a line-break hyphen it may have run the two cells into one word
    (`EvidenceWomen who had`): both are read apart when nothing simpler fits and the left cell
    fits its column as well as the right must (`interleaved_lines`, `first_line_cuts`). Where the
    two cells' lines share baselines, their next lines come side by side on one line instead
    (`side_by_side_lines`).
    """
    first, *others = text.split("\n")
    if len(columns) < 2 or is_bullet_glyph(first[:1]):
        return None
    glued = [(left, right) for left, right in first_line_cuts(first, hyphenated=False) if not ends_mid_sentence(left)]
    cuts = first_line_cuts(first, hyphenated=True) if others else []
    for left_count in range(len(others) + 1):
        left_fit = MIN_INTERLEAVED_LEFT_FIT if left_count else MIN_GLUED_LEFT_FIT
        in_turn = interleaved_lines(others, left_count)
        for left, right in cuts if left_count else glued:
            readings = [side_by_side_lines(others, left_count, right), in_turn] if left_count else [in_turn]
            for more_left, more_right in filter(None, readings):
                cells = _two_cells("\n".join([left, *more_left]), "\n".join([right, *more_right]), columns, left_fit)
                if cells is not None:
                    return cells
    return opened_below([first, *others], columns)


def first_line_cuts(first: str, hyphenated: bool) -> list[tuple[str, str]]:
    """Where a glued first line may part, left to right: after each of its first words, before a
    capitalised one; before any list bullet, however far along; and, with `hyphenated`, inside a
    word where a capital follows small letters, a line-break hyphen the text tool took out put
    back (`Evidence` + `Women` from `EvidenceWomen`)."""
    words = first.split(" ")
    cuts = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, min(len(words) - 1, MAX_GLUED_WORDS) + 1)]
    if hyphenated:
        for index, word in enumerate(words[:MAX_GLUED_WORDS]):
            glued = _DEHYPHENATED.search(word)
            if glued is not None:
                cuts.append((" ".join([*words[:index], word[: glued.start(2)] + "-"]), " ".join([word[glued.start(2):], *words[index + 1 :]])))
    cuts += [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words)) if is_bullet_glyph(words[cut])]
    return [(left, right) for left, right in dict.fromkeys(cuts) if right[:1].isupper() or is_bullet_glyph(right[:1])]


# Small letters, then a capital opening a word: a word the text tool ran into the next cell's.
_DEHYPHENATED = re.compile(r"([a-z]{3,})([A-Z][a-z])")


def interleaved_lines(lines: Sequence[str], left_count: int) -> tuple[list[str], list[str]]:
    """The lines after a glued first line, as a text tool prints two cells side by side: the left
    cell's next line, then the right's, in turn, until one has none left (`left_count` are the left's)."""
    right_count = len(lines) - left_count
    printed = iter(lines)
    left: list[str] = []
    right: list[str] = []
    for turn in range(max(left_count, right_count)):
        if turn < left_count:
            left.append(next(printed))
        if turn < right_count:
            right.append(next(printed))
    return left, right


# A line holds the lines of two cells side by side when it is this much longer than the longest
# line of the right cell's own.
MIN_SIDE_BY_SIDE_RATIO = 1.3


def side_by_side_lines(lines: Sequence[str], left_count: int, right_first: str) -> tuple[list[str], list[str]] | None:
    """The lines after a glued first line, as a text tool prints two cells whose lines share their
    baselines: each of the first `left_count` lines is a line of the left cell then one of the right
    (`based guideline experienced ≥3`), the rest are the right cell's; None when a line is no longer
    than one cell's line could be."""
    rest = list(lines[left_count:])
    parts = paired_parts(lines[:left_count], [right_first, *rest])
    return None if parts is None else (parts[0], parts[1] + rest)


def paired_parts(paired: Sequence[str], own: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """Lines that each hold a line of the left cell then one of the right, parted: before the
    longest tail of words as long as the cells' own lines (`own`) run; None when a line is no
    longer than such a line could be, or has no such tail."""
    widest = max(len(line) for line in own)
    left: list[str] = []
    right: list[str] = []
    for line in paired:
        if len(line) <= MIN_SIDE_BY_SIDE_RATIO * widest:
            return None
        words = line.split(" ")
        cut = next((cut for cut in range(1, len(words)) if len(" ".join(words[cut:])) <= widest), None)
        if cut is None:
            return None
        left.append(" ".join(words[:cut]))
        right.append(" ".join(words[cut:]))
    return left, right


def opened_below(lines: Sequence[str], columns: Sequence[str]) -> tuple[str, str] | None:
    """Two cells side by side whose right one opens on a line of its own under the left's first
    lines (`Children aged 6` / `Telemonitoring` / `to 12 years with vs usual care` / `major
    depressive` / `disorder`): the long lines after the opening hold a line of each, and the
    lines after those are the longer cell's, left or right, as the two cells fit their columns."""
    for start in range(1, len(lines) - 1):
        opening, above = lines[start], list(lines[:start])
        if not opening[:1].isupper() or ends_mid_sentence("\n".join(above)):
            continue
        others = lines[start + 1 :]
        for count in range(1, len(others) + 1):
            parts = paired_parts(others[:count], [opening, *others[count:]])
            if parts is None:
                continue
            rest = list(others[count:])
            for left, right in ((above + parts[0] + rest, [opening, *parts[1]]), (above + parts[0], [opening, *parts[1], *rest])):
                cells = _two_cells("\n".join(left), "\n".join(right), columns, MIN_INTERLEAVED_LEFT_FIT)
                if cells is not None:
                    return cells
    return None


def _two_cells(left: str, right: str, columns: Sequence[str], min_left_fit: float) -> tuple[str, str] | None:
    """The two cells when the left fits one column well and the right another (or says it was not
    given); a right cell opening with a list's bullet, which no cell prints mid-line, need only fit
    its column better than the left's."""
    left_field = max(columns, key=lambda field: column_fit(left, field))
    if column_fit(left, left_field) < min_left_fit:
        return None
    if _NOT_GIVEN.match("".join(right.split())):
        return left, right
    right_field = max(columns, key=lambda field: column_fit(right, field))
    least = 0.0 if is_bullet_glyph(right[:1]) else MIN_GLUED_RIGHT_FIT
    if right_field != left_field and column_fit(right, right_field) >= least:
        return left, right
    return None
