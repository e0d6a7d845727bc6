"""Abbreviations a report defines: its Abbreviations section and the `AE = adverse event; …` footnotes under tables."""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from extract.layout.captions import CAPTION
from extract.meta.sections import Line
from extract.model import Document
from extract.text.clean import clean_text


ABBREVIATION_PAIR = re.compile(
    r"^\s*(?P<abbr>[^=:;]{1,15}?)\s*(?:=|:|\s–\s|\s—\s)\s*(?P<expansion>\S.*?)\s*$"
)
COLUMN_GAP = re.compile(r"\t+|\s{2,}")
ABBREVIATION_START = re.compile(r"^\s*(?P<abbr>[^=:;\s][^=:;]{0,14}?)\s*(?:=|:)\s")
ABBREVIATIONS_PREFIX = re.compile(r"^\s*Abbreviations?\s*:\s*", re.IGNORECASE)


def report_abbreviations(doc: Document, section: Sequence[Line]) -> dict[str, str]:
    """All abbreviations the report defines; the first definition of a key wins."""
    found: dict[str, str] = {}
    for mapping in (section_abbreviations(section), *footnote_abbreviations(doc)):
        for abbreviation, expansion in mapping.items():
            found.setdefault(abbreviation, expansion)
    return found


def looks_like_abbreviation(key: str) -> bool:
    """A short key with at least two capitals (`AE`, `HbA1c`) or of at most four letters (`vs`)."""
    letters = key.replace(" ", "")
    capitals = sum(ch.isupper() for ch in letters)
    return 0 < len(letters) <= 12 and len(key.split()) <= 2 and (capitals >= 2 or len(letters) <= 4)


def abbreviation_pairs(text: str, minimum_pairs: int) -> dict[str, str]:
    """`X = y; Z = w` (or `X: y`) as a mapping, empty unless every part is such a pair."""
    cleaned = clean_text(ABBREVIATIONS_PREFIX.sub("", text))
    parts = [part for part in cleaned.split(";") if part.strip()]
    pairs = [ABBREVIATION_PAIR.match(part) for part in parts]
    if len(parts) < minimum_pairs or not all(
        pair and looks_like_abbreviation(pair["abbr"]) for pair in pairs
    ):
        return {}
    return {pair["abbr"].strip(): pair["expansion"].rstrip(" .") for pair in pairs if pair}


def starts_with_abbreviation(line: str) -> bool:
    """A line opening with `AE = ` or `AE: ` (after an optional `Abbreviations:` label)."""
    match = ABBREVIATION_START.match(ABBREVIATIONS_PREFIX.sub("", line))
    return bool(match and looks_like_abbreviation(match["abbr"].strip()))


def footnote_text(block_text: str) -> str | None:
    """The part of a block from its first `X = y` or `X: y` line on, up to a table caption printed
    right under it (a text export may leave no blank line before the next table), or None when it
    has none."""
    lines = block_text.splitlines()
    starts = (n for n, text in enumerate(lines) if starts_with_abbreviation(text))
    start = next(starts, None)
    if start is None:
        return None
    end = next((n for n in range(start + 1, len(lines)) if CAPTION.match(lines[n])), len(lines))
    return "\n".join(lines[start:end])


def footnote_abbreviations(doc: Document) -> Iterable[dict[str, str]]:
    """Abbreviation footnotes under tables: blocks ending in `X = y;` or `X: y;` pairs."""
    for block in doc.blocks:
        footnote = footnote_text(block.text)
        if footnote is not None:
            yield abbreviation_pairs(footnote, minimum_pairs=2)


def as_pair_text(text: str) -> str:
    """Read a two-column line (`AE<tab>adverse event`) as `AE = adverse event`."""
    return text if re.search(r"[=:]", text) else COLUMN_GAP.sub(" = ", text.strip(), count=1)


def section_abbreviations(section: Sequence[Line]) -> dict[str, str]:
    """An Abbreviations section: one `X = y`, `X: y` or `X<tab>y` pair per line or `;` part."""
    found: dict[str, str] = {}
    for line in section:
        for pair_text in as_pair_text(line.text).split(";"):
            for abbreviation, expansion in abbreviation_pairs(pair_text, minimum_pairs=1).items():
                found.setdefault(abbreviation, expansion)
    return found
