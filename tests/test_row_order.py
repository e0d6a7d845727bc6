"""Row order of a text-rebuilt table whose heading row a text tool printed after the rows below it."""

from __future__ import annotations

from pathlib import Path

from extract.extraction import extract_report
from extract.settings import Limits
from extract.tables.row_order import latest_rows, rows_in_table_order


def test_the_author_under_the_first_heading_goes_first_when_cells_came_before_any_author() -> None:
    """Printed: B, C, then the heading with A, then D; all on one page, and cells before any author."""
    headings = [None, None, "Randomized Controlled Trials", None]
    assert rows_in_table_order(headings, [2, 2, 2, 2], cells_before_authors=True) == (2, 0, 1, 3)


def test_print_order_stays_when_the_first_author_was_printed_before_any_cell() -> None:
    """A heading printed mid-page before a later row (its group starts there) moves nothing."""
    headings = [None, None, "Economic Evaluations"]
    assert rows_in_table_order(headings, [3, 3, 3], cells_before_authors=False) == (0, 1, 2)


def test_print_order_stays_when_the_ungrouped_rows_sit_on_an_earlier_page() -> None:
    headings = [None, "Prospective Observational Studies", None]
    assert rows_in_table_order(headings, [1, 2, 2], cells_before_authors=True) == (0, 1, 2)
    assert rows_in_table_order(["Meta-Analyses", None], [1, 1], cells_before_authors=True) == (0, 1)


def test_authors_printed_before_each_block_are_told_as_the_latest_table_row() -> None:
    """Blocks before any author keep 0; after B (now row 1), 2; after C (row 2), 3; after A
    (row 0) still 3; after D (row 3), 4."""
    order = (2, 0, 1, 3)
    assert latest_rows([0, 0, 1, 2, 3, 4], order) == (0, 0, 2, 3, 3, 4)
    assert latest_rows([0, 1, 2], (0, 1, 2)) == (0, 1, 2)


CELLS_BEFORE_THEIR_AUTHOR = """Table 2: Summary of Included Studies for Research Question 1
Study, Year

Study Design

Population

Intervention and Comparator

Main Findings

Randomized controlled trial

Women with pneumonia

Nerve block vs placebo

Readmission fell by a third

Sandoval et al. (2013)

Randomized controlled trial

Adults with atrial fibrillation

Glucose monitoring vs oral therapy

No difference in mortality

Bergstrom et al. (2013)

Randomized controlled trial

Children with depression

Telemonitoring vs usual care

Readmission fell by a quarter

Randomized Controlled Trials
Okonkwo et al.
(2018)
\f
References
"""


def test_a_text_export_printing_the_heading_row_last_keeps_each_row_its_own_cells(tmp_path: Path) -> None:
    """pdftotext's default mode printed the shaded heading and the first row's author after the
    page's other rows; the first row's cells, printed before any author, stay its own."""
    path = tmp_path / "late-heading.txt"
    path.write_text(CELLS_BEFORE_THEIR_AUTHOR, encoding="utf-8")
    (table,) = extract_report(path, Limits()).tables
    by_author = {row.cells["author"].text.split()[0]: row for row in table.rows}
    assert by_author["Okonkwo"].cells["population"].text == "Women with pneumonia"
    assert by_author["Sandoval"].cells["population"].text == "Adults with atrial fibrillation"
    assert by_author["Bergstrom"].cells["results"].text == "Readmission fell by a quarter"
    assert [row.group_label for row in table.rows] == ["Randomized Controlled Trials"] * 3
