"""The pandera models hold the contract, and their failures come out as stable, located codes."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from extract.links import linked_studies
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.errors import REASONS
from extract.tables_spec import CRITERIA
from extract.fields import DESIGNS
from extract.schemas import (
    TABLE_MODELS,
    YEAR_MAX,
    YEAR_MIN,
    AbbreviationsModel,
    ReportsModel,
    SelectionCriteriaModel,
    StudiesModel,
    ValidationFailuresModel,
    check_code,
    schema_failures,
    validate_table,
)
from extract.tables_spec import TABLES

SEED = Path(__file__).parent / "fixtures" / "seed"
REPORT_ID = "ivig-offlabel-2017"


def seed_studies() -> pd.DataFrame:
    """The golden studies of the seed, with the contract's columns the CSV leaves out."""
    studies = pd.read_csv(SEED / "expected-studies.csv")
    studies["source_page"] = None
    studies["table_label"] = "Table 2: Summary of Included Studies"
    return linked_studies(studies, ())  # contract 1.1: pmid, doi, reference_text, study_id


def failures_of(table: pd.DataFrame, model: type = StudiesModel) -> list:
    name = next(name for name, candidate in TABLE_MODELS.items() if candidate is model)
    coerced, cases = validate_table(table, model)
    return [s.failure for s in schema_failures(coerced, cases, name, REPORT_ID)]


def test_seed_studies_meet_the_contract() -> None:
    coerced, cases = validate_table(seed_studies(), StudiesModel)
    assert cases.empty
    assert str(coerced["ref_no"].dtype) == "Int64"
    assert str(coerced["year"].dtype) == "Int64"


def test_missing_required_cell_is_reported_with_its_study() -> None:
    studies = seed_studies()
    studies.loc[6, "first_author"] = None
    [failure] = failures_of(studies)
    assert (failure.check, failure.column) == ("required", "first_author")
    assert failure.study_key == f"{REPORT_ID}:7"
    assert failure.ref_no == 7
    assert "Ref 7" in failure.message and "First Author is empty" in failure.message


def test_blank_required_text_counts_as_missing() -> None:
    studies = seed_studies()
    studies.loc[0, "first_author"] = ""
    assert [f.check for f in failures_of(studies)] == ["required"]


def test_design_outside_the_enum_is_design_enum() -> None:
    studies = seed_studies()
    studies.loc[3, "design"] = "cohort"
    [failure] = failures_of(studies)
    assert (failure.check, failure.failure_case, failure.ref_no) == ("design_enum", "cohort", 4)


@pytest.mark.parametrize("year", [1850, YEAR_MAX + 1])
def test_implausible_year_is_year_range(year: int) -> None:
    studies = seed_studies()
    studies.loc[2, "year"] = year
    [failure] = failures_of(studies)
    assert (failure.check, failure.column, failure.ref_no) == ("year_range", "year", 3)
    assert str(year) in failure.message


def test_unreadable_year_is_type() -> None:
    studies = seed_studies().astype({"year": "object"})
    studies.loc[2, "year"] = "twenty"
    checks = {(f.check, f.ref_no) for f in failures_of(studies)}
    assert ("type", 3) in checks


def test_duplicate_study_key_flags_every_copy() -> None:
    studies = seed_studies()
    studies.loc[4, "study_key"] = studies.loc[5, "study_key"]
    failures = failures_of(studies)
    assert [(f.check, f.ref_no) for f in failures] == [("unique_study_key", 5), ("unique_study_key", 6)]


def test_malformed_study_key_is_study_key_format() -> None:
    studies = seed_studies()
    studies.loc[0, "study_key"] = "no separator"
    assert [f.check for f in failures_of(studies)] == ["study_key_format"]


def test_missing_listed_column_is_missing_column() -> None:
    [failure] = failures_of(seed_studies().drop(columns=["table_label"]))
    assert (failure.check, failure.column, failure.study_key) == ("missing_column", "table_label", None)


def test_extra_columns_may_follow_the_listed_ones() -> None:
    studies = seed_studies()
    studies["intervention"] = "IVIG"
    studies["reviewer_note"] = "x"
    assert failures_of(studies) == []


def test_extra_column_among_the_listed_ones_is_column_order() -> None:
    studies = seed_studies()
    studies.insert(2, "reviewer_note", "x")
    assert [f.check for f in failures_of(studies)] == ["column_order"]


def test_listed_columns_out_of_order_is_column_order() -> None:
    studies = seed_studies()
    columns = list(studies.columns)
    columns[2], columns[3] = columns[3], columns[2]
    assert [f.check for f in failures_of(studies[columns])] == ["column_order"]


@settings(max_examples=25, deadline=None)
@given(year=st.integers(YEAR_MIN, YEAR_MAX), design=st.sampled_from(DESIGNS))
def test_any_plausible_year_and_contract_design_pass(year: int, design: str) -> None:
    studies = seed_studies().head(1).assign(year=year, design=design)
    assert failures_of(studies) == []


@settings(max_examples=25, deadline=None)
@given(year=st.one_of(st.integers(0, YEAR_MIN - 1), st.integers(YEAR_MAX + 1, 99_999)))
def test_any_implausible_year_fails_year_range(year: int) -> None:
    studies = seed_studies().head(1).assign(year=year)
    assert [f.check for f in failures_of(studies)] == ["year_range"]


def reports_row(**changes: object) -> pd.DataFrame:
    row = {
        "report_id": REPORT_ID,
        "source_file": f"{REPORT_ID}.txt",
        "source_sha256": "a" * 64,
        "source_format": "text",
        "title": None,
        "publication_date": date(2017, 11, 2),
        "research_questions": "What is it?",
        "search_start": date(2012, 1, 1),
        "search_end": date(2017, 10, 26),
        "n_studies": 17,
        "pages": None,
        "extractor_version": "0.1.0",
        "extracted_at": datetime(2024, 5, 1, tzinfo=timezone.utc),
    }
    return pd.DataFrame([{**row, **changes}])


def test_reports_row_meets_the_contract_and_bad_format_does_not() -> None:
    assert failures_of(reports_row(), ReportsModel) == []
    checks = {f.check for f in failures_of(reports_row(source_format="docx", source_sha256="xyz"), ReportsModel)}
    assert checks == {"source_format_enum", "value_format"}


def test_selection_criterion_outside_the_list_and_repeats_are_caught() -> None:
    criteria = pd.DataFrame(
        {"report_id": [REPORT_ID] * 3, "criterion": ["population", "population", "setting"], "text": ["a", "b", "c"]}
    )
    failures = failures_of(criteria, SelectionCriteriaModel)
    assert sorted((f.check, f.failure_case) for f in failures) == [
        ("criterion_enum", "setting"),
        ("unique_criterion", f"{REPORT_ID} / population"),
        ("unique_criterion", f"{REPORT_ID} / population"),
    ]
    assert {f.message.split(":")[0] for f in failures if f.check == "unique_criterion"} == {
        "Row 1 of selection_criteria",
        "Row 2 of selection_criteria",
    }


def test_abbreviation_without_expansion_is_required() -> None:
    abbreviations = pd.DataFrame({"report_id": [REPORT_ID], "abbreviation": ["AE"], "expansion": [None]})
    assert [f.check for f in failures_of(abbreviations, AbbreviationsModel)] == ["required"]


def test_failure_severity_must_be_error_or_warning() -> None:
    failures = pd.DataFrame(
        [{"report_id": REPORT_ID, "table": "studies", "study_key": None, "ref_no": None, "column": None,
          "check": "required", "severity": "fatal", "failure_case": None, "message": "m", "source_page": None}]
    )
    assert [f.check for f in failures_of(failures, ValidationFailuresModel)] == ["severity_enum"]


@pytest.mark.parametrize(
    ("pandera_check", "column", "code"),
    [
        ("not_nullable", "first_author", "required"),
        ("str_length(1, None)", "first_author", "required"),
        ("dtype('Int64')", "year", "type"),
        ("coerce_dtype('Int64')", "year", "type"),
        ("column_in_dataframe", None, "missing_column"),
        ("isin(['a'])", "design", "design_enum"),
        ("greater_than_or_equal_to(1900)", "year", "year_range"),
        ("year_not_after_next_year", "year", "year_range"),
        ("greater_than_or_equal_to(1)", "ref_no", "value_range"),
        ("field_uniqueness", "study_key", "unique_study_key"),
        ("something_new", "x", "schema"),
    ],
)
def test_pandera_names_map_to_stable_codes(pandera_check: str, column: str | None, code: str) -> None:
    assert check_code(pandera_check, column) == code
    assert REASONS[code].kind == "schema"


def kind_of(dtype: object) -> str:
    """The declared column kind a pandera dtype stands for (string storage varies by pandas)."""
    text = str(dtype)
    kinds = {"Int64": "int", "date": "date", "datetime64[ns, UTC]": "timestamp"}
    return "string" if text.startswith("string") else kinds.get(text, text)


@pytest.mark.parametrize("name", sorted(TABLE_MODELS))
def test_each_model_checks_exactly_its_declared_contract_and_optional_columns(name: str) -> None:
    table = TABLES[name]
    columns = TABLE_MODELS[name].to_schema().columns
    assert tuple(columns) == table.column_names("contract", "optional")
    assert {n: kind_of(c.dtype) for n, c in columns.items()} == {
        n: kind for n, kind in table.kinds.items() if n in columns
    }
    assert [n for n, c in columns.items() if c.required] == list(table.contract_columns)


def test_selection_criteria_allow_exactly_the_declared_criteria() -> None:
    assert CRITERIA == ("population", "intervention", "comparator", "outcomes", "study_designs")
    criterion = SelectionCriteriaModel.to_schema().columns["criterion"]
    assert [check.statistics["allowed_values"] for check in criterion.checks] == [list(CRITERIA)]
