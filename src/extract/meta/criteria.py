"""The selection criteria table (population, intervention, comparator, outcomes, study designs).

Read from the table captioned as selection criteria, or the Selection Criteria section without
one; a cell's bullet items are joined with `; ` after its lead-in.
"""

from __future__ import annotations

import re
from dataclasses import replace
from statistics import median
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
    for line, text in zip(lines, with_labels_apart([line.text for line in lines])):
        line = replace(line, text=text)
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


# The printed labels, longest first, and the multi-word ones as their first word and the rest.
_LABELS_LONGEST_FIRST = sorted(PRINTED_CRITERION_LABELS, key=len, reverse=True)
_STACKED_LABELS = [tuple(label.split(" ", 1)) for label in _LABELS_LONGEST_FIRST if " " in label]


def with_labels_apart(texts: Sequence[str]) -> list[str]:
    """Lines whose criterion label runs straight into its value, with nothing between the two but
    the value's capital (`ComparatorPlacebo, usual care`, `Population Patients of any age`),
    rewritten as `Label: value`; a label stacked on two lines with its value's lines glued to
    each (`StudyHealth technology …` / `Designsrandomized studies`) too. A text layer that sets
    the label cell and the value cell on one baseline with no space between them reads so."""
    out = list(texts)
    for index, text in enumerate(out):
        stacked = _stacked_label(text, out[index + 1] if index + 1 < len(out) else "")
        if stacked is not None:
            out[index], out[index + 1] = stacked
            continue
        label = next((label for label in _LABELS_LONGEST_FIRST if _opens_value(text, label)), None)
        if label is not None:
            out[index] = f"{text[: len(label)]}: {text[len(label):].lstrip()}"
    return out


def _opens_value(text: str, label: str) -> bool:
    """The line starts with the label, then (after one space or none) a capital opening its value;
    a wider gap is a text export's column, which `column_label` reads."""
    rest = text[len(label) :]
    return text[: len(label)].lower() == label and (rest[:1].isupper() or rest[:1] == " " and rest[1:2].isupper())


def _stacked_label(text: str, following: str) -> tuple[str, str] | None:
    """A two-line label whose words open this line and the next, each glued to a line of the value."""
    for first, rest in _STACKED_LABELS:
        if _opens_value(text, first) and following[: len(rest)].lower() == rest:
            label = f"{text[: len(first)]} {following[: len(rest)]}"
            return f"{label}: {text[len(first):].lstrip()}", following[len(rest) :].lstrip()
    return None


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
    """The criteria table read by position: labels in the left column, value lines in the column
    to their right, a line back in the label column that is no label ending the table. Rows
    packed tight run together as paragraphs, so reading order alone cannot tell them apart.
    Empty when no label is found.

    Where each label's row opens with a value line at its height and no value line stands above
    the first label (cells set at their rows' tops), a value line belongs to the last row started
    above it; otherwise cells are centred in their rows, and each value cell (lines a line's
    spacing apart) belongs to the label nearest its middle.
    """
    labels = row_labels(lines)
    bare = [line for _, inline, parts in labels if not inline for line in parts]  # labels alone in their cells
    if not bare:
        return {}
    label_ids = {id(line) for _, _, parts in labels for line in parts}
    label_right = max(line.bbox.x1 for line in bare)  # type: ignore[union-attr]
    label_left = min(line.bbox.x0 for _, _, parts in labels for line in parts)  # type: ignore[union-attr]
    rows: dict[str, list[tuple[tuple[int, float, float], str]]] = {criterion: [] for criterion, _, _ in labels}
    for criterion, inline, parts in labels:
        if inline:
            rows[criterion].append((_position(parts[0]), inline))
    first_label = min((parts[0] for _, _, parts in labels), key=_position)
    first = _position(first_label)
    values: list[Line] = []
    for line in lines:
        if id(line) in label_ids:
            continue
        box = line.bbox
        assert box is not None
        if box.x0 < label_right - 1.0:
            if abs(box.x0 - label_left) < ROW_TOP_TOLERANCE_PT and _position(line) > first:
                break  # back in the label column: the table has ended
            continue
        values.append(line)
    tops_set = not any(_above(value, first_label) for value in values) and all(
        inline or any(_level(value, parts[0]) for value in values) for _, inline, parts in labels
    )
    for criterion, line in _rows_started_above(labels, values) if tops_set else _nearest_rows(labels, values):
        rows[criterion].append((_position(line), line.text))
    return {criterion: [text for _, text in sorted(found)] for criterion, found in rows.items()}


def _above(value: Line, label: Line) -> bool:
    """A value line printed above a label's top on its page: a centred cell's first line."""
    assert value.bbox is not None and label.bbox is not None
    return value.page_no == label.page_no and value.bbox.top < label.bbox.top - ROW_TOP_TOLERANCE_PT


def _level(value: Line, label: Line) -> bool:
    """A value line printed at a label's height: the row's first line, in a row whose cells are set at its top."""
    assert value.bbox is not None and label.bbox is not None
    return value.page_no == label.page_no and abs(value.bbox.top - label.bbox.top) <= ROW_TOP_TOLERANCE_PT


def _rows_started_above(labels: Sequence[tuple[str, str, list[Line]]], values: Sequence[Line]) -> list[tuple[str, Line]]:
    """Each value line with the last row started above it (cells set at their rows' tops)."""
    starts = [(_position(parts[0]), criterion) for criterion, _, parts in labels]
    placed = []
    for line in values:
        position = _position(line)
        above = [criterion for start, criterion in starts if (start[0], start[1] - ROW_TOP_TOLERANCE_PT) <= position[:2]]
        if above:
            placed.append((above[-1], line))
    return placed


def _nearest_rows(labels: Sequence[tuple[str, str, list[Line]]], values: Sequence[Line]) -> list[tuple[str, Line]]:
    """Each value line with the label nearest the middle of its cell (cells centred in their rows):
    a cell is a run of value lines no further apart than the tightest spacing between them and
    half a line more, cut before a line level with a label (rows packed tight, one line each, are
    no further apart than a cell's lines)."""
    ordered = sorted(values, key=_position)
    gaps = [lower.bbox.top - upper.bbox.bottom for upper, lower in zip(ordered, ordered[1:]) if upper.page_no == lower.page_no]  # type: ignore[union-attr]
    height = median(line.bbox.height for line in ordered) if ordered else 0.0  # type: ignore[union-attr]
    cell_gap = min(gaps, default=0.0) + 0.5 * height
    cells: list[list[Line]] = []
    for line in ordered:
        upper = cells[-1][-1] if cells else None
        level = any(_level(line, parts[0]) for _, _, parts in labels)
        if upper is not None and upper.page_no == line.page_no and line.bbox.top - upper.bbox.bottom <= cell_gap and not level:  # type: ignore[union-attr]
            cells[-1].append(line)
        else:
            cells.append([line])
    middles = [(criterion, _middle(parts)) for criterion, _, parts in labels]
    placed = []
    for cell in cells:
        page, middle = _middle(cell)
        near = [(abs(middle - at), criterion) for criterion, (on, at) in middles if on == page]
        if near:
            placed += [(min(near)[1], line) for line in cell]
    return placed


def _middle(lines: Sequence[Line]) -> tuple[int, float]:
    """The page and the vertical middle of lines printed on one page."""
    top = min(line.bbox.top for line in lines)  # type: ignore[union-attr]
    bottom = max(line.bbox.bottom for line in lines)  # type: ignore[union-attr]
    return lines[0].page_no or 0, (top + bottom) / 2


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
        found = criterion_label(line.text) or criterion_label(with_labels_apart([line.text])[0])
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
