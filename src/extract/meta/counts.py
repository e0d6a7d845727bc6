"""Study counts a report declares per design, and the reference numbers its summary cites per design.

These are what the cross-checks hold the table against: Key Findings (or the Results' opening)
declare counts, designs found absent count zero, and the Overall Summary cites references.
"""

from __future__ import annotations

import re

from extract import fields
from extract.meta.sections import sentences, split_top_level


NONE_IDENTIFIED = re.compile(
    r"\bNo\s+(?:relevant\s+|eligible\s+|additional\s+)?(?P<labels>[A-Za-z][A-Za-z ,\-]*?)\s+"
    r"(?:were|was)\s+(?:identified|found|included|retrieved)",
)
LABEL_SEPARATOR = re.compile(r",\s*(?:or\s+|and\s+)?|\s+(?:or|and)\s+")


def declared_study_counts(key_findings: str, results_intro: str) -> dict[str, int]:
    """Study counts the report declares, Key Findings first, with zero for designs found absent."""
    counts = declaring_counts(key_findings) or declaring_counts(results_intro)
    zeros = absent_designs(f"{key_findings} {results_intro}")
    return {**counts, **{design: 0 for design in zeros if design not in counts}}


def declaring_counts(text: str) -> dict[str, int]:
    """Counts from the first sentence that declares at least one included study."""
    for sentence in sentences(text):
        counts = fields.declared_counts(sentence)
        if any(count > 0 for count in counts.values()):
            return dict(counts)
    return {}


def absent_designs(text: str) -> tuple[str, ...]:
    """Designs the text says none were found of (`No relevant health technology assessments`)."""
    designs = []
    for match in NONE_IDENTIFIED.finditer(text):
        for label in split_top_level(match["labels"], LABEL_SEPARATOR):
            design = fields.design_for_label(label) if len(label.split()) <= 6 else None
            if design and design != "other":
                designs.append(design)
    return tuple(dict.fromkeys(designs))


def summary_counts(summary: str) -> dict[str, int]:
    """Study counts of the summary of findings, summed over its sentences."""
    totals: dict[str, int] = {}
    for sentence in sentences(summary):
        for design, count in fields.declared_counts(sentence).items():
            totals[design] = totals.get(design, 0) + count
    return totals


def summary_citation_ranges(summary: str) -> dict[str, tuple[int, ...]]:
    """Reference numbers cited per design in the summary of findings, merged and sorted."""
    merged: dict[str, set[int]] = {}
    for sentence in sentences(summary):
        for design, refs in fields.citation_ranges(sentence).items():
            merged.setdefault(design, set()).update(refs)
    return {design: tuple(sorted(refs)) for design, refs in merged.items()}
