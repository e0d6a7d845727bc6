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
from extract.text.clean import LONE_BULLET, clean_text, without_list_marker


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
# A label with its value printed beside it across a column gap, as layout-keeping text prints a
# two-column table (`Population        Adults with asthma`).
COLUMN_CRITERION = re.compile(r"^(?P<label>\s*[A-Za-z/()][A-Za-z/() ]{3,24}?)\s{2,}(?P<text>\S.*)$")
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
    """The value lines under each criterion label; lines before the first label are prose.
    Where the lines carry their boxes (a PDF), rows are read from where they are printed."""
    if lines and all(line.bbox is not None for line in lines):
        placed = placed_rows(lines)
        if placed:
            return placed
    rows: dict[str, list[str]] = {}
    waiting: list[str] = []  # labels printed one after another, their values still to come
    block: int | None = None
    value_column = 0  # where values start when labels and values are printed side by side
    for line in lines:
        found = printed_label(line.text)
        if found and found[0] not in rows:
            criterion, inline, value_column = found
            rows[criterion] = [inline] if inline else []
            waiting = [*waiting, criterion] if not inline and not any(rows[w] for w in waiting) else [criterion]
            block = None
        elif waiting:
            if block is not None and line.block_index != block and len(waiting) > 1:
                waiting = waiting[1:]  # labels printed in a run take the value blocks after them in turn
            block = line.block_index
            beside_value = value_column and not line.text[:value_column].strip()
            rows[waiting[0]].append(line.text[value_column:] if beside_value else line.text)
    return rows


def printed_label(line: str) -> tuple[str, str, int] | None:
    """The criterion a line's label names, the text printed after it on the line, and the column
    the value's lines start at (0 unless the value is printed beside the label, `column_label`)."""
    found = criterion_label(line)
    return (*found, 0) if found else column_label(line)


def column_label(line: str) -> tuple[str, str, int] | None:
    """A criterion label with its value beside it across a column gap, and the column the value
    starts at (the value's lines below start there too)."""
    match = COLUMN_CRITERION.match(line.rstrip())
    criterion = CRITERION_LABELS.get(squash(match["label"])) if match else None
    return (criterion, match["text"], match.start("text")) if match and criterion else None


def marked_items(value_lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Split a cell into its lead-in lines and the items that start at a bullet or indent.

    An item starts at a bullet glyph or, after the first line, at an indented line: text
    extraction often drops the private-use bullet glyph and leaves only its space.
    """
    lead: list[str] = []
    items: list[list[str]] = []
    for position, text in enumerate(value_lines):
        item = without_list_marker(text)
        if item is not None or (position > 0 and text[:1].isspace()):
            items.append([item if item is not None else text.strip()])
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
    if not detached and not items:
        return unmarked_items(lead)
    return lead, items


def unmarked_items(lines: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """A lead-in ending in `:` followed by lines that each start with a capital: a list whose marks
    the text lost (a bullet drawn as a shape, a glyph the export dropped), one item per line. A
    wrapped sentence goes on in lower case, so it is never split this way."""
    colon = next((index for index, text in enumerate(lines) if text.rstrip().endswith(":")), None)
    if colon is None:
        return list(lines), []
    following = lines[colon + 1 :]
    if len(following) >= 2 and all(text.strip()[:1].isupper() for text in following):
        return list(lines[: colon + 1]), [[text] for text in following]
    return list(lines), []


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


# A line a little above its row's label (a taller first line, a cell padded differently) still belongs to it.
ROW_TOP_TOLERANCE_PT = 3.0


def placed_rows(lines: Sequence[Line]) -> dict[str, list[str]]:
    """The criteria table read by position: each label in the left column starts a row at its
    top, and a line of the column to its right belongs to the last row started above it. Rows
    packed tight run together as paragraphs, so reading order alone cannot tell them apart; a
    line back in the label column that is no label ends the table. Empty when no label is found."""
    labels = row_labels(lines)
    if not labels:
        return {}
    label_ids = {id(line) for _, _, parts in labels for line in parts}
    label_right = max(line.bbox.x1 for _, _, parts in labels for line in parts)  # type: ignore[union-attr]
    label_left = min(line.bbox.x0 for _, _, parts in labels for line in parts)  # type: ignore[union-attr]
    rows: dict[str, list[tuple[tuple[int, float, float], str]]] = {criterion: [] for criterion, _, _ in labels}
    for criterion, inline, parts in labels:
        if inline:
            rows[criterion].append((_position(parts[0]), inline))
    starts = [(_position(parts[0]), criterion) for criterion, _, parts in labels]
    for line in lines:
        if id(line) in label_ids:
            continue
        box = line.bbox
        assert box is not None
        if box.x0 < label_right - 1.0:
            if abs(box.x0 - label_left) < ROW_TOP_TOLERANCE_PT and _position(line) > starts[0][0]:
                break  # back in the label column: the table has ended
            continue
        position = _position(line)
        above = [criterion for start, criterion in starts if (start[0], start[1] - ROW_TOP_TOLERANCE_PT) <= position[:2]]
        if above:
            rows[above[-1]].append((position, line.text))
    return {criterion: [text for _, text in sorted(found)] for criterion, found in rows.items()}


def row_labels(lines: Sequence[Line]) -> list[tuple[str, str, list[Line]]]:
    """Each criterion label, with text printed after it on its line, and its lines: a label may
    wrap (`Study` / `Designs`) onto the line below it in the same column."""
    labels: list[tuple[str, str, list[Line]]] = []
    seen: set[str] = set()
    skip = False
    for index, line in enumerate(lines):
        if skip:
            skip = False
            continue
        found = criterion_label(line.text)
        parts = [line]
        following = lines[index + 1] if index + 1 < len(lines) else None
        if found is None and following is not None and _stacked(line, following):
            found = criterion_label(f"{line.text} {following.text}")
            parts, skip = [line, following], found is not None
        if found and found[0] not in seen:
            seen.add(found[0])
            labels.append((found[0], found[1], parts))
    return labels


def _stacked(upper: Line, lower: Line) -> bool:
    """Two lines of one cell: the same left edge, one right under the other."""
    assert upper.bbox is not None and lower.bbox is not None
    return upper.page_no == lower.page_no and abs(upper.bbox.x0 - lower.bbox.x0) < 2.0 and 0 <= lower.bbox.top - upper.bbox.bottom < upper.bbox.height


def _position(line: Line) -> tuple[int, float, float]:
    """Where a line is printed, in reading order: page, top, left."""
    assert line.bbox is not None
    return (line.page_no or 0, line.bbox.top, line.bbox.x0)
