"""One synonym table mapping printed header cells of study tables to contract fields.

Both table strategies (text blocks and PDF geometry) call these functions, so a header
spelling learnt once is learnt everywhere. Matching ignores case, whitespace (including
line wraps) and the kind of apostrophe.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Mapping

from extract.text import clean_text

HEADER_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "author": (
        "first author, year",
        "first author (year)",
        "first author",
        "author, year",
        "author (year)",
        "author, year, country",
        "authors, year",
        "author",
        "study",
        "study, year",
        "study (year)",
        "study, year, country",
        "citation",
        "reference",
    ),
    "indication": ("indication", "indications", "condition", "conditions", "disease"),
    "population": (
        "population",
        "patients",
        "patient population",
        "target population",
        "participants",
        "study population",
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
    return " ".join(folded.split()).strip(" :*")


def known_header_field(header: str) -> str | None:
    """The field of a known header, also when the PDF's character spacing split its words (`Interv ention`)."""
    key = normalise_header(header)
    return _FIELD_BY_HEADER.get(key) or _FIELD_BY_SQUEEZED_HEADER.get("".join(key.split()))


def field_for_header(header: str) -> str:
    """Name the contract field a printed header fills, or `extra:<header>` when none does."""
    field = known_header_field(header)
    if field is not None:
        return field
    return f"extra:{clean_text(header)}"


def is_header_cell(text: str) -> bool:
    """Tell whether a text is exactly one known header cell, so repeated page headers can be set aside."""
    return known_header_field(text) is not None
