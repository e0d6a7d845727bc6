"""The selection criteria table (population, intervention, comparator, outcomes, study designs).

Read from the table captioned as selection criteria, or the Selection Criteria section without
one; a cell's bullet items are joined with `; ` after its lead-in.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from extract.meta.sections import (
    Heading,
    Line,
    TABLE_CAPTION,
    heading_text,
    lines_after,
    section_lines,
    squash,
)
from extract.text.clean import BULLET_START, LONE_BULLET, clean_text


PRINTED_CRITERION_LABELS: Mapping[str, str] = {
    "population": "population",
    "populations": "population",
    "patients": "population",
    "participants": "population",
    "population/patients": "population",
    "intervention": "intervention",
    "interventions": "intervention",
    "intervention(s)": "intervention",
    "comparator": "comparator",
    "comparators": "comparator",
    "comparator(s)": "comparator",
    "comparison": "comparator",
    "comparisons": "comparator",
    "control": "comparator",
    "outcome": "outcomes",
    "outcomes": "outcomes",
    "outcome(s)": "outcomes",
    "study design": "study_designs",
    "study designs": "study_designs",
    "study design(s)": "study_designs",
    "study type": "study_designs",
    "study types": "study_designs",
    "types of studies": "study_designs",
    "type of studies": "study_designs",
    "types of study": "study_designs",
}


# The labels as compared: lower-case, spaces removed (see `squash`).
CRITERION_LABELS: Mapping[str, str] = {
    label.replace(" ", ""): criterion for label, criterion in PRINTED_CRITERION_LABELS.items()
}
INLINE_CRITERION = re.compile(r"^(?P<label>[A-Za-z/() ]{4,20}?)\s*:\s*(?P<text>\S.*)$")
SELECTION_CAPTION = re.compile(r"\(?\s*(?:selection|inclusion|eligibility) criteria", re.I)




def selection_criteria(lines: Sequence[Line]) -> dict[str, str]:
    """Table 1's rows keyed by contract criterion, cleaned."""
    texts = {criterion: criterion_text(value) for criterion, value in criteria_rows(lines).items()}
    return {criterion: text for criterion, text in texts.items() if text}


def selection_lines(lines: Sequence[Line], headings: Sequence[Heading]) -> tuple[Line, ...]:
    """The selection criteria table's lines, or the Selection Criteria section without one."""
    caption = next(
        (h for h in headings if h.key == TABLE_CAPTION and SELECTION_CAPTION.match(h.caption)),
        None,
    )
    if caption is not None:
        return lines_after(lines, headings, caption)
    return section_lines(lines, headings, "selection_criteria")


def criterion_label(line: str) -> tuple[str, str] | None:
    """The criterion a row label names, with any text printed after `Label:` on its line."""
    whole = CRITERION_LABELS.get(squash(heading_text(line)))
    if whole:
        return whole, ""
    inline = INLINE_CRITERION.match(line.strip())
    criterion = CRITERION_LABELS.get(squash(inline["label"])) if inline else None
    return (criterion, inline["text"]) if inline and criterion else None


def criteria_rows(lines: Sequence[Line]) -> dict[str, list[str]]:
    """The value lines under each criterion label; lines before the first label are prose."""
    rows: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        label = criterion_label(line.text)
        if label and label[0] not in rows:
            current = label[0]
            rows[current] = [label[1]] if label[1] else []
        elif current is not None:
            rows[current].append(line.text)
    return rows


def marked_items(value_lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Split a cell into its lead-in lines and the items that start at a bullet or indent.

    An item starts at a bullet glyph or, after the first line, at an indented line: text
    extraction often drops the private-use bullet glyph and leaves only its space.
    """
    lead: list[str] = []
    items: list[list[str]] = []
    for position, text in enumerate(value_lines):
        starts_item = bool(BULLET_START.match(text)) or (position > 0 and text[:1].isspace())
        if starts_item:
            items.append([BULLET_START.sub("", text).strip()])
        elif items:
            items[-1].append(text)
        else:
            lead.append(text)
    return lead, items


def bullet_items(value_lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Lead-in lines and bullet items, also when the glyphs were read apart from their text.

    A PDF can yield the glyphs as lines of their own; when there are exactly as many lines
    after a lead-in ending in `:` as detached glyphs, each of those lines is one item.
    """
    lines = [text for text in value_lines if not LONE_BULLET.fullmatch(text)]
    detached = len(value_lines) - len(lines)
    lead, items = marked_items(lines)
    split_at = len(lead) - detached
    if detached and not items and split_at > 0 and lead[split_at - 1].rstrip().endswith(":"):
        return lead[:split_at], [[text] for text in lead[split_at:]]
    return lead, items


def criterion_text(value_lines: Sequence[str]) -> str:
    """A criterion cell as one cleaned line, bullet items joined with `; ` after the lead-in."""
    lead_lines, item_lines = bullet_items(value_lines)
    lead = clean_text("\n".join(lead_lines)) if lead_lines else ""
    items = [text for text in (clean_text("\n".join(item)) for item in item_lines) if text]
    if not items:
        return lead
    if not lead:
        return "; ".join(items)
    return f"{lead} {'; '.join(items)}" if lead.endswith(":") else f"{lead}; {'; '.join(items)}"
