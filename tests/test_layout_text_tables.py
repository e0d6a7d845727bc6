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


def _at(*placed: tuple[int, str]) -> str:
    """One line with each text at its own column."""
    out = ""
    for column, text in placed:
        out = out.ljust(column) + text
    return out.rstrip()


def test_a_header_cell_set_one_space_from_the_next_is_parted_where_the_wrapped_header_below_starts(tmp_path: Path) -> None:
    """`Study Design Target` over `Population`: the export set two header cells one space apart;
    the second line's `Population` starts where `Target` does, so the run is two columns."""
    lines = [
        "Table 3: Summary of Included Guidelines",
        _at((2, "First Author,"), (23, "Study Design Target"), (59, "Recommendations"), (96, "Strength of")),
        _at((2, "Year"), (36, "Population"), (96, "Evidence")),
        "",
        _at((2, "Fairbanks"), (23, "Evidence-"), (39, "Women who had"), (59, "Patients should be"), (96, "Level II")),
        _at((2, "(2019) [12]"), (23, "based guideline"), (39, "experienced pain"), (59, "reassessed at 12 weeks"), (96, "evidence")),
        "",
        _at((2, "Park (2019)"), (23, "Evidence-"), (39, "Adults with"), (59, "Clinicians should consider"), (96, "Strong")),
        _at((2, "[13]"), (23, "based guideline"), (39, "venous leg ulcers"), (59, "it for adults"), (96, "recommendation")),
        "",
        _at((2, "Moreau"), (23, "Evidence-"), (39, "Outpatients with"), (59, "It is not recommended"), (96, "Weak")),
        _at((2, "(2018) [14]"), (23, "based guideline"), (39, "heart failure"), (59, "as first-line therapy"), (96, "recommendation")),
        "",
    ]
    path = tmp_path / "guideline.txt"
    path.write_text("\n".join([*lines, "", "References", ""]), encoding="utf-8")
    (table,) = extract_report(path, Limits()).tables
    assert [row.cells["population"].text.replace("\n", " ") for row in table.rows] == [
        "Women who had experienced pain",
        "Adults with venous leg ulcers",
        "Outpatients with heart failure",
    ]
    assert table.rows[0].cells["study_design"].text.replace("\n", " ") == "Evidence- based guideline"


def test_rows_set_with_no_blank_line_start_at_a_particle_surname_and_after_a_lettered_year(tmp_path: Path) -> None:
    """Rows printed one under the other: a new row starts where the first column opens a name
    under a cell that has its year, also when the name opens with a spaced lower-case particle
    (`v an der Berg`) and when the year above carries a letter (`2018a`)."""
    lines = [
        "Table 2: Summary of Included Studies",
        columned("Author (Year)", "Condition", "Patients", "Key Findings", "Conclusions"),
        columned("Xu et al.", "Heart failure", "Adults with", "Mortality fell", "The authors"),
        columned("(2018a)1", "", "heart failure", "by a third", "found benefit."),
        columned("v an der Berg et", "Type 2 diabetes", "Adults with", "No change in", "The authors"),
        columned("al. (2017)2", "", "diabetes", "length of stay", "found no benefit."),
        columned("Moreau (2019)3", "Severe asthma", "Children aged 6", "Admissions fell", "The authors"),
        columned("", "", "to 12 years", "by a fifth", "asked for trials."),
        columned("Diaz et al.", "Heart failure", "Adults with", "Mortality did not", "The authors"),
        columned("(2017)4", "", "heart failure", "change", "found no benefit."),
        "",
    ]
    path = tmp_path / "close.txt"
    path.write_text("\n".join([*lines, "", "References", ""]), encoding="utf-8")
    (table,) = extract_report(path, Limits()).tables
    assert [row.cells["author"].text.split()[0] for row in table.rows] == ["Xu", "v", "Moreau", "Diaz"]
    assert [row.cells["indication"].text for row in table.rows] == ["Heart failure", "Type 2 diabetes", "Severe asthma", "Heart failure"]
