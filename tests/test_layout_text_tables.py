"""Layout-keeping text (`pdftotext -layout`): a table whose cells run to within a few characters of the next column."""

from __future__ import annotations

from pathlib import Path

from extract.extraction import extract_report
from extract.settings import Limits

COLUMNS = (0, 20, 40, 60, 88)


def columned(*cells: str) -> str:
    """One line with each cell at its column, as a layout-keeping export prints it."""
    out = ""
    for column, text in zip(COLUMNS, cells):
        out = out.ljust(column) + text
    return out.rstrip()


def test_cells_ending_three_characters_before_the_next_column_keep_their_row_in_the_table(tmp_path: Path) -> None:
    """Two long cells of one line each reach near the next column's start; that is a row, not a
    paragraph running across the table, so the table goes on (in a five-column table a line must
    run over three column starts to be prose)."""
    rows = [
        ("Lee et al.", "(2018)1", ("Atrial fibrillati", "on"), ("Patients aged 65", "or older"), ("No significant differen", "ce in length of stay"), ("The authors", "said it may help.")),
        ("Park et al.", "(2019)2", ("Type 2 diabetes", ""), ("Adults with", "diabetes"), ("Fewer patients had", "serious AEs"), ("The authors", "asked for trials.")),
        ("Chen et al.", "(2020)3", ("Severe asthma", ""), ("Children aged 6", "to 12 years"), ("Admissions fell by", "a third"), ("The authors", "found benefit.")),
        ("Diaz et al.", "(2017)4", ("Heart failure", ""), ("Adults with", "heart failure"), ("Mortality did not", "change"), ("The authors", "found no benefit.")),
    ]
    lines = ["Table 2: Summary of Included Studies", columned("Author (Year)", "Condition", "Patients", "Key Findings", "Conclusions"), ""]
    for author, year, *cells in rows:
        lines += [columned(author, *(cell[0] for cell in cells)), columned(year, *(cell[1] for cell in cells)), ""]
    path = tmp_path / "layout.txt"
    path.write_text("\n".join([*lines, "", "References", ""]), encoding="utf-8")
    (table,) = extract_report(path, Limits()).tables
    assert [row.cells["author"].text.split()[0] for row in table.rows] == ["Lee", "Park", "Chen", "Diaz"]
    assert table.rows[0].cells["results"].text.replace("\n", " ") == "No significant differen ce in length of stay"
