"""Cells a text tool finished after the page's footer put back where they started.

pdftotext (its default reading order) may print the first line of a column's cells with their
rows and the rest of them, for the whole page, as one flow after the page's footer: each row's
`Hospital readmission` up in the table, then `decreased by 23.4% in the …` (first row), `mortality
was found …` (second row) and so on below the page number. Each part of that tail that opens in
lower case goes on with a cell begun on the page, in order: the cells whose only printed line
reads as a cell's first line (a bullet or a capital, no closing stop) and which nothing after
them goes on with.
"""

from __future__ import annotations

from typing import Sequence

from extract.tables.pieces import Piece
from extract.text.clean import is_bullet_glyph
from extract.text.sentence import closes_sentence


def with_page_tails_returned(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Each page's tail (data printed after its footer) returned to the cells it finishes, when
    the tail's orphaned endings are exactly as many as the page's open first lines."""
    result = list(pieces)
    for start, end in reversed(page_tails(result)):
        page = result[start].block.page_no
        parts = [(offset, part) for offset, piece in enumerate(result[start:end]) for part in tail_parts(piece.text)]
        ending = orphaned_endings([part for _, part in parts])
        opened = open_first_lines(result, page, start)
        if not any(ending) or ending.count(True) != len(opened):
            continue
        endings = iter(part for (_, part), is_ending in zip(parts, ending) if is_ending)
        for index in opened:
            piece = result[index]
            result[index] = Piece(piece.kind, f"{piece.text}\n{next(endings)}", piece.block, piece.field, piece.author)
        result[start:end] = _kept_runs(result[start:end], parts, ending)
    return tuple(result)


def _kept_runs(tail: Sequence[Piece], parts: Sequence[tuple[int, str]], ending: Sequence[bool]) -> list[Piece]:
    """The tail's pieces with their endings taken out; what an ending parted becomes two pieces."""
    runs: list[tuple[int, list[str]]] = []
    previous: tuple[int, bool] | None = None
    for (offset, part), is_ending in zip(parts, ending):
        if not is_ending:
            if previous != (offset, False):
                runs.append((offset, []))
            runs[-1][1].append(part)
        previous = (offset, is_ending)
    return [Piece("data", "\n".join(lines), tail[offset].block, tail[offset].field, tail[offset].author) for offset, lines in runs]


def page_tails(pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """Each run of data pieces printed after a page's footer: furniture that follows the page's
    table pieces, then data of the same page."""
    tails: list[tuple[int, int]] = []
    for index, piece in enumerate(pieces):
        page = piece.block.page_no
        if piece.kind != "furniture" or page is None or index + 1 >= len(pieces):
            continue
        following = pieces[index + 1]
        if following.kind != "data" or following.block.page_no != page:
            continue
        if not any(p.kind in ("data", "author") and p.block.page_no == page for p in pieces[:index]):
            continue
        end = index + 1
        while end < len(pieces) and pieces[end].kind == "data" and pieces[end].block.page_no == page:
            end += 1
        tails.append((index + 1, end))
    return tails


def tail_parts(text: str) -> list[str]:
    """A tail block cut where a line opening in lower case follows a closed sentence: the
    end of one cell, then the end of the next row's."""
    parts: list[list[str]] = []
    for line in text.split("\n"):
        if parts and not (line[:1].islower() and closes_sentence(parts[-1][-1])):
            parts[-1].append(line)
        else:
            parts.append([line])
    return ["\n".join(part) for part in parts]


def orphaned_endings(parts: Sequence[str]) -> list[bool]:
    """Which of the tail's parts end a cell begun above the footer: those opening in lower case at
    the tail's start or after a closed sentence (one after a part left open goes on with that part)."""
    return [
        part[:1].islower() and (index == 0 or closes_sentence(parts[index - 1]))
        for index, part in enumerate(parts)
    ]


def open_first_lines(pieces: Sequence[Piece], page: int | None, before: int) -> list[int]:
    """The page's data pieces (before its tail) that are one line reading as a cell's first line
    with its sentence still open, and that the next data piece does not go on with."""
    found: list[int] = []
    for index in range(before):
        piece = pieces[index]
        if piece.kind != "data" or piece.block.page_no != page or "\n" in piece.text.strip():
            continue
        text = piece.text.strip()
        opens = is_bullet_glyph(text[:1]) or text[:1].isupper()
        following = next((p for p in pieces[index + 1 : before] if p.kind == "data"), None)
        continued = following is not None and following.text.lstrip()[:1].islower()
        if opens and not closes_sentence(text) and not continued:
            found.append(index)
    return found
