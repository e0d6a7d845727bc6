"""Cross-checks hold the study rows against the report's own counts, citations, dates and text."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.checks import (
    artifact_failures,
    citation_range_failures,
    count_failures,
    covered_designs,
    cross_check_failures,
    duplicate_ref_no_failures,
    duplicate_study_failures,
    ref_no_gap_failures,
    ref_ranges,
    required_cell_failures,
    table_columns,
    year_after_publication_failures,
    year_outside_search_failures,
)
from extract.model import Cell, Document, Extraction, ParsingReport, RawRow, ReportMeta, Table

SEED = Path(__file__).parent / "fixtures" / "seed"
REPORT_ID = "ivig-offlabel-2017"
LABEL = "Table 2: Summary of Included Studies"


def seed_studies() -> pd.DataFrame:
    """The golden studies of the seed, with the contract's columns the CSV leaves out."""
    studies = pd.read_csv(SEED / "expected-studies.csv")
    studies["source_page"] = None
    studies["table_label"] = LABEL
    return studies


def clean_studies() -> pd.DataFrame:
    """The seed with its one real defect (ref 17's empty conclusions) filled in."""
    studies = seed_studies()
    studies.loc[studies["ref_no"] == 17, "authors_conclusions"] = "The authors concluded nothing."
    return studies


def seed_meta() -> ReportMeta:
    """What the seed says about itself: Key Findings counts, Overall Summary counts and refs."""
    report = json.loads((SEED / "expected-report.json").read_text())["report"]
    return ReportMeta(
        publication_date=date(2017, 11, 2),
        search_start=date.fromisoformat(report["search_start"]),
        search_end=date.fromisoformat(report["search_end"]),
        declared_counts=report["declared_counts"],
        summary_counts={
            "systematic_review": 5,
            "randomized_controlled_trial": 3,
            "prospective_observational": 5,
            "non_randomized_study": 4,
        },
        citation_ranges={
            "systematic_review": (1, 2, 3, 4, 5),
            "randomized_controlled_trial": (6, 7, 8),
            "prospective_observational": tuple(range(9, 14)),
            "non_randomized_study": tuple(range(14, 18)),
        },
    )


def seed_extraction(meta: ReportMeta | None = None, tables: tuple[Table, ...] = ()) -> Extraction:
    document = Document(REPORT_ID, f"{REPORT_ID}.txt", "text", "0" * 64, ())
    return Extraction(document, meta or seed_meta(), tables)


def test_clean_seed_has_no_cross_check_failures() -> None:
    assert cross_check_failures(clean_studies(), seed_extraction()) == []


def test_seed_has_exactly_its_missing_conclusions() -> None:
    [failure] = cross_check_failures(seed_studies(), seed_extraction())
    assert (failure.check, failure.ref_no, failure.column) == ("required", 17, "authors_conclusions")
    assert failure.study_key == f"{REPORT_ID}:17"
    assert "Coulam" in failure.message and LABEL in failure.message


def test_non_randomized_declaration_covers_observational_rows() -> None:
    studies = clean_studies()
    observational = studies[studies["ref_no"] > 8]
    assert set(observational["design"]) == {"prospective_observational", "retrospective_observational"}
    assert count_failures(observational, {"non_randomized_study": 9}, REPORT_ID, "declared_count", "Key Findings declare") == []


def test_narrower_design_declared_apart_is_not_double_counted() -> None:
    assert covered_designs("non_randomized_study", ["prospective_observational", "non_randomized_study"]) == frozenset(
        {"non_randomized_study", "retrospective_observational"}
    )
    assert covered_designs("systematic_review", ["systematic_review"]) == frozenset({"systematic_review", "meta_analysis"})


def test_count_mismatch_names_the_declared_and_listed_rows() -> None:
    studies = clean_studies()
    studies = studies[studies["ref_no"] != 7]
    failures = count_failures(studies, seed_meta().declared_counts, REPORT_ID, "declared_count", "Key Findings declare")
    assert [f.message for f in failures] == [
        "Key Findings declare 3 randomized controlled trials; the table lists 2 (refs 6, 8)."
    ]
    assert failures[0].study_key is None


def test_a_design_the_report_is_silent_about_is_no_claim_but_a_declared_zero_is() -> None:
    studies = clean_studies()
    studies.loc[0, "design"] = "guideline"
    silent = [f.message for f in count_failures(studies, seed_meta().declared_counts, REPORT_ID, "declared_count", "Key Findings declare")]
    assert silent == ["Key Findings declare 5 systematic reviews; the table lists 4 (refs 2–5)."]
    declared_zero = {**seed_meta().declared_counts, "guideline": 0}
    messages = [f.message for f in count_failures(studies, declared_zero, REPORT_ID, "declared_count", "Key Findings declare")]
    assert "Key Findings declare 0 guidelines; the table lists 1 (refs 1)." in messages


def test_no_declaration_means_nothing_to_compare() -> None:
    assert count_failures(clean_studies(), {}, REPORT_ID, "summary_count", "The Overall Summary reports") == []


def test_cited_ref_outside_its_design_group_is_reported() -> None:
    studies = clean_studies()
    studies.loc[studies["ref_no"] == 7, "design"] = "systematic_review"
    [failure] = citation_range_failures(studies, seed_meta().citation_ranges, REPORT_ID)
    assert failure.check == "citation_range"
    assert failure.message == (
        "The Overall Summary cites refs 6–8 as randomized controlled trials, "
        "but ref 7 is not a row of that design in the table."
    )


def test_duplicate_ref_no_flags_both_rows() -> None:
    studies = clean_studies()
    studies.loc[4, "ref_no"] = 4
    failures = duplicate_ref_no_failures(studies, REPORT_ID)
    assert sorted(f.study_key for f in failures) == [f"{REPORT_ID}:4", f"{REPORT_ID}:5"]
    assert all("reference number 4 is used by more than one row" in f.message for f in failures)


def test_missing_reference_numbers_are_a_report_level_gap() -> None:
    studies = clean_studies()
    studies = studies[~studies["ref_no"].isin([5, 11, 12])]
    [failure] = ref_no_gap_failures(studies, REPORT_ID)
    assert (failure.check, failure.study_key, failure.failure_case) == ("ref_no_gap", None, "5, 11–12")


def test_numbering_that_starts_late_is_ref_no_start() -> None:
    studies = clean_studies()
    studies = studies[studies["ref_no"] > 3]
    assert [(f.check, f.failure_case) for f in ref_no_gap_failures(studies, REPORT_ID)] == [("ref_no_start", "1–3")]


def test_year_after_publication_is_caught() -> None:
    studies = clean_studies()
    studies.loc[2, "year"] = 2019
    [failure] = year_after_publication_failures(studies, date(2017, 11, 2), REPORT_ID)
    assert (failure.check, failure.ref_no, failure.failure_case) == ("year_after_publication", 3, "2019")
    assert "after the report's publication date 2017-11-02" in failure.message


def test_year_before_the_search_window_is_caught_but_future_years_are_left_to_publication() -> None:
    studies = clean_studies()
    studies.loc[2, "year"] = 2009
    studies.loc[3, "year"] = 2019
    [failure] = year_outside_search_failures(studies, date(2012, 1, 1), date(2017, 10, 26), date(2017, 11, 2), REPORT_ID)
    assert (failure.check, failure.ref_no) == ("year_outside_search", 3)


def rows_with(*fields: str) -> tuple[RawRow, ...]:
    return (RawRow({field: Cell("x") for field in fields}),)


def test_table_without_a_column_does_not_fail_its_rows() -> None:
    studies = clean_studies()
    second = studies["ref_no"] > 8
    studies.loc[second, "table_label"] = "Table 3: Primary Studies"
    studies.loc[second, "authors_conclusions"] = None
    tables = (
        Table(LABEL, (), rows_with("author", "results", "authors_conclusions", "indication", "population"), ParsingReport("blocks")),
        Table("Table 3: Primary Studies", (), rows_with("author", "results", "indication", "population"), ParsingReport("blocks")),
    )
    assert required_cell_failures(studies, table_columns(tables), REPORT_ID) == []
    studies.loc[0, "authors_conclusions"] = None
    [failure] = required_cell_failures(studies, table_columns(tables), REPORT_ID)
    assert (failure.check, failure.ref_no, failure.column) == ("required", 1, "authors_conclusions")


def test_without_headers_a_column_is_present_when_any_row_fills_it() -> None:
    studies = clean_studies()
    studies.loc[[3, 9], "population"] = None
    failures = required_cell_failures(studies, {}, REPORT_ID)
    assert [(f.ref_no, f.column) for f in failures] == [(4, "population"), (10, "population")]


@pytest.mark.parametrize(
    ("text", "check", "case"),
    [
        ("The adv erse events were rare", "broken_word", "adv erse"),
        ("Nine (cid:12) patients", "glyph_code", "(cid:12)"),
        ("\uf0b7 Live births were higher", "private_use_char", "U+F0B7"),
        ("Live births \ufffd higher", "replacement_char", "U+FFFD"),
    ],
)
def test_leftover_pdf_artifacts_are_caught(text: str, check: str, case: str) -> None:
    studies = clean_studies()
    studies.loc[5, "results"] = text
    [failure] = artifact_failures(studies, REPORT_ID)
    assert (failure.check, failure.ref_no, failure.column, failure.failure_case) == (check, 6, "results", case)
    assert failure.message.startswith("Ref 6 (Meng, 2016): the Results cell holds")


def test_same_author_year_and_indication_under_another_ref_is_a_duplicate_study() -> None:
    studies = clean_studies()
    copy = studies.iloc[[4]].assign(ref_no=18, study_key=f"{REPORT_ID}:18")
    [failure] = duplicate_study_failures(pd.concat([studies, copy], ignore_index=True), REPORT_ID)
    assert (failure.check, failure.ref_no) == ("duplicate_study", 18)


def parse_ranges(text: str) -> set[int]:
    numbers: set[int] = set()
    for part in filter(None, re.split(r",\s*", text)):
        first, _, last = part.partition("–")
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


@given(st.sets(st.integers(1, 300)))
def test_ref_ranges_print_exactly_the_numbers_given(refs: set[int]) -> None:
    assert parse_ranges(ref_ranges(refs)) == refs


def test_ref_checks_ignore_missing_numbers_in_a_nullable_int_column() -> None:
    """Regression: a table with no reference numbers crashed the gap check (<NA> in range())."""
    from extract.checks import ref_no_gap_failures, refs_of

    studies = pd.DataFrame({"ref_no": pd.array([None, 3, None, 5], dtype="Int64")})
    assert refs_of(studies) == [3, 5]
    assert ref_no_gap_failures(studies.iloc[[0, 2]], "r") == []
    assert [f.check for f in ref_no_gap_failures(studies, "r")][0] == "ref_no_gap"
