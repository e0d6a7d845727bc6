"""Turn the RawRows of study tables into contract study records, one dict per included study.

The grain is one row per included study of a report. Text cells are cleaned by extract.text
and author cells split by extract.fields; this module only routes cells to contract columns
and keeps each cell's place on the page beside the record (`cell_provenance`).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Callable, Sequence

from extract.fields import CONCLUSION_LABEL, CONCLUSION_LEAD, AuthorYearRef, design_for_label, split_author_year_ref
from extract.model import Cell, RawRow, Table
from extract.tables_spec import TABLES
from extract.text.clean import clean_findings, clean_text, join_wrapped_lines, starts_list_item
from extract.text.spacing import repair_spacing

STUDY_COLUMNS: tuple[str, ...] = TABLES["studies"].column_names("contract")
OPTIONAL_COLUMNS: tuple[str, ...] = tuple(
    name for name in TABLES["studies"].column_names("optional") if name != "extra"
)
RECORD_COLUMNS: tuple[str, ...] = (*STUDY_COLUMNS, *OPTIONAL_COLUMNS, "extra")

_TEXT_FIELDS: tuple[str, ...] = ("indication", "population", "authors_conclusions", *OPTIONAL_COLUMNS)
_EXTRA_PREFIX = "extra:"
_PROVENANCE_COLUMN = {"author": "first_author", "ref": "ref_no"}


def first_page(row: RawRow) -> int | None:
    """The page a row starts on: its first cell's (text input has none)."""
    return min((cell.page_no for cell in row.cells.values() if cell.page_no is not None), default=None)


def study_records(report_id: str, tables: Sequence[Table]) -> list[dict]:
    """One contract record per study row of every table, in table and row order."""
    return [study_record(report_id, table, row) for table in tables for row in table.rows]


def study_record(report_id: str, table: Table, row: RawRow) -> dict:
    """Route one row's cells to contract columns: split the author cell, clean the text cells."""
    row = with_conclusion_apart(row, has_column(table, "authors_conclusions"))
    author = row_author(row)
    record: dict = {column: None for column in RECORD_COLUMNS}
    record.update(
        report_id=report_id,
        study_key=study_key(report_id, author),
        ref_no=author.ref_no,
        first_author=author.first_author,
        year=author.year,
        design=row_design(row),
        design_label=design_label(row),
        results=_cleaned(row, "results", clean_findings),
        source_page=first_page(row),
        table_label=clean_text(table.label) if table.label else table.label,
        extra=extra_json(row),
    )
    record.update({field: _cleaned(row, field, clean_text) for field in _TEXT_FIELDS})
    return record


def has_column(table: Table, field: str) -> bool:
    """Whether any row of the table has a cell in this contract field's column."""
    return any(field in row.cells for row in table.rows)


def with_conclusion_apart(row: RawRow, table_has_conclusions: bool) -> RawRow:
    """A combined findings-and-conclusions cell cut in two: its closing conclusion paragraph to `authors_conclusions`.

    Only in a table without a conclusions column of its own, and only where the cell itself
    separates them: a closing paragraph that is not a list item and opens by stating the authors'
    conclusion (`fields.CONCLUSION_LEAD`). A label opening it ("Authors' conclusion:") is a
    heading inside the cell and is left out; a sentence ("The authors concluded that…") is kept whole.
    """
    cell = row.cells.get("results")
    if table_has_conclusions or cell is None:
        return row
    findings, conclusion = split_closing_conclusion(cell.text)
    if conclusion is None:
        return row
    cells = {**row.cells, "results": dataclasses.replace(cell, text=findings), "authors_conclusions": dataclasses.replace(cell, text=conclusion)}
    return dataclasses.replace(row, cells=cells)


def split_closing_conclusion(text: str) -> tuple[str, str | None]:
    """Findings and the closing conclusion paragraph of a cell's raw text, or the text and None."""
    lines = text.split("\n")
    for index in range(len(lines) - 1, 0, -1):
        if starts_list_item(lines[index]):
            return text, None
        if opens_a_conclusion(lines[index : index + LEAD_LINES]):
            while index > 1 and not starts_list_item(lines[index - 1]) and opens_a_conclusion(lines[index - 1 : index - 1 + LEAD_LINES]):
                index -= 1  # the lead began a line higher ("Authors' / conclusion:")
            return "\n".join(lines[:index]), CONCLUSION_LABEL.sub("", "\n".join(lines[index:]), count=1)
    return text, None


# A narrow column wraps the words that state a conclusion ("The authors / suggested that") over this many lines at most.
LEAD_LINES = 3


def opens_a_conclusion(lines: Sequence[str]) -> bool:
    """Whether a paragraph whose first lines these are opens by stating the authors' conclusion, however narrow its column wrapped it."""
    return CONCLUSION_LEAD.match(join_wrapped_lines("\n".join(lines))) is not None


def row_author(row: RawRow) -> AuthorYearRef:
    """Split the author cell; a reference number printed apart from it fills in a missing ref_no."""
    cell = row.cells.get("author")
    parts = split_author_year_ref(cell.text) if cell is not None else AuthorYearRef(None, None)
    parts = dataclasses.replace(parts, first_author=repaired_surname(parts.first_author))
    if parts.ref_no is None and "ref" in row.cells:
        return AuthorYearRef(parts.first_author, parts.year, parts.year_suffix, lone_ref_no(row.cells["ref"].text), parts.rest)
    return parts


def repaired_surname(name: str | None) -> str | None:
    """A surname with PDF character spacing closed up (`Whitf ield`): names get no other cleanup."""
    return repair_spacing(name) if name else name


def lone_ref_no(text: str) -> int | None:
    """Read a reference number printed on its own (`1`, `[12]`); the first of a list counts."""
    digits = ""
    for char in text.strip().lstrip("[("):
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


def study_key(report_id: str, author: AuthorYearRef) -> str:
    """`{report_id}:{ref_no}`, or `{report_id}:{first_author}-{year}` when no reference is printed."""
    if author.ref_no is not None:
        return f"{report_id}:{author.ref_no}"
    return f"{report_id}:{author.first_author}-{author.year}{author.year_suffix}"


def row_design(row: RawRow) -> str | None:
    """The design from the group heading, or from the Study Design cell when rows are not grouped."""
    if row.group_label:
        return design_for_label(row.group_label)
    cell = row.cells.get("study_design")
    return design_for_label(clean_text(cell.text)) if cell is not None else None


def design_label(row: RawRow) -> str | None:
    """The printed label the design was read from: the group heading, else the Study Design cell."""
    if row.group_label:
        return clean_text(row.group_label)
    return _cleaned(row, "study_design", clean_text)


def extra_json(row: RawRow) -> str | None:
    """Columns the contract does not name, as a JSON object of printed header → cleaned text."""
    extra = {
        key[len(_EXTRA_PREFIX) :]: clean_text(cell.text) or None
        for key, cell in row.cells.items()
        if key.startswith(_EXTRA_PREFIX)
    }
    return json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None


def _cleaned(row: RawRow, field: str, clean: Callable[[str], str]) -> str | None:
    """A cell's cleaned text, or None when the cell is missing or empty after cleaning."""
    cell: Cell | None = row.cells.get(field)
    if cell is None:
        return None
    return clean(cell.text) or None


def cell_provenance(report_id: str, tables: Sequence[Table]) -> list[dict]:
    """Where each curated cell came from (page and box), so the review page can point at it."""
    rows: list[dict] = []
    for table in tables:
        for row in table.rows:
            key = study_key(report_id, row_author(row))
            rows.extend(_cell_place(key, column, cell) for column, cell in row.cells.items())
    return rows


def _cell_place(key: str, column: str, cell: Cell) -> dict:
    """One provenance row: the study, the column, the page and the box (None for text input)."""
    box = cell.bbox
    return {
        "study_key": key,
        "column": _PROVENANCE_COLUMN.get(column, column),
        "page_no": cell.page_no,
        "x0": box.x0 if box else None,
        "top": box.top if box else None,
        "x1": box.x1 if box else None,
        "bottom": box.bottom if box else None,
    }
