"""rows.py: RawRows become contract study records, with provenance kept beside them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.model import BBox, Cell, ParsingReport, RawRow, Table
from extract.rows import RECORD_COLUMNS, STUDY_COLUMNS, cell_provenance, lone_ref_no, study_records


def table(*rows: RawRow, label: str | None = "Table 2: Summary of Included Studies") -> Table:
    return Table(label=label, header=("author",), rows=rows, report=ParsingReport(strategy="test"))


def row(cells: dict[str, str], group_label: str | None = None, page_no: int | None = None) -> RawRow:
    return RawRow(cells={k: Cell(v, page_no=page_no) for k, v in cells.items()}, group_label=group_label)


def test_record_columns_follow_the_contract_then_optional_then_extra() -> None:
    (record,) = study_records("rep", [table(row({"author": "Kim (2018)2"}, "Systematic Reviews"))])
    assert tuple(record) == RECORD_COLUMNS
    assert RECORD_COLUMNS[: len(STUDY_COLUMNS)] == STUDY_COLUMNS
    assert RECORD_COLUMNS[-1] == "extra"


def test_author_cell_and_group_heading_fill_the_key_fields() -> None:
    (record,) = study_records(
        "rep",
        [table(row({"author": "Kim (2018)2", "indication": "Chronic\nasthma"}, "Randomized Controlled Trials", 3))],
    )
    assert record["study_key"] == "rep:2"
    assert (record["ref_no"], record["first_author"], record["year"]) == (2, "Kim", 2018)
    assert record["design"] == "randomized_controlled_trial"
    assert record["design_label"] == "Randomized Controlled Trials"
    assert record["indication"] == "Chronic asthma"
    assert record["source_page"] == 3
    assert record["table_label"] == "Table 2: Summary of Included Studies"
    assert record["population"] is None and record["extra"] is None


def test_lone_reference_cell_fills_a_missing_ref_no() -> None:
    (record,) = study_records("rep", [table(row({"author": "Zhou (2016)", "ref": "7"}, "Systematic Reviews"))])
    assert record["ref_no"] == 7 and record["study_key"] == "rep:7"


def test_without_a_reference_the_key_is_author_and_year() -> None:
    (record,) = study_records("rep", [table(row({"author": "van der Berg (2018)"}, "Guidelines"))])
    assert record["ref_no"] is None
    assert record["study_key"] == "rep:van der Berg-2018"


def test_design_comes_from_the_study_design_cell_without_groups() -> None:
    (record,) = study_records("rep", [table(row({"author": "Lee, 2015", "study_design": "Randomized controlled\ntrial"}))])
    assert record["design"] == "randomized_controlled_trial"
    assert record["study_design"] == "Randomized controlled trial"
    assert record["design_label"] == "Randomized controlled trial"


def test_results_hold_one_finding_per_line() -> None:
    (record,) = study_records(
        "rep",
        [table(row({"author": "Lee (2015)1", "results": "\u2022 Fewer falls\n\u2022 More\nfractures"}, "Guidelines"))],
    )
    assert record["results"] == "Fewer falls\nMore fractures"


def test_unknown_columns_go_to_extra_as_json() -> None:
    cells = {"author": "Lee (2015)1", "extra:Sample Size": "120\nadults", "extra:Country": ""}
    (record,) = study_records("rep", [table(row(cells, "Guidelines"))])
    assert json.loads(record["extra"]) == {"Country": None, "Sample Size": "120 adults"}


def test_provenance_names_each_cell_with_its_place() -> None:
    box = BBox(10.0, 20.0, 110.0, 40.0)
    raw = RawRow(cells={"author": Cell("Kim (2018)2", 4, box), "results": Cell("Better", 5, None)})
    places = cell_provenance("rep", [table(raw)])
    assert places == [
        {"study_key": "rep:2", "column": "first_author", "page_no": 4, "x0": 10.0, "top": 20.0, "x1": 110.0, "bottom": 40.0},
        {"study_key": "rep:2", "column": "results", "page_no": 5, "x0": None, "top": None, "x1": None, "bottom": None},
    ]


@given(st.integers(1, 999), st.sampled_from(["{}", "[{}]", " {} ", "({})", "{},{}", "{}-{}"]))
def test_lone_reference_number_reads_the_first_number(number: int, layout: str) -> None:
    assert lone_ref_no(layout.format(number, number + 1)) == number


@pytest.mark.parametrize(
    ("author_cell", "surname"),
    [
        ("Duf resne (2008)", "Dufresne"),
        ("Kowalczy k et al., 2019", "Kowalczyk"),
        ("Sandov al et al. (2015)", "Sandoval"),
        ("v an Dijk (2012)", "van Dijk"),
        ("McAv oy, 2020", "McAvoy"),
        ("Lindqv ist JA, Smith B (2011)", "Lindqvist"),
    ],
)
def test_spaced_surname_is_closed_up_in_the_author_and_the_key(author_cell: str, surname: str) -> None:
    (record,) = study_records("rep", [table(row({"author": author_cell}, "Guidelines"))])
    assert record["first_author"] == surname
    assert record["study_key"] == f"rep:{surname}-{record['year']}"


def test_provenance_keys_spaced_surnames_like_the_records() -> None:
    raw = row({"author": "Duf resne (2008)", "results": "Better"}, "Guidelines")
    (record,) = study_records("rep", [table(raw)])
    assert {place["study_key"] for place in cell_provenance("rep", [table(raw)])} == {record["study_key"]}


@pytest.mark.parametrize(
    "closing",
    [
        "The authors concluded that the\ntreatment was effective.",
        "Authors' conclusion: the treatment\nwas effective.",
        "The authors suggested further trials.",
        "Conclusion — the treatment was effective.",
        "The authors\nsuggested that\nfurther trials are\nrequired.",  # a narrow column wraps the words that state it
        "Authors'\nconclusion: the\ntreatment works.",
    ],
)
def test_combined_findings_cell_gives_its_closing_conclusion_paragraph_apart(closing: str) -> None:
    cell = "\uf0b7 Mortality fell by 20%\n\uf0b7 No difference in quality\nof life\n" + closing
    [record] = study_records("r", [table(row({"author": "Lee (2015)3", "results": cell}, "Randomized Controlled Trials"))])
    assert record["results"] == "Mortality fell by 20%\nNo difference in quality of life"
    flat = " ".join(closing.split())
    labelled = flat.startswith(("Authors' conclusion:", "Conclusion —"))
    expected = flat.split(":" if ":" in flat else "—", 1)[1].strip() if labelled else flat
    assert record["authors_conclusions"] == expected


def test_a_conclusion_inside_a_finding_or_beside_a_conclusions_column_stays_where_it_is() -> None:
    bulleted = "\uf0b7 Mortality fell\n\uf0b7 The authors concluded that it works"
    [record] = study_records("r", [table(row({"author": "Lee (2015)3", "results": bulleted}, "Randomized Controlled Trials"))])
    assert record["authors_conclusions"] is None and record["results"].endswith("The authors concluded that it works")
    with_column = row({"author": "Kim (2016)4", "results": "Fewer falls\nThe authors concluded x", "authors_conclusions": "Works."}, "Randomized Controlled Trials")
    [record] = study_records("r", [table(with_column)])
    assert record["results"] == "Fewer falls The authors concluded x" and record["authors_conclusions"] == "Works."
