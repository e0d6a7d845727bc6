"""Pipeline composition without Prefect: one report's contract tables, and combining many."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.errors import UnreadableReport
from extract.model import Failure
from extract.datasets import combine, failures_as_frame, report_tables, unreadable_tables
from extract.extraction import extract_report, reader_for
from extract.schemas import TABLE_MODELS
from extract.settings import Limits
from extract.tables_spec import STUDY_COLUMNS, TABLE_COLUMNS

SEED_DIR = Path(__file__).parent / "fixtures" / "seed"
EXPECTED_REPORT = json.loads((SEED_DIR / "expected-report.json").read_text(encoding="utf-8"))
EXTRACTED_AT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def seed_tables() -> dict[str, pd.DataFrame]:
    """The seed report's tables before validation."""
    extraction = extract_report(SEED_DIR / "ivig-offlabel-2017.txt", Limits())
    return report_tables(extraction, "9.9.9", EXTRACTED_AT)


def test_seed_yields_its_seventeen_studies_in_contract_order(seed_tables: dict[str, pd.DataFrame]) -> None:
    studies = seed_tables["studies"]
    expected = pd.read_csv(SEED_DIR / "expected-studies.csv")
    assert len(studies) == 17
    assert list(studies.columns[: len(STUDY_COLUMNS)]) == list(STUDY_COLUMNS)
    assert sorted(studies["study_key"]) == sorted(expected["study_key"])
    assert str(studies["ref_no"].dtype) == "Int64" and str(studies["year"].dtype) == "Int64"
    assert str(studies["first_author"].dtype) == "string"


def test_seed_reports_row_is_typed_and_carries_provenance(seed_tables: dict[str, pd.DataFrame]) -> None:
    reports = seed_tables["reports"]
    expected = EXPECTED_REPORT["report"]
    row = reports.iloc[0]
    assert len(reports) == 1
    assert list(reports.columns[:13]) == list(TABLE_MODELS["reports"].to_schema().columns)
    assert row["report_id"] == "ivig-offlabel-2017" and row["source_file"] == "ivig-offlabel-2017.txt"
    assert row["source_format"] == "text" and len(row["source_sha256"]) == 64
    assert row["n_studies"] == 17 and row["extractor_version"] == "9.9.9"
    assert row["search_start"] == date.fromisoformat(expected["search_start"])
    assert row["search_end"] == date.fromisoformat(expected["search_end"])
    assert row["research_questions"] == "\n".join(expected["research_questions"])
    assert str(reports["extracted_at"].dtype) == "datetime64[ns, UTC]"
    assert json.loads(row["declared_counts"]) == expected["declared_counts"]


def test_seed_selection_criteria_and_abbreviations_match_golden(
    seed_tables: dict[str, pd.DataFrame],
) -> None:
    criteria = seed_tables["selection_criteria"]
    abbreviations = seed_tables["abbreviations"]
    assert dict(zip(criteria["criterion"], criteria["text"])) == EXPECTED_REPORT["selection_criteria"]
    assert dict(zip(abbreviations["abbreviation"], abbreviations["expansion"])) == EXPECTED_REPORT["abbreviations"]
    assert set(criteria["report_id"]) == set(abbreviations["report_id"]) == {"ivig-offlabel-2017"}
    assert all(str(dtype) == "string" for dtype in [*criteria.dtypes, *abbreviations.dtypes])


def test_table_columns_list_the_contract_models_columns_first() -> None:
    for name, model in TABLE_MODELS.items():
        listed = list(model.to_schema().columns)
        assert list(TABLE_COLUMNS[name])[: len(listed)] == listed, name


def test_unsupported_suffix_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableReport) as raised:
        reader_for(tmp_path / "report.docx")
    assert raised.value.reason == "unsupported_format"


def test_text_without_a_study_table_is_no_summary_table(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Title of a memo\n\nA paragraph about nothing in particular.\n", encoding="utf-8")
    with pytest.raises(UnreadableReport) as raised:
        extract_report(path, Limits())
    assert raised.value.reason == "no_summary_table"
    assert raised.value.source_file == "notes.txt"


def test_unreadable_report_becomes_one_report_level_error_row() -> None:
    error = UnreadableReport("corrupt_pdf", "the cross-reference table is broken", "raw/bad-1.pdf", 3)
    failures = unreadable_tables(error)["validation_failures"]
    row = failures.iloc[0]
    assert len(failures) == 1
    assert (row["report_id"], row["table"], row["check"], row["severity"]) == ("bad-1", "reports", "corrupt_pdf", "error")
    assert row["source_page"] == 3
    assert "bad-1.pdf" in row["message"] and "page 3" in row["message"] and "corrupt_pdf" in row["message"]


def test_failures_frame_is_typed_when_empty() -> None:
    frame = failures_as_frame([])
    contract = list(TABLE_MODELS["validation_failures"].to_schema().columns)
    assert list(frame.columns) == [*contract, "status", "decision"]  # review columns extend the contract
    assert str(frame["ref_no"].dtype) == "Int64" and str(frame["message"].dtype) == "string"


failures_strategy = st.builds(
    Failure,
    check=st.sampled_from(["required", "year_range", "declared_count"]),
    message=st.text(min_size=1, max_size=20),
    report_id=st.sampled_from(["r-a", "r-b"]),
    table=st.sampled_from(["studies", "reports"]),
    severity=st.sampled_from(["error", "warning"]),
    study_key=st.none() | st.sampled_from(["r-a:1", "r-b:2"]),
    ref_no=st.none() | st.integers(1, 99),
    column=st.none() | st.sampled_from(["year", "results"]),
    failure_case=st.none() | st.text(max_size=10),
    page_no=st.none() | st.integers(1, 50),
)


@given(st.lists(failures_strategy, max_size=6))
def test_failures_frame_keeps_every_failure_field(failures: list[Failure]) -> None:
    frame = failures_as_frame(failures)
    assert len(frame) == len(failures)
    for failure, row in zip(failures, frame.to_dict("records")):
        assert row["check"] == failure.check and row["message"] == failure.message
        assert (None if pd.isna(row["ref_no"]) else row["ref_no"]) == failure.ref_no
        assert (None if pd.isna(row["source_page"]) else row["source_page"]) == failure.page_no


def study_frame(report_id: str, ref_nos: list[int]) -> pd.DataFrame:
    """A minimal studies frame for one report."""
    rows = [
        {"report_id": report_id, "study_key": f"{report_id}:{n}", "ref_no": n, "first_author": "Doe", "year": 2010}
        for n in ref_nos
    ]
    return pd.DataFrame(rows)


def report_frames(report_id: str, ref_nos: list[int]) -> dict[str, pd.DataFrame]:
    """One report's frames as the flow holds them."""
    return {
        "studies": study_frame(report_id, ref_nos),
        "reports": pd.DataFrame(
            [{"report_id": report_id, "n_studies": len(ref_nos), "search_start": "2012-01-01",
              "extracted_at": datetime(2024, 1, 1, 12)}]
        ),
        "selection_criteria": pd.DataFrame(
            [{"report_id": report_id, "criterion": c, "text": c.upper()} for c in ("outcomes", "population")]
        ),
    }


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.lists(st.integers(1, 40), unique=True, max_size=5)),
        unique_by=lambda pair: pair[0],
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_combine_does_not_depend_on_report_order(reports: list[tuple[str, list[int]]], rng: random.Random) -> None:
    per_report = [report_frames(report_id, refs) for report_id, refs in reports]
    shuffled = list(per_report)
    rng.shuffle(shuffled)
    first, second = combine(per_report), combine(shuffled)
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    assert len(first["studies"]) == sum(len(refs) for _, refs in reports)


def test_combine_sorts_by_stable_keys_and_criteria_in_contract_order() -> None:
    combined = combine([report_frames("b", [3, 1]), report_frames("a", [10, 2])])
    assert list(combined["studies"]["study_key"]) == ["a:2", "a:10", "b:1", "b:3"]
    assert list(combined["selection_criteria"]["criterion"]) == ["population", "outcomes"] * 2


def test_combine_fixes_types_even_for_empty_tables() -> None:
    combined = combine([])
    for name, kinds in TABLE_COLUMNS.items():
        assert list(combined[name].columns) == list(kinds), name
    reports = combine([report_frames("a", [1])])["reports"]
    assert str(reports["extracted_at"].dtype) == "datetime64[ns, UTC]"
    assert reports.iloc[0]["extracted_at"].utcoffset() == timedelta(0)
    assert reports.iloc[0]["search_start"] == date(2012, 1, 1)
    assert str(combined["studies"]["ref_no"].dtype) == "Int64"
    assert str(combined["validation_failures"]["message"].dtype) == "string"


def test_combine_keeps_columns_beyond_the_listed_ones_as_text() -> None:
    frames = report_frames("a", [1])
    frames["studies"]["extra"] = [{"Setting": "ward"}]
    frames["studies"]["funding"] = ["public"]
    studies = combine([frames])["studies"]
    assert list(studies.columns) == [*STUDY_COLUMNS, "review_audit", "funding"]
    assert json.loads(studies.iloc[0]["extra"]) == {"Setting": "ward"}
    assert studies.iloc[0]["funding"] == "public"
