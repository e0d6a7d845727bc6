"""tables/headers.py: printed header cells map to contract fields through one synonym table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.tables.headers import HEADER_SYNONYMS, field_for_header, is_header_cell


@pytest.mark.parametrize(
    ("printed", "field"),
    [
        ("First Author, Year", "author"),
        ("Study", "author"),
        ("Author, Year", "author"),
        ("Author (Year)", "author"),
        ("Study, Year", "author"),
        ("Indication", "indication"),
        ("Condition", "indication"),
        ("Population", "population"),
        ("Patients", "population"),
        ("Target Population", "population"),
        ("Participants", "population"),
        ("Results", "results"),
        ("Main Findings", "results"),
        ("Key Findings", "results"),
        ("Findings", "results"),
        ("Authors' Conclusions", "authors_conclusions"),
        ("Authors\u2019 Conclusions", "authors_conclusions"),
        ("Authors\u2019\nConclusions", "authors_conclusions"),
        ("Conclusions", "authors_conclusions"),
        ("Study Design", "study_design"),
        ("Intervention", "intervention"),
        ("Intervention and Comparator(s)", "intervention"),
        ("Comparator", "comparator"),
        ("Outcomes", "outcomes"),
        ("Main Findings and Authors' Conclusions", "results"),
        ("Main Findings and\nAuthors\u2019 Conclusions", "results"),
    ],
)
def test_printed_headers_map_to_contract_fields(printed: str, field: str) -> None:
    assert field_for_header(printed) == field
    assert is_header_cell(printed)


@pytest.mark.parametrize(
    "printed",
    [" First Author, Year", "FIRST AUTHOR,  YEAR", "first author,\nyear", "Authors \u2019 Conclusions", "Outcomes:"],
)
def test_case_spacing_and_apostrophes_do_not_matter(printed: str) -> None:
    assert is_header_cell(printed)


@pytest.mark.parametrize(
    "text",
    ["Recurrent miscarriage", "Not specified in the abstract", "Systematic Reviews", "Zerdes (2017)", "1", ""],
)
def test_data_cells_are_not_header_cells(text: str) -> None:
    assert not is_header_cell(text)


def test_unknown_header_is_kept_as_extra_with_its_printed_name() -> None:
    assert field_for_header("Sample Size") == "extra:Sample Size"
    assert field_for_header("Country\nof origin") == "extra:Country of origin"


@given(
    st.sampled_from([(field, s) for field, synonyms in HEADER_SYNONYMS.items() for s in synonyms]),
    st.sampled_from([str.upper, str.title, str.lower]),
    st.sampled_from([" ", "\n", "  "]),
)
def test_every_synonym_survives_case_and_wrapping(known: tuple[str, str], recase, gap: str) -> None:
    field, synonym = known
    printed = recase(synonym).replace(" ", gap)
    assert is_header_cell(printed)
    expected = f"extra:{' '.join(printed.split())}" if field == "extra" else field
    assert field_for_header(printed) == expected


def test_guideline_columns_fill_results_and_keep_their_evidence_grade_apart() -> None:
    assert field_for_header("Recommendations") == "results"
    assert field_for_header("Strength of Evidence") == "extra:Strength of Evidence"
    assert is_header_cell("Quality of\nEvidence")
