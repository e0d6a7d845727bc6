"""One synonym table mapping printed header cells of study tables to contract fields.

Every table strategy calls these functions, so a header spelling learnt once is learnt
everywhere. Matching ignores case, whitespace (line wraps, and the spaces PDF character spacing
inserts) and the kind of apostrophe.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping, Sequence

from extract.text.clean import clean_text


# What an author column is headed by, before its ", Year": a person, a study, or the body that wrote it.
AUTHOR_COLUMN_SUBJECTS = (
    "first author", "author", "authors", "study", "studies", "trial", "citation", "reference", "publication",
    "guideline", "guidelines", "guideline group", "organization", "organisation", "developer", "agency", "source",
)

HEADER_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "author": (
        "first author",
        "author",
        "authors",
        "study",
        "trial",
        "citation",
        "reference",
        "guideline",
        *(
            form.format(subject)
            for subject in AUTHOR_COLUMN_SUBJECTS
            for form in ("{}, year", "{} (year)", "{}, year, country", "{} and year", "{}/year", "{} year")
        ),
    ),
    "indication": ("indication", "indications", "condition", "conditions", "disease", "clinical indication", "health condition"),
    "population": (
        "population",
        "patients",
        "patient population",
        "target population",
        "participants",
        "study population",
        "population(s)",
        "setting and population",
    ),
    "results": (
        "results",
        "main findings",
        "key findings",
        "findings",
        "main results",
        "key results",
        "main findings and authors' conclusions",
        "main findings and author's conclusions",
        "key findings and authors' conclusions",
        "findings and conclusions",
        "results and conclusions",
        "recommendations",
        "recommendation",
        "key recommendations",
        "main recommendations",
        "recommendations and conclusions",
    ),
    "authors_conclusions": (
        "authors' conclusions",
        "author's conclusions",
        "authors conclusions",
        "authors' conclusion",
        "author's conclusion",
        "conclusions",
        "conclusion",
    ),
    "study_design": ("study design", "design", "study type", "type of study"),
    "intervention": (
        "intervention",
        "interventions",
        "intervention(s)",
        "intervention and comparator",
        "intervention and comparator(s)",
        "intervention and comparators",
        "interventions and comparators",
    ),
    "comparator": ("comparator", "comparators", "comparator(s)", "comparison", "control"),
    "outcomes": ("outcomes", "outcome", "outcome(s)", "outcomes measured", "main outcomes"),
    # Columns a study table often has that the contract does not name: known, so they are told
    # from data as header cells, but kept under `extra` by their printed header.
    "extra": (
        "country",
        "setting",
        "strength of evidence",
        "quality of evidence",
        "level of evidence",
        "certainty of evidence",
        "strength of recommendation",
        "grade of recommendation",
        "sample size",
        "funding",
    ),
}


_FIELD_BY_HEADER: Mapping[str, str] = {
    synonym: field for field, synonyms in HEADER_SYNONYMS.items() for synonym in synonyms
}
_FIELD_BY_SQUEEZED_HEADER: Mapping[str, str] = {
    "".join(synonym.split()): field for synonym, field in _FIELD_BY_HEADER.items()
}
_APOSTROPHES = re.compile(r"\s*['\u2019\u2018\u02bc`\u00b4]")


def normalise_header(text: str) -> str:
    """Reduce a printed header to its matching key: folded case, one space, straight apostrophe."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _APOSTROPHES.sub("'", folded)
    return " ".join(folded.split()).strip(" :*,;")


def known_header_field(header: str) -> str | None:
    """The field of a known header, also when the PDF's character spacing split its words (`Interv ention`)."""
    key = normalise_header(header)
    return _FIELD_BY_HEADER.get(key) or _FIELD_BY_SQUEEZED_HEADER.get("".join(key.split()))


def field_for_header(header: str) -> str:
    """Name the contract field a printed header fills, or `extra:<header>` when none does."""
    field = known_header_field(header)
    if field is not None and field != "extra":
        return field
    return f"extra:{clean_text(header)}"


def is_header_cell(text: str) -> bool:
    """Tell whether a text is exactly one known header cell, so repeated page headers can be set aside."""
    return known_header_field(text) is not None


MAX_HEADER_CHARS = 80
SQUEEZED_HEADERS = frozenset(
    "".join(normalise_header(synonym).split()) for synonyms in HEADER_SYNONYMS.values() for synonym in synonyms
)


def header_text(text: str) -> str:
    """A printed header cell as the synonym table reads it: broken spacing repaired, lines joined."""
    return clean_text(text) if len(text) <= MAX_HEADER_CHARS else " ".join(text.split())


def is_known_header(text: str) -> bool:
    """True when a cell's text, spacing repaired, is a header the synonym table knows.

    Spacing artifacts only insert spaces, so a text that matches no header with spaces squeezed
    out is turned away before the (costlier) repair.
    """
    if len(text) > MAX_HEADER_CHARS or "".join(normalise_header(text).split()) not in SQUEEZED_HEADERS:
        return False
    return is_header_cell(header_text(text))


# The first words (two or more) of a known header of three or more: a header cell its column wrapped (`Strength of` / `Evidence`).
HEADER_OPENINGS = frozenset(
    " ".join(words[:end])
    for synonyms in HEADER_SYNONYMS.values() for synonym in synonyms
    for words in (normalise_header(synonym).split(),)
    for end in range(2, len(words))
)


def opens_known_header(text: str) -> bool:
    """True when a text is the first line of a known header cell wrapped over more lines (`Strength of`)."""
    return len(text) <= MAX_HEADER_CHARS and normalise_header(header_text(text)) in HEADER_OPENINGS


MAX_HEADER_WORDS = 6
MAX_UNKNOWN_HEADER_WORDS = 3


def header_cells(text: str) -> tuple[str, ...]:
    """Split text into known header cells, fewest first: a text tool merges the header cells of
    one printed line (`Study Design Indication`); empty when the text is not all header cells."""
    words = text.split()
    fewest: list[tuple[str, ...] | None] = [()] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(max(0, end - MAX_HEADER_WORDS), end):
            before = fewest[start]
            cell = " ".join(words[start:end])
            if before is not None and is_header_cell(cell):
                if fewest[end] is None or len(before) + 1 < len(fewest[end] or ()):
                    fewest[end] = (*before, cell)
    return fewest[-1] or ()


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
        0 < len(words) <= MAX_UNKNOWN_HEADER_WORDS
        and all(word[:1].isupper() and not re.search(r"\d", word) for word in words)
        and not words[-1].endswith(".")
    )
